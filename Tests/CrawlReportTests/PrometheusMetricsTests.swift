import Foundation
import Testing
import CrawlReport

@Suite struct PrometheusMetricsTests {
    static let sample = MetricsSnapshot(
        recordsByOutcome: ["ok": 400, "http_error": 102, "we\"ird\\out\ncome": 1],
        bodyBytes: 12_345_678, durationSeconds: 12.5, exitReason: "error_budget", exitCode: 3,
        lastSuccessUnixTime: 1_795_000_000.25, startUnixTime: 1_795_357_866, endUnixTime: 1_795_357_878.5,
        failures: 17, queuedAtStop: 42)

    @Test func rendersHelpTypeAndEscapedLabels() {
        let text = PrometheusMetrics.render(Self.sample)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")  // ends with a newline
        #expect(lines.contains(#"crawl_records_total{outcome="we\"ird\\out\ncome"} 1"#))
        #expect(lines.contains(#"crawl_records_total{outcome="ok"} 400"#))
        #expect(lines.contains("crawl_body_bytes_total 12345678"))
        #expect(lines.contains("crawl_duration_seconds 12.5"))
        #expect(lines.contains("crawl_exit_code 3"))
        #expect(lines.contains(#"crawl_exit_reason{reason="error_budget"} 1"#))
        #expect(lines.contains("crawl_last_success_time_seconds 1795000000.25"))
        #expect(lines.contains("crawl_end_time_seconds 1795357878.5"))
        #expect(lines.contains("crawl_queued_at_stop 42"))
        #expect(lines.contains("crawl_running 0"))

        // Every sample's metric has HELP then TYPE lines before it, exactly once.
        var declared: [String: String] = [:]
        var helped: Set<String> = []
        for line in lines where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).prefix { $0 != " " })
                #expect(!helped.contains(name))
                helped.insert(name)
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["counter", "gauge"].contains(String(parts[3])))
                #expect(helped.contains(String(parts[2])))
                declared[String(parts[2])] = String(parts[3])
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(name.hasPrefix("crawl_"))
                #expect(declared[name] != nil, "\(name) has no TYPE line")
                #expect(Double(line.split(separator: " ").last.map(String.init) ?? "") != nil, "\(line)")
            }
        }
        #expect(declared["crawl_records_total"] == "counter")
        #expect(declared["crawl_duration_seconds"] == "gauge")
    }

    @Test func runningSnapshotOmitsEndAndExitCode() {
        var running = Self.sample
        running.endUnixTime = nil
        running.exitCode = nil
        running.lastSuccessUnixTime = nil
        running.exitReason = "running"
        let text = PrometheusMetrics.render(running)
        #expect(!text.contains("crawl_end_time_seconds"))
        #expect(!text.contains("crawl_exit_code"))
        #expect(!text.contains("crawl_last_success_time_seconds"))
        #expect(text.contains("crawl_running 1\n"))
    }

    /// Also the generator for Scripts/check-metrics.sh: with CRAWL_METRICS_SAMPLE_OUT set, the
    /// sample is written there for prometheus_client's parser to check.
    @Test func writesAtomicallyWithReadablePermissions() throws {
        let dir = try TempDir()
        let path = dir.path + "/crawl.prom"
        let text = PrometheusMetrics.render(Self.sample)
        try MetricsFile.write("old\n", to: path)
        try MetricsFile.write(text, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["crawl.prom"])  // no temp file left
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        // 0644 before umask; with the usual umask 022 node_exporter (another user) can read it.
        #expect((mode ?? 0) & 0o600 == 0o600 && (mode ?? 0) & 0o133 == 0)
        #expect(throws: (any Error).self) { try MetricsFile.write(text, to: dir.path + "/missing/crawl.prom") }
        if let out = ProcessInfo.processInfo.environment["CRAWL_METRICS_SAMPLE_OUT"] {
            try MetricsFile.write(text, to: out)
        }
    }
}
