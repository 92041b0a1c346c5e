/// Formats the one-line live progress display (the caller prints it after `\r` on a TTY).
///
/// ```
/// 0:42  12.3k URLs  1.2k/s  queued 4.1k  in flight 32  failed 17  45.6 MiB
/// ```
/// When the line is wider than `width`, fields are dropped least-important first (bytes, in-flight,
/// failures, queued, rate) and then the rest is cut with "…", so the result never exceeds `width`
/// characters and never wraps, which would break the `\r` update.
public enum ProgressLine {
    public static func render(_ p: ProgressSnapshot, width: Int) -> String {
        guard width > 0 else { return "" }
        // Fields in display order, each with a priority (higher survives longer).
        let fields: [(text: String, priority: Int)] = [
            (duration(p.elapsedSeconds), 5),
            ("\(count(p.records)) URLs", 6),
            ("\(rate(p.urlsPerSecond))/s", 4),
            ("queued \(count(p.queued))", 3),
            ("in flight \(count(p.inFlight))", 1),
            ("failed \(count(p.failures))", 2),
            (bytes(p.bytes), 0),
        ]
        var kept = fields
        func joined() -> String { kept.map(\.text).joined(separator: "  ") }
        var line = joined()
        while line.count > width, kept.count > 1 {
            let lowest = kept.indices.min { kept[$0].priority < kept[$1].priority }!
            kept.remove(at: lowest)
            line = joined()
        }
        if line.count > width {
            line = width == 1 ? "…" : String(line.prefix(width - 1)) + "…"
        }
        return line
    }

    /// 999, 1.2k, 12.3k, 123k, 1.2M, 1.2G.
    public static func count(_ n: Int) -> String {
        let sign = n < 0 ? "-" : ""
        let v = Double(n.magnitude)
        if v < 1000 { return "\(n)" }
        return sign + scaled(v, base: 1000, units: ["k", "M", "G", "T"], separator: "")
    }

    /// 0.5, 9.9, 850, 1.2k.
    public static func rate(_ r: Double) -> String {
        guard r.isFinite, r >= 0 else { return "-" }
        if r < 10 { return oneDecimal(r) }
        if r < 1000 { return String(Int(r.rounded())) }
        return scaled(r, base: 1000, units: ["k", "M", "G"], separator: "")
    }

    /// 512 B, 1.5 KiB, 45.6 MiB, 2.0 GiB.
    public static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        return scaled(Double(n), base: 1024, units: ["KiB", "MiB", "GiB", "TiB", "PiB"], separator: " ")
    }

    /// m:ss below an hour, then h:mm:ss.
    public static func duration(_ seconds: Double) -> String {
        let s = seconds.isFinite && seconds > 0 ? Int(seconds) : 0
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }

    /// One decimal below 100 of a unit ("1.2k", "12.3k"), none above ("123k").
    private static func scaled(_ v: Double, base: Double, units: [String], separator: String) -> String {
        var value = v / base
        var unit = 0
        // 999.5 would print as "1000": move to the next unit instead.
        while value >= 999.5, unit < units.count - 1 {
            value /= base
            unit += 1
        }
        let text = value < 99.95 ? oneDecimal(value) : String(Int(value.rounded()))
        return text + separator + units[unit]
    }

    private static func oneDecimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
