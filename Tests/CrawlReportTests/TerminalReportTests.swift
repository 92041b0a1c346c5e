import Testing
import CrawlReport

@Suite struct TerminalReportTests {
    @Test func plainAlignedText() throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", ReportAggregatorTests.fixture())
        let text = TerminalReport.render(try ReportSummary.read(paths: [path]), width: 100)
        #expect(!text.contains("\u{1B}"))  // no colour or other escape sequences
        for line in text.split(separator: "\n") where !line.contains(path) {  // file paths are never cut
            #expect(line.count <= 100, "too wide: \(line)")
            #expect(line.last != " ")
        }
        #expect(text.contains("crawl report: 1 file, 9 records"))
        #expect(text.contains("1 invalid line, partial last line skipped"))
        #expect(text.contains("  ok                         3  33.3%"))
        #expect(text.contains("  5xx          1  11.1%  503 ×1"))
        #expect(text.contains("Failing hosts (3)"))
        // Right-aligned numbers: the slowest table's first column lines up on its last digit.
        let slow = text.components(separatedBy: "Slowest pages\n")[1].split(separator: "\n").prefix(3).map(String.init)
        #expect(slow == ["  time ms    bytes  status  outcome              url",
                         "    20000      0 B       -  timeout              http://b.test:8080/1",
                         "    300.0     10 B     429  rate_limited         https://c.test/2"])
    }

    /// One record, one failure: no "1 records".
    @Test func countsOfOneAreSingular() throws {
        let dir = try TempDir()
        let line = ReportAggregatorTests.fixture().split(separator: "\n").first { $0.contains("\"timeout\"") }
        let path = try dir.write("one.jsonl", String(try #require(line)) + "\n")
        let text = TerminalReport.render(try ReportSummary.read(paths: [path]), width: 100)
        #expect(text.contains("crawl report: 1 file, 1 record, 0 B of bodies, 1 failure (100.0%)"), "\(text.prefix(200))")
        #expect(text.contains("one.jsonl: 1 record, "), "\(text.prefix(200))")
    }

    /// The peak counts only whole buckets: a partly filled edge bucket would understate the rate
    /// (a 0.4 s crawl showed "average 1581.8 URLs/s, peak 582.0 URLs/s").
    @Test func peakRateCountsOnlyWholeBuckets() throws {
        func records(atSeconds times: [String]) -> String {
            times.enumerated().map { index, time in
                FixtureRecord(url: "https://x.test/\(index)", host: "x.test", outcome: "ok", status: 200,
                              fetchedAt: "2026-01-01T00:00:0\(time)Z", timeMs: 1).json
            }.joined(separator: "\n") + "\n"
        }
        let dir = try TempDir()
        // 0.4 s: the one bucket is not whole, so there is no peak, only the average (4 intervals / 0.4 s).
        let short = try dir.write("short.jsonl", records(atSeconds: ["0.000", "0.100", "0.200", "0.300", "0.400"]))
        let shortText = TerminalReport.render(try ReportSummary.read(paths: [short]), width: 100)
        #expect(shortText.contains("  throughput: average 10.0 URLs/s\n"), "\(shortText)")
        #expect(!shortText.contains("peak"))
        #expect(!HTMLReport.render(try ReportSummary.read(paths: [short])).contains("peak URLs/s"))
        // 0.5 s to 2.6 s: only [1 s, 2 s) is whole; its 3 records are the peak, above the average (5 / 2.1 s).
        let long = try dir.write("long.jsonl", records(atSeconds: ["0.500", "1.000", "1.200", "1.500", "2.000", "2.600"]))
        let summary = try ReportSummary.read(paths: [long])
        let first = try #require(summary.firstFetchMs), last = try #require(summary.lastFetchMs)
        #expect(summary.timeline.peakRatePerSecond(firstFetchMs: first, lastFetchMs: last) == 3)
        #expect(TerminalReport.render(summary, width: 100).contains("  throughput: average 2.4 URLs/s, peak 3.0 URLs/s (1 s buckets)\n"))
        // A crawl at exactly one request a second (Crawl-delay: 1): the average is that rate, not the
        // 3 / 2 s that read as more than its own peak.
        let paced = try dir.write("paced.jsonl", records(atSeconds: ["0.783", "1.784", "2.784"]))
        let pacedText = TerminalReport.render(try ReportSummary.read(paths: [paced]), width: 100)
        #expect(pacedText.contains("  throughput: average 1.0 URLs/s, peak 1.0 URLs/s (1 s buckets)\n"), "\(pacedText)")
    }
}
