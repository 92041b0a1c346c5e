import DemoSite
import Foundation
import Testing

/// `crawl report`, `--metrics-file`, the progress line and `--quiet`, through the binary.
@Suite("The crawl binary reports", .serialized)
struct ObservabilityCLITests {
    /// Crawls a small demo site into `directory`/out.jsonl with `extra` flags.
    static func crawlDemo(in directory: URL, _ extra: [String] = []) async throws -> BinaryRunner.Result {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 2, pagesPerHost: 30, slowPageEvery: 0, largePageEvery: 0))
        try (site.seeds.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "out.jsonl", "--host-rate", "0", "--host-concurrency", "4"] + extra,
            in: directory)
        await site.shutdown()
        return result
    }

    @Test func reportUsageErrors() async throws {
        let none = try await BinaryRunner.run(["report"])
        #expect(none.status == 64)
        let missing = try await BinaryRunner.run(["report", "/nonexistent/out.jsonl"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("/nonexistent/out.jsonl"))
    }

    @Test(.timeLimit(.minutes(1)))
    func reportSummarisesARealCrawlAndWritesHTML() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let crawl = try await Self.crawlDemo(in: directory)
        #expect(crawl.status == 0, "\(crawl.stderr)")
        let lines = try Data(contentsOf: directory.appendingPathComponent("out.jsonl")).split(separator: 0x0A)
        let outcomes = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])["outcome"] as? String ?? "" }
        let okCount = outcomes.filter { $0 == "ok" }.count

        let report = try await BinaryRunner.run(["report", "out.jsonl", "--html", "report.html"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("\(lines.count)"))
        // The outcome table lists ok with the same count jq would give.
        let okLine = report.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("ok ") }
        #expect(okLine?.split(separator: " ").contains(Substring("\(okCount)")) == true, "\(okLine ?? "no ok line")")
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 >= 5)
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
    }

    /// An unwritable `--metrics-file` fails the run before any fetch, as an unwritable output does,
    /// rather than after a whole crawl; nothing is written, the output included.
    @Test(.timeLimit(.minutes(1)))
    func unwritableMetricsFileExits1BeforeAnyFetch() async throws {
        let server = try await LocalHTTPServer.start { _ in .html("<title>x</title>") }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\(server.baseURL)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("folder"), withIntermediateDirectories: false)
        for (metrics, reason) in [("/nonexistent-dir/crawl.prom", "cannot create a temporary file beside it: No such file or directory"),
                                  ("folder", "is a directory")] {
            let result = try await BinaryRunner.run(
                ["--seeds", "seeds.txt", "--output", "out.jsonl", "--metrics-file", metrics], in: directory)
            #expect(result.status == 1, "\(metrics): \(result.stderr)")
            #expect(result.stderr.contains("cannot write the metrics file \(metrics): \(reason)"), "\(result.stderr)")
        }
        await server.shutdown()
        #expect(server.stats.totalRequests == 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["folder", "seeds.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("folder").path).isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func metricsFileMatchesTheRunSummary() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let crawl = try await Self.crawlDemo(in: directory, ["--metrics-file", "crawl.prom"])
        #expect(crawl.status == 0, "\(crawl.stderr)")
        let metrics = try String(contentsOf: directory.appendingPathComponent("crawl.prom"), encoding: .utf8)
        let summaryData = try Data(contentsOf: directory.appendingPathComponent("out.jsonl.summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
        func value(_ sample: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.split(separator: " ").last!) }
        }
        // Every record reached the output: it holds as many lines as the summary's records.
        let lines = try String(contentsOf: directory.appendingPathComponent("out.jsonl"), encoding: .utf8).split(separator: "\n").count
        #expect(summary["records"] as? Int == lines)
        #expect(summary["records_written"] as? Int == lines)
        let byOutcome = try #require(summary["by_outcome"] as? [String: Int])
        for (outcome, count) in byOutcome {
            #expect(value("crawl_records_total{outcome=\"\(outcome)\"}") == Double(count), "\(outcome)")
        }
        #expect(value("crawl_exit_code") == 0)
        #expect(value("crawl_failures_total") == Double(summary["failures"] as? Int ?? -1))
        #expect(value("crawl_body_bytes_total") == Double(summary["bytes"] as? Int ?? -1))
        #expect(value("crawl_last_success_time_seconds") != nil)
        #expect(metrics.contains("# TYPE crawl_records_total counter"))
        // Atomic writes leave no temporary file behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp") || $0.hasPrefix(".crawl.prom") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test(.timeLimit(.minutes(1)))
    func noProgressLineWithoutATerminalAndNothingWithQuiet() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let piped = try await Self.crawlDemo(in: directory)
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\r"))  // stderr is a pipe (as under cron): no progress line
        // Not a terminal: one logfmt line per event (errors keep their "crawl: " prefix).
        #expect(piped.stderr.contains(#"msg="crawl finished""#))
        let lines = piped.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("time=") || $0.hasPrefix("crawl: ") }, "\(piped.stderr)")
        let quiet = try await Self.crawlDemo(in: directory, ["--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// Crawls a demo site with slow pages on a pseudo-terminal (util-linux's `script`), as a person at
    /// a shell would, `setUp` run first in the same shell; returns the exit status and the terminal's output.
    static func crawlOnATerminal(setUp: String = "") async throws -> (status: Int32, output: String) {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 2, pagesPerHost: 300, slowPageEvery: 10, slowDelay: .milliseconds(200), largePageEvery: 0))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try (site.seeds.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let command = setUp + "'\(BinaryRunner.binaryURL.path)' --seeds seeds.txt --output out.jsonl --host-rate 0 --host-concurrency 2"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = directory
        // As in a shell, which sets COLUMNS without exporting it: the width comes from the terminal.
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "COLUMNS" }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read on a thread of its own: a blocking read on the cooperative pool would starve the server.
        let output = String(decoding: await BinaryRunner.readToEnd(pipe.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        await site.shutdown()
        return (process.terminationStatus, output)
    }

    @Test(.timeLimit(.minutes(1)), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressLineOnATerminal() async throws {
        let (status, output) = try await Self.crawlOnATerminal()
        #expect(status == 0)
        #expect(output.contains("\r\u{1B}[K"))
        #expect(output.contains(" URLs ") && output.contains("in flight"))
        // The progress line is cleared just before the summary, and not drawn again after the clear
        // (the summary was printed on the end of a last progress line).
        let summary = try #require(output.firstRange(of: /crawl: \d+ URLs in/), "\(output.debugDescription)")
        #expect(output[..<summary.lowerBound].hasSuffix("\r\u{1B}[K"), "\(output.suffix(300).debugDescription)")
    }

    @Test(.timeLimit(.minutes(1)), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressLineFitsANarrowTerminal() async throws {
        // A 40-column window: the line was drawn 100 columns wide, wrapped, and every `\r` update left
        // its wrapped lines behind on the screen.
        let (status, output) = try await Self.crawlOnATerminal(setUp: "stty cols 40; ")
        #expect(status == 0)
        let summary = try #require(output.firstRange(of: /crawl: \d+ URLs in/), "\(output.debugDescription)")
        let drawn = output[..<summary.lowerBound].split(separator: "\r\u{1B}[K").map { $0.trimmingCharacters(in: .newlines) }
            .filter { !$0.isEmpty }
        #expect(!drawn.isEmpty, "\(output.debugDescription)")
        #expect(drawn.allSatisfy { $0.count < 40 && $0.contains(" URLs") }, "\(drawn)")
    }
}
