import Foundation

/// Renders a `MetricsSnapshot` in the Prometheus text exposition format (version 0.0.4), the
/// format node_exporter's textfile collector reads from `*.prom` files.
///
/// Every metric has `# HELP` and `# TYPE` lines; label values escape `\`, `"` and newline, and
/// HELP text escapes `\` and newline, as the format requires. Samples of one metric are sorted by
/// label so the output is stable.
public enum PrometheusMetrics {
    /// The text for `snapshot`, ending in a newline.
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(format(s.value))\n" }
        }
        family("crawl_records_total", "counter", "Records written, by outcome.",
               snapshot.recordsByOutcome.sorted { $0.key < $1.key }.map { (labels(["outcome": $0.key]), Double($0.value)) })
        family("crawl_failures_total", "counter", "Records that count as failures (network errors, timeouts, 5xx, 429, ...).",
               [("", Double(snapshot.failures))])
        family("crawl_body_bytes_total", "counter", "Decoded body bytes received.",
               [("", Double(snapshot.bodyBytes))])
        family("crawl_duration_seconds", "gauge", "Seconds the run has taken so far (the whole run once it ended).",
               [("", snapshot.durationSeconds)])
        family("crawl_start_time_seconds", "gauge", "Unix time the run started.",
               [("", snapshot.startUnixTime)])
        family("crawl_end_time_seconds", "gauge", "Unix time the run ended (absent while running).",
               snapshot.endUnixTime.map { [("", $0)] } ?? [])
        family("crawl_running", "gauge", "1 while the run is in progress, 0 once it ended.",
               [("", snapshot.endUnixTime == nil ? 1 : 0)])
        family("crawl_exit_code", "gauge", "The process exit code (absent while running).",
               snapshot.exitCode.map { [("", Double($0))] } ?? [])
        family("crawl_exit_reason", "gauge", "Always 1; the reason label says how the run ended, or \"running\".",
               [(labels(["reason": snapshot.exitReason]), 1)])
        family("crawl_last_success_time_seconds", "gauge", "Unix end time of the last run that exited with code 0.",
               snapshot.lastSuccessUnixTime.map { [("", $0)] } ?? [])
        family("crawl_queued_at_stop", "gauge", "URLs still queued when the run stopped.",
               [("", Double(snapshot.queuedAtStop))])
        return out
    }

    static func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        "{" + pairs.map { "\($0.key)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// Label values: `\` -> `\\`, `"` -> `\"`, newline -> `\n`.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// HELP text: `\` -> `\\`, newline -> `\n`.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Integers without a fraction (exactly, up to 2^53), others in Swift's shortest round-trip
    /// form, and the format's spellings of the special values.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 9_007_199_254_740_992 { return String(Int64(v)) }
        return "\(v)"
    }
}
