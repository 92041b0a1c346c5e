import Foundation
import Testing
import CrawlReport

/// Prints the reader's throughput (not asserted: machines differ). Size from REPORT_BENCH_MB
/// (default 8); run with `swift test -c release --filter ReaderPerformance` for real numbers.
@Suite struct ReaderPerformanceTests {
    @Test func throughput() throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["REPORT_BENCH_MB"] ?? "") ?? 8
        let dir = try TempDir()
        let path = dir.path + "/bench.jsonl"
        // Write a block of varied records repeatedly rather than generating every line.
        let block = Data(Generated.lines(count: 2000, hosts: 500).utf8)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var written = 0
        while written < megabytes << 20 {
            try handle.write(contentsOf: block)
            written += block.count
        }
        try handle.close()

        let clock = ContinuousClock()
        var summary = ReportSummary()
        let elapsed = try clock.measure { summary = try ReportSummary.read(paths: [path]) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mb = Double(written) / 1_048_576
        print("CrawlReport reader: \(String(format: "%.1f", mb)) MiB, \(summary.records) records in "
              + "\(String(format: "%.2f", seconds)) s = \(String(format: "%.1f", mb / seconds)) MiB/s")
        #expect(summary.records == written / block.count * 2000)
        #expect(summary.invalidLines == 0)
    }
}
