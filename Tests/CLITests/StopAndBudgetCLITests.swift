import DemoSite
import Foundation
import Synchronization
import TestTiming
import Testing

/// Issue 5's acceptance checks, through the binary: budgets, signals, --max-duration, exit codes, the
/// summary file, and output that stays valid however the crawl ends.
@Suite("The crawl binary stops cleanly", .serialized)
struct StopAndBudgetCLITests {
    /// Every line of a JSONL file parsed; fails the test on a partial or invalid line.
    static func records(at url: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: url)
        if !data.isEmpty { #expect(data.last == 0x0A, "the output ends in the middle of a line") }
        return try data.split(separator: 0x0A).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    static func summary(at url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: url.path + ".summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func writeSeeds(_ seeds: [String], in directory: URL) throws {
        try (seeds.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
    }

    static let fast = ["--host-rate", "0", "--host-concurrency", "8", "--concurrency", "8", "--retries", "0"]

    @Test(.timeLimit(.minutes(1)))
    func aServerTurningTo500sSpendsTheCrawlBudget() async throws {
        let served = Mutex(0)
        let server = try await LocalHTTPServer.start { request in
            switch request.path {
            case "/robots.txt": return .notFound()
            case "/": return .html((0..<1000).map { "<a href=/p/\($0)>\($0)</a>" }.joined())
            default:
                let count = served.withLock { count -> Int in
                    count += 1
                    return count
                }
                return count <= 300 ? .html("<title>ok</title>") : ServerResponse(status: 500, body: .bytes(Array("down".utf8)))
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([server.baseURL + "/"], in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let result = try await BinaryRunner.run(
            // The host breaker is off: this checks the crawl-wide rate budget (on one host the breaker
            // would fire first, after 10 failures in a row, with the same exit code).
            ["--seeds", "seeds.txt", "--output", output.path, "--max-error-rate", "0.5", "--error-window", "50",
             "--host-max-errors", "0"] + Self.fast,
            in: directory)
        let log = server.stats.log
        await server.shutdown()

        #expect(result.status == 3, "\(result.stderr)")
        let records = try Self.records(at: output)
        // One record for every URL started, none for the rest: every request has its record, and a URL
        // handed to a fetch slot but cancelled before its request went out is recorded as cancelled.
        let requested = Set(log.map(\.path).filter { $0 != "/robots.txt" })
        var outcomes: [String: String] = [:]
        for record in records {
            if let url = record["url"] as? String { outcomes[url.replacingOccurrences(of: server.baseURL, with: "")] = record["outcome"] as? String }
        }
        #expect(outcomes.count == records.count)
        #expect(requested.isSubset(of: Set(outcomes.keys)))
        let unrequested = Set(outcomes.keys).subtracting(requested)
        #expect(unrequested.allSatisfy { outcomes[$0] == "cancelled" }, "\(unrequested.map { ($0, outcomes[$0] ?? "") })")
        // Within one window of attempts after the turn (25 failures spend a 50% budget over 50).
        let failures = log.filter { $0.status == 500 }.sorted { $0.start < $1.start }
        #expect(failures.count >= 25 && failures.count <= 50 + 8, "\(failures.count) 500s served")
        // Within 1 s of the budget being spent (the 25th failure) the process has exited: checked when
        // the suite runs alone (`CRAWL_TIMING_TESTS=1`, as CI does after the main run). In the parallel
        // run, other suites' crawls share the cores and the debug binary once took 1.5 s (fresh-clone
        // CI); there the bound is 3 s, which still fails a stop that waits for the grace period (5 s)
        // or for the transfers in flight to time out.
        let bound = TimingBound.wall(alone: .seconds(1), parallel: .seconds(3))
        if failures.count >= 25, let spentAt = failures[24].end {
            print("cancellation latency: the process exited \(result.exitedAt - spentAt) after the 25th failure was served")
            #expect(result.exitedAt - spentAt < bound, "exited \(result.exitedAt - spentAt) after the budget was spent")
        }
        let summary = try Self.summary(at: output)
        #expect(summary["stop_reason"] as? String == "error_budget")
        #expect(summary["exit_code"] as? Int == 3)
        #expect((summary["stop_detail"] as? String)?.contains("of the last 50 attempts failed") == true)
        #expect(result.stderr.contains("stop_reason=error_budget"))  // stderr is a pipe: logfmt
    }

    @Test(.timeLimit(.minutes(1)))
    func aCrawlOfAHostThatIsDownFailsWithExit3() async throws {
        // A port nothing listens on any more: every connection is refused.
        let server = try await LocalHTTPServer.start { _ in .notFound() }
        let seed = server.baseURL + "/"
        await server.shutdown()
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([seed], in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--output", output.path] + Self.fast, in: directory)

        // Exit 0 ("finished") told cron nothing of a site that was down.
        #expect(result.status == 3, "\(result.stderr)")
        let records = try Self.records(at: output)
        #expect(records.map { $0["outcome"] as? String } == ["robots_unreachable"])
        // The record says why: the connection to the robots.txt was refused.
        let error = try #require(records.first?["error"] as? String)
        #expect(error.hasPrefix("robots.txt unreachable (connection_refused: "), "\(error)")
        let summary = try Self.summary(at: output)
        #expect(summary["stop_reason"] as? String == "nothing_fetched")
        #expect(summary["exit_code"] as? Int == 3)
        #expect(summary["stop_detail"] as? String == "no URL could be fetched: 1 robots_unreachable")
        #expect(result.stderr.contains("stop_reason=nothing_fetched"))  // stderr is a pipe: logfmt
        #expect(result.stderr.contains("stop_detail=\"no URL could be fetched: 1 robots_unreachable\""), "\(result.stderr)")

        // The same host without robots.txt: the page itself fails.
        let noRobots = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--no-robots", "--quiet"] + Self.fast, in: directory)
        #expect(noRobots.status == 3, "\(noRobots.stderr)")
        #expect(try Self.records(at: output).map { $0["outcome"] as? String } == ["connection_refused"])
        #expect(try Self.summary(at: output)["stop_detail"] as? String == "no URL could be fetched: 1 connection_refused")
    }

    @Test(.timeLimit(.minutes(1)))
    func aHostThatAlwaysTimesOutIsCancelledAndTheOthersFinish() async throws {
        let bad = try await LocalHTTPServer.start { request in
            request.path == "/robots.txt" ? .notFound() : ServerResponse(status: 200, headers: [("Content-Type", "text/html")],
                                                                       body: .bytes([]), headerDelay: .seconds(20))
        }
        let good = try await LocalHTTPServer.start { request in
            switch request.path {
            case "/": return .html((0..<30).map { "<a href=/p/\($0)>\($0)</a>" }.joined())
            case "/robots.txt": return .notFound()
            default: return .html("<title>\(request.path)</title>")
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([good.baseURL + "/"] + (0..<10).map { bad.baseURL + "/\($0)" }, in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--timeout", "1", "--host-max-errors", "3",
             "--host-rate", "0", "--host-concurrency", "2", "--retries", "0"], in: directory)
        let badRequests = bad.stats.log.filter { $0.path != "/robots.txt" }.count
        await bad.shutdown()
        await good.shutdown()

        #expect(result.status == 0, "\(result.stderr)")
        let records = try Self.records(at: output)
        let badRecords = records.filter { ($0["url"] as? String)?.hasPrefix(bad.baseURL) == true }
        #expect(badRecords.count == 10)
        // Three timeouts spend the budget; the one other request in flight is aborted then, unless it
        // timed out in the same instant.
        let timeouts = badRecords.filter { $0["outcome"] as? String == "timeout" }.count
        #expect((3...4).contains(timeouts))
        #expect(badRecords.filter { $0["outcome"] as? String == "error_budget_exhausted" }.count == 10 - timeouts)
        #expect(badRequests <= 4)  // three timeouts, and at most one more in flight when the third failed
        let goodRecords = records.filter { ($0["url"] as? String)?.hasPrefix(good.baseURL) == true }
        #expect(goodRecords.count == 31)
        let notOK = goodRecords.filter { $0["outcome"] as? String != "ok" }
        #expect(notOK.isEmpty, "\(notOK.map { "\($0["url"] ?? "") \($0["outcome"] ?? "") \($0["error"] ?? "")" })")
        let summary = try Self.summary(at: output)
        #expect(summary["hosts_cancelled"] as? [String] == ["http://127.0.0.1:\(bad.port)"])
    }

    /// A site of slow pages (each answers after `delay`), many of them.
    static func slowSite(delay: Duration) async throws -> LocalHTTPServer {
        try await LocalHTTPServer.start { request in
            switch request.path {
            case "/robots.txt": return .notFound()
            case "/": return .html((0..<2000).map { "<a href=/p/\($0)>\($0)</a>" }.joined())
            default:
                var response = ServerResponse.html("<title>\(request.path)</title>")
                response.headerDelay = delay
                return response
            }
        }
    }

    /// Waits (bounded) until the server has received `count` requests.
    static func waitForRequests(_ server: LocalHTTPServer, _ count: Int) async throws {
        for _ in 0..<1000 where server.stats.totalRequests < count {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// SIGTERM, and SIGHUP (the terminal closed: it used to end the process at once, losing the
    /// records still buffered and the summary).
    @Test(.timeLimit(.minutes(1)), arguments: [(SIGTERM, Int32(143), "terminated"), (SIGHUP, Int32(129), "hangup")])
    func aSignalStopsGracefullyWithValidOutputAndASummary(signal: Int32, status: Int32, reason: String) async throws {
        let server = try await Self.slowSite(delay: .milliseconds(100))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([server.baseURL + "/"], in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let running = try BinaryRunner.launch(["--seeds", "seeds.txt", "--output", output.path] + Self.fast, in: directory)
        try await Self.waitForRequests(server, 30)
        running.signal(signal)
        let result = try await running.wait(timeout: .seconds(20))
        let requested = server.stats.log.filter { $0.path != "/robots.txt" }.count
        await server.shutdown()

        #expect(result.status == status, "\(result.stderr)")
        let records = try Self.records(at: output)
        // Transfers in flight at the signal finished within the grace period: every request has its record.
        #expect(records.count == requested)
        #expect(records.allSatisfy { $0["outcome"] as? String == "ok" })
        let summary = try Self.summary(at: output)
        #expect(summary["stop_reason"] as? String == reason)
        #expect(summary["exit_code"] as? Int == Int(status))
        #expect((summary["queued_at_stop"] as? Int ?? 0) > 1000)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondSignalStopsAtOnce() async throws {
        let server = try await Self.slowSite(delay: .seconds(60))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([server.baseURL + "/"], in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let running = try BinaryRunner.launch(["--seeds", "seeds.txt", "--output", output.path] + Self.fast, in: directory)
        try await Self.waitForRequests(server, 9)  // robots.txt, /, and 7+ stuck pages
        running.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(300))
        let secondAt = ContinuousClock.now
        running.signal(SIGINT)
        let result = try await running.wait(timeout: .seconds(20))
        await server.shutdown()

        print("second signal: the process exited \(result.exitedAt - secondAt) after it")
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.exitedAt - secondAt < .seconds(2), "took \(result.exitedAt - secondAt) after the second signal")
        let records = try Self.records(at: output)
        #expect(records.filter { $0["outcome"] as? String == "cancelled" }.count >= 7)
        #expect(try Self.summary(at: output)["stop_reason"] as? String == "interrupted")
    }

    @Test(.timeLimit(.minutes(1)))
    func aFullDiskStopsTheCrawlWithExit1() async throws {
        // /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let server = try await Self.slowSite(delay: .milliseconds(1))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([server.baseURL + "/"], in: directory)
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--output", "/dev/full"] + Self.fast, in: directory)
        let requests = server.stats.totalRequests
        await server.shutdown()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "No space left on device").count == 2, "said once: \(result.stderr)")
        #expect(result.stderr.contains("stop_reason=output_failed"))
        #expect(requests < 2000)  // it stopped instead of crawling all 2,000 pages into the void
        #expect(!FileManager.default.fileExists(atPath: "/dev/full.summary.json"))  // no summary beside a device
    }

    @Test(.timeLimit(.minutes(1)))
    func maxDurationExits4WithValidOutput() async throws {
        let server = try await Self.slowSite(delay: .milliseconds(50))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds([server.baseURL + "/"], in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let started = ContinuousClock.now
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--max-duration", "2s"] + Self.fast, in: directory)
        await server.shutdown()
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.exitedAt - started < .seconds(6))
        let records = try Self.records(at: output)
        #expect(records.count > 20)
        let summary = try Self.summary(at: output)
        #expect(summary["stop_reason"] as? String == "max_duration")
    }

    /// `--max-duration 0` is no limit, as 0 is for the error budgets (it used to stop the crawl before
    /// its first request, exit 4, with no record).
    @Test(.timeLimit(.minutes(1)))
    func maxDurationZeroIsNoLimit() async throws {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 1, pagesPerHost: 30, slowPageEvery: 0, largePageEvery: 0))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeSeeds(site.seeds, in: directory)
        let output = directory.appendingPathComponent("out.jsonl")
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--max-duration", "0"] + Self.fast, in: directory)
        await site.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.summary(at: output)["stop_reason"] as? String == "finished")
        let recorded = Set(try Self.records(at: output).compactMap { $0["url"] as? String })
        let expected = site.manifest.expectedURLs(respectingRobots: true)
        #expect(expected.isSubset(of: recorded), "\(expected.subtracting(recorded).count) URLs without a record")
    }
}
