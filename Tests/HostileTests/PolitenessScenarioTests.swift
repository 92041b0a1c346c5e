import CrawlerCore
import DemoSite
import Foundation
import Synchronization
import TestTiming
import Testing

/// Timing-sensitive: each run is exclusive (no other scenario crawl meanwhile), and the suite is serialized.
@Suite("Hostile scenarios: politeness", .serialized)
struct PolitenessScenarioTests {
    /// Gaps between consecutive request arrivals of one host, from the server's log.
    static func gaps(_ log: [RequestLogEntry]) -> [Duration] {
        let starts = log.map(\.start).sorted()
        return zip(starts.dropFirst(), starts).map { $0 - $1 }
    }

    /// How far the gaps fall short of `interval` where nothing before makes up for it: the smallest,
    /// over the gaps, of the largest sum of (gap - interval) over the runs of gaps ending at that one.
    /// The server logs an arrival late by its own latency, which lengthens that gap and shortens the
    /// next by the same amount with the crawl's spacing intact (seen: 571 then 428 ms, 825 then
    /// 178 ms), so a short gap right after a long one is not a fault; a burst or a missing delay
    /// leaves a gap near zero with nothing before it to make up for it.
    static func unmadeShortfall(_ gaps: [Duration], interval: Duration) -> Duration {
        var bestEndingHere = Duration.zero
        var worst = Duration.zero
        for (index, gap) in gaps.enumerated() {
            bestEndingHere = index == 0 ? gap - interval : max(gap - interval, bestEndingHere + gap - interval)
            worst = min(worst, bestEndingHere)
        }
        return worst
    }

