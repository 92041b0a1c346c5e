import Foundation

/// One JSONL record for fixtures, serialised the way `crawl` does (U+2028 left raw, as Swift's
/// encoders write it), so the reader is tested against real-world bytes.
struct FixtureRecord {
    var url: String
    var host: String
    var outcome: String
    var status: Int?
    var contentType: String?
    var bytes = 0
    var title: String?
    var depth = 0
    var fetchedAt: String
    var timeMs: Double
    var ttfbMs: Double?
    var attempts = 1

    var json: String {
        func str(_ s: String?) -> String { s.map(FixtureRecord.quote) ?? "null" }
        let timings = ttfbMs.map { "{\"dns_ms\":0.0,\"connect_ms\":0.1,\"tls_ms\":0.0,\"ttfb_ms\":\($0)}" } ?? "null"
        return "{\"schema_version\":1,\"url\":\(str(url)),\"final_url\":\(str(url)),\"host\":\(str(host)),\"depth\":\(depth),"
            + "\"parent\":null,\"status\":\(status.map(String.init) ?? "null"),\"outcome\":\(str(outcome)),"
            + "\"content_type\":\(str(contentType)),\"bytes\":\(bytes),\"title\":\(str(title)),\"links_found\":2,"
            + "\"links_enqueued\":1,\"redirects\":0,\"redirect_target\":null,\"attempts\":\(attempts),\"rate_wait_ms\":0.0,"
            + "\"fetched_at\":\(str(fetchedAt)),\"time_ms\":\(timeMs),\"timings\":\(timings),\"error\":null}"
    }

    /// JSON string literal: escapes `"`, `\` and control characters only.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// A private temporary directory, removed when the value is released.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "crawl-report-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) so generated fixtures are the same every run.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum Generated {
    static let outcomes = ["ok", "ok", "ok", "ok", "http_error", "unsupported_content", "timeout", "robots_disallowed",
                           "connection_reset", "duplicate"]

    /// `count` varied records over several hosts, one line each (newline-terminated).
    static func lines(count: Int, seed: UInt64 = 7, hosts: Int = 7) -> String {
        var rng = SplitMix64(state: seed)
        var out = ""
        out.reserveCapacity(count * 520)
        for i in 0..<count {
            let host = "h\(rng.int(hosts)).example" + (i % 11 == 0 ? ":8443" : "")
            let outcome = outcomes[rng.int(outcomes.count)]
            let noRequest = outcome == "robots_disallowed"
            let status: Int? = switch outcome {
            case "ok", "unsupported_content": 200
            case "http_error": [404, 500, 503][rng.int(3)]
            case "duplicate": 301
            default: nil
            }
            // Log-uniform latencies from 0.1 ms to 100 s, one decimal as crawl writes them.
            let time = noRequest ? 0 : (pow(10, rng.unit() * 6 - 1) * 10).rounded() / 10
            let second = 40 + i * 3 / max(count / 100, 1)
            let ms = rng.int(1000)
            let rec = FixtureRecord(
                url: "https://\(host)/path/\(i)?q=\(rng.int(1000))", host: host, outcome: outcome, status: status,
                contentType: outcome == "ok" ? "text/html; charset=utf-8" : (status == nil ? nil : "image/png"),
                bytes: outcome == "ok" ? rng.int(200_000) : 0,
                title: outcome == "ok" ? "Title \(i) \u{2028} with \"quotes\" and \\ backslash" : nil,
                depth: rng.int(6),
                fetchedAt: "2026-03-04T05:\(String(format: "%02d", second / 60 % 60)):\(String(format: "%02d", second % 60)).\(String(format: "%03d", ms))Z",
                timeMs: time, ttfbMs: status == nil ? nil : (time * 0.4 * 10).rounded() / 10, attempts: noRequest ? 0 : 1 + rng.int(2))
            out += rec.json + "\n"
        }
        return out
    }
}
