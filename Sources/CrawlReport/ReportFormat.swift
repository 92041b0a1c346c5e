/// Number and time formatting shared by the terminal and HTML reports (locale-independent).
public enum ReportFormat {
    /// `singular`, or its plural for any count but 1: "1 record", "2 records" (the closing summary
    /// line, the report and its warnings).
    public static func noun(_ singular: String, count: Int) -> String {
        count == 1 ? singular : singular + "s"
    }

    /// Milliseconds: "0.4", "12.5", "1234".
    static func ms(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "-" }
        if abs(v) >= 1000 { return String(Int(v.rounded())) }
        return fixed(v, decimals: 1)
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        return fixed(Double(part) * 100 / Double(whole), decimals: 1) + "%"
    }

    static func fixed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(v) * scale).rounded())
        let sign = v < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let whole = scaled / Int(scale)
        var frac = String(scaled % Int(scale))
        while frac.count < decimals { frac = "0" + frac }
        return "\(sign)\(whole).\(frac)"
    }

    /// Thousands separators: 1234567 -> "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "2026-11-22 14:31:06.268Z" (UTC).
    static func timestamp(unixMs: Int64) -> String {
        let days = Int(floorDiv(unixMs, 86_400_000))
        let msOfDay = Int(unixMs - Int64(days) * 86_400_000)
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int, _ n: Int) -> String {
            var s = String(v)
            while s.count < n { s = "0" + s }
            return s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):"
            + "\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// "1h 02m 03s", "4m 05s", "12.3 s".
    static func span(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 60 { return fixed(seconds, decimals: 1) + " s" }
        let s = Int(seconds.rounded())
        let pad = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        if s < 3600 { return "\(s / 60)m \(pad(s % 60))s" }
        return "\(s / 3600)h \(pad(s / 60 % 60))m \(pad(s % 60))s"
    }

    /// Inverse of `JSONText.daysFromCivil` (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Cuts `s` to `max` characters, ending in "…" when cut.
    static func truncate(_ s: String, _ max: Int) -> String {
        guard max > 0 else { return "" }
        return s.count <= max ? s : String(s.prefix(max - 1)) + "…"
    }

    /// Averages `values` down to at most `points` values (for sparklines and charts).
    static func downsample(_ values: [Double], to points: Int) -> [Double] {
        guard values.count > points, points > 0 else { return values }
        var out: [Double] = []
        out.reserveCapacity(points)
        for i in 0..<points {
            let lo = i * values.count / points
            let hi = max(lo + 1, (i + 1) * values.count / points)
            out.append(values[lo..<hi].reduce(0, +) / Double(hi - lo))
        }
        return out
    }
}
