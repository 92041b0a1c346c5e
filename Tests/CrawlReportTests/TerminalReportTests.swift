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
}