    @Test("P1 429 with Retry-After seconds", .timeLimit(.minutes(1)))
    func p1() async throws {
        let answered = Mutex(0)
        let limited = try await startServer { request in
            guard request.path == "/page" else { return nil }
            let n = answered.withLock { $0 += 1; return $0 }
            if n == 1 { return ServerResponse(status: 429, headers: [("Retry-After", "2")], body: .bytes([])) }
            return .html("<title>finally</title>")
        }
        let other = try await startServer { request in
            request.path.hasPrefix("/o") ? .html("<title>other</title>") : nil
        }
        let seeds = [limited.baseURL + "/page"] + (0..<5).map { other.baseURL + "/o\($0)" }
        let run = try await Scenario.run(seeds: seeds, exclusive: true)
        await limited.shutdown()
        await other.shutdown()
        let record = try #require(run.record(limited.baseURL + "/page"))
        #expect(record.outcome == .ok && record.attempts == 2)
        let attempts = limited.stats.log.filter { $0.path == "/page" }
        #expect(attempts.count == 2)
        let minGap = Duration.seconds(HostileFixture.scenario("P1")?.number("min_gap_between_attempts_s") ?? 2)
        if attempts.count == 2 { #expect(attempts[1].start - attempts[0].start >= minGap) }
        // Other hosts unaffected: all their pages were fetched during the wait.
        #expect(run.records.filter { $0.outcome == .ok }.count == seeds.count)
        if let retry = attempts.last?.start, let lastOther = other.stats.log.map(\.start).max() {
            #expect(lastOther < retry)
        }
    }

    @Test("P2 Retry-After as HTTP-date, in the past, negative, garbage, huge", .timeLimit(.minutes(1)))
    func p2() async throws {
        let counts = Mutex([String: Int]())
        let values = ["/past": "Wed, 21 Oct 2015 07:28:00 GMT", "/negative": "-5", "/garbage": "soon", "/huge": "999999999"]
        // Each path on its own host name (the backoff is per host), answering 429 once, then 200.
        let server = try await startServer { request in
            guard let value = values[request.path] else { return nil }
            let n = counts.withLock { $0[request.path, default: 0] += 1; return $0[request.path]! }
            return n == 1 ? ServerResponse(status: 429, headers: [("Retry-After", value)], body: .bytes([]))
                          : .html("<title>ok</title>")
        }
        let hosts = ["/past": "past.test", "/negative": "negative.test", "/garbage": "garbage.test", "/huge": "huge.test"]
        let seeds = hosts.map { "http://\($0.value):\(server.port)\($0.key)" }
        let others = try await startServer { request in request.path.hasPrefix("/o") ? .html("<title>o</title>") : nil }
        // Scaled: the Retry-After cap is 3 s instead of the file's 30 s, so the test takes seconds; the
        // rule asserted is the same (a huge value waits exactly the cap, then the URL is retried).
        let cap = Duration.seconds(3)
        let run = try await Scenario.run(
            seeds: seeds + (0..<4).map { others.baseURL + "/o\($0)" },
            resolve: hosts.values.map { "\($0):\(server.port):127.0.0.1" }, exclusive: true
        ) {
            $0.scope = .all
            $0.politeness.maxRetryDelay = cap
            // One worker: if any wait slept a worker, the other host's pages would stall behind it.
            $0.concurrency = 1
        } fetch: {
            $0.maxTransfers = 1
        }
        await server.shutdown()
        await others.shutdown()
        func attemptGap(_ path: String) -> Duration? {
            let starts = server.stats.log.filter { $0.path == path }.map(\.start)
            return starts.count == 2 ? starts[1] - starts[0] : nil
        }
        for seed in seeds { #expect(run.outcome(seed) == .ok, "\(seed)") }
        // Huge: capped at the cap.
        let huge = try #require(attemptGap("/huge"))
        #expect(huge >= cap - .milliseconds(10) && huge < cap + .seconds(1), "huge: \(huge)")
        // Negative and garbage: the default backoff (1 s base × jitter 0.5...1.5), within 0.5 s when the
        // suite runs alone (`CRAWL_TIMING_TESTS=1`, as CI does after the main run). Beside the parallel
        // suites the retry once came 2.09 s after the first attempt: there the bound is 2.8 s, still
        // below the 3 s cap that a Retry-After misread as huge would wait.
        let backoffBound = TimingBound.wall(alone: .seconds(2), parallel: .milliseconds(2800))
        for path in ["/negative", "/garbage"] {
            let gap = try #require(attemptGap(path))
            #expect(gap >= .milliseconds(490) && gap < backoffBound, "\(path): \(gap)")
        }
        // A date in the past: the default backoff, as the file asks (RetryAfter.delay gives nil).
        let past = try #require(attemptGap("/past"))
        #expect(past >= .milliseconds(490), "past: \(past)")

        // No worker slept: with one worker, the other host finished before the huge retry.
        if let hugeRetry = server.stats.log.filter({ $0.path == "/huge" }).last?.start,
           let lastOther = others.stats.log.map(\.start).max() {
            #expect(lastOther < hugeRetry)
        }
        #expect(run.wall < cap + .seconds(5))
    }

    @Test("P3 503 storm", .timeLimit(.minutes(1)))
    func p3() async throws {
        let storm = try await startServer { _ in ServerResponse(status: 503, body: .bytes(Array("busy".utf8))) }
        let healthy = try await startServer { request in request.path.hasPrefix("/h") ? .html("<title>h</title>") : nil }
        let stormSeeds = (0..<10).map { storm.baseURL + "/s\($0)" }
        let run = try await Scenario.run(seeds: stormSeeds + (0..<5).map { healthy.baseURL + "/h\($0)" })
        await storm.shutdown()
        await healthy.shutdown()
        let budget = ScenarioConfig.hostErrorBudget
        #expect(storm.stats.totalRequests <= budget * (ScenarioConfig.retryMax + 1))
        let stormRecords = run.records.filter { stormSeeds.contains($0.url) }
        #expect(stormRecords.count == stormSeeds.count)
        #expect(stormRecords.allSatisfy { $0.outcome == .errorBudgetExhausted || ($0.outcome == .httpError && $0.status == 503) })
        #expect(stormRecords.contains { $0.outcome == .errorBudgetExhausted })
        #expect(run.summary.hostsCancelled.count == 1)
        #expect(run.records.filter { $0.url.hasPrefix(healthy.baseURL) && $0.outcome == .ok }.count == 5)
    }

    @Test("P4 token bucket holds per host", .timeLimit(.minutes(1)))
    func p4() async throws {
        // Scaled: 10 pages per host (plus robots.txt and a redirect hop) instead of 50, at the file's
        // 2/s burst 1, so the test takes about 6 s instead of 25 s.
        let server = try await startServer { request in
            switch request.path {
            case "/robots.txt": return .text("User-agent: *\nAllow: /\n")
            case "/hop": return .redirect(to: "/landed")
            default: return request.path.hasPrefix("/p") || request.path == "/landed" ? .html("<title>p</title>") : nil
            }
        }
        let hosts = ["alpha.test", "beta.test"]
        let seeds = hosts.flatMap { host in ((0..<10).map { "/p\($0)" } + ["/hop"]).map { "http://\(host):\(server.port)\($0)" } }
        let run = try await Scenario.run(seeds: seeds, resolve: hosts.map { "\($0):\(server.port):127.0.0.1" }, exclusive: true) {
            $0.politeness.obeyRobots = true
            $0.politeness.hostRate = 2
            $0.politeness.hostBurst = 1
            $0.hostConcurrency = 2
        }
        await server.shutdown()
        #expect(run.records.allSatisfy { $0.outcome == .ok })
        // The fixture's "min gap >= 1/rate - 10 ms", split in two, because the server's log is late by
        // its own latency, and the first request of each host (robots.txt, on a new connection) is
        // logged only after the server accepted that connection: under CI's parallel suites, that
        // shortened the first gap to 489 ms with the crawl's own spacing intact (it counts from when
        // curl sends the request). So:
        // - no gap is short by more than a tenth of 1/rate unless the gaps just before it are long by
        //   as much (`unmadeShortfall`);
        // - the rate, over the gaps after the first (one connection, logged the same way), is within
        //   10 ms of 2/s: a late log in between cancels out of the sum, but a late log of the request
        //   the sum starts from shortens it by all its lateness (seen in CI's parallel run: gaps 763
        //   then 237 ms, the 11 gaps after the first 246 ms short, the 10 after the second 7 ms long).
        //   So the span is measured from the best of the first three requests after robots.txt, over
        //   9 to 11 gaps: one late log can no longer fail it, and a rate 1% too fast (2.02/s: gaps of
        //   495 ms, 36-38 ms short at best) still does. With other suites running the slack is 25 ms,
        //   which fails that rate too.
        let interval = Duration.milliseconds(500)
        var spans: [String: ClosedRange<ContinuousClock.Instant>] = [:]
        for host in hosts {
            let log = server.stats.log.filter { $0.host == "\(host):\(server.port)" }
            // 10 pages + the hop + its target + robots.txt: every one took a token.
            #expect(log.count == 13, "\(host)")
            #expect(log.first?.path == "/robots.txt")
            let gaps = Self.gaps(log)
            let shown = gaps.map { Int(($0.seconds * 1000).rounded()) }
            #expect(Self.unmadeShortfall(gaps, interval: interval) >= .milliseconds(-50), "\(host): gaps \(shown) ms")
            let rateSlack = TimingBound.wall(alone: .milliseconds(10), parallel: .milliseconds(25))
            let bestSpan = (1...3).map { start in
                gaps.dropFirst(start).reduce(Duration.zero, +) - interval * (gaps.count - start)
            }.max() ?? .zero
            #expect(bestSpan >= .zero - rateSlack, "\(host): gaps \(shown) ms")
            // Concurrency per host: never two of its requests open at once at 2/s with fast answers.
            let overlapping = zip(log.dropFirst(), log).contains { next, previous in
                previous.end.map { next.start < $0 } ?? true
            }
            #expect(!overlapping, "\(host)")
            if let first = log.first?.start, let last = log.last?.start { spans[host] = first...last }
        }
        // Both hosts progressed in parallel: their request spans overlap, and the run took about one
        // host's time, not two.
        if let a = spans["alpha.test"], let b = spans["beta.test"] {
            #expect(a.overlaps(b))
        }
        #expect(run.wall < .seconds(9))
    }

    @Test("P5 Crawl-delay absurd values", .timeLimit(.minutes(1)))
    func p5() async throws {
        let delays = ["zero.test": "0", "half.test": "0.5", "day.test": "86400", "negative.test": "-1", "word.test": "abc"]
        let server = try await startServer { request in
            let name = request.header("Host")?.split(separator: ":").first.map(String.init) ?? ""
            if request.path == "/robots.txt", let delay = delays[name] {
                return .text("User-agent: *\nCrawl-delay: \(delay)\nAllow: /\n")
            }
            return request.path.hasPrefix("/p") ? .html("<title>p</title>") : nil
        }
        let seeds = delays.keys.flatMap { host in (0..<3).map { "http://\(host):\(server.port)/p\($0)" } }
        let run = try await Scenario.run(seeds: seeds, resolve: delays.keys.map { "\($0):\(server.port):127.0.0.1" }, exclusive: true) {
            $0.politeness.obeyRobots = true
        }
        await server.shutdown()
        func pages(_ host: String) -> [RequestLogEntry] {
            server.stats.log.filter { $0.host == "\(host):\(server.port)" && $0.path != "/robots.txt" }
        }
        func outcomes(_ host: String) -> Set<Outcome> {
            Set(run.records.filter { $0.host == "\(host):\(server.port)" }.map(\.outcome))
        }
        // 86400 is above --max-crawl-delay (30 s): the host is skipped, none of its pages fetched.
        #expect(outcomes("day.test") == [.crawlDelayTooLong])
        #expect(pages("day.test").isEmpty)
        // 0.5: honoured (the host's rate becomes 2/s, burst 1).
        #expect(outcomes("half.test") == [.ok])
        // Its gaps are checked as P4's are, so that a page logged late by the server, which shortens
        // the next gap by as much, is not taken for a missing delay (which leaves gaps near zero).
        #expect(pages("half.test").count == 3)
        let halfGaps = Self.gaps(pages("half.test"))
        #expect(Self.unmadeShortfall(halfGaps, interval: .milliseconds(500)) >= .milliseconds(-50), "half.test: \(halfGaps)")
        // 0, -1 and garbage: no delay (invalid values are ignored), pages fetched.
        for host in ["zero.test", "negative.test", "word.test"] {
            #expect(outcomes(host) == [.ok], "\(host)")
            #expect(pages(host).count == 3, "\(host)")
        }
        #expect(run.wall < .seconds(5))
    }
}
