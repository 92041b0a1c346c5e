import CrawlURL
import TestTiming
import Testing
@testable import CrawlerCore

@Suite("Error budgets")
struct ErrorBudgetTests {
    @Test func hostBudgetCountsFailuresInARow() {
        var budget = ErrorBudget(settings: ErrorBudgetSettings(hostMaxErrors: 3, maxErrorRate: nil))
        #expect(budget.record(host: "a", failed: true) == .withinBudget)
        #expect(budget.record(host: "a", failed: true) == .withinBudget)
        #expect(budget.record(host: "a", failed: false) == .withinBudget)  // a success ends the streak
        #expect(budget.record(host: "b", failed: true) == .withinBudget)
        #expect(budget.record(host: "a", failed: true) == .withinBudget)
        #expect(budget.record(host: "a", failed: true) == .withinBudget)
        #expect(budget.record(host: "a", failed: true) == .hostSpent("a"))
        #expect(budget.failures == 6)
        #expect(budget.attempts == 7)
    }

    @Test func crawlBudgetByTotalAndByWindowRate() {
        var total = ErrorBudget(settings: ErrorBudgetSettings(hostMaxErrors: nil, maxErrors: 3, maxErrorRate: nil))
        for index in 0..<2 { #expect(total.record(host: "h\(index)", failed: true) == .withinBudget) }
        guard case .crawlSpent = total.record(host: "h9", failed: true) else {
            Issue.record("the third failure spends --max-errors 3")
            return
        }

        var rate = ErrorBudget(settings: ErrorBudgetSettings(hostMaxErrors: nil, maxErrorRate: 0.5, errorWindow: 10))
        // Below the minimum sample the rate does not count, however bad.
        for _ in 0..<9 { #expect(rate.record(host: "h", failed: true) == .withinBudget) }
        guard case .crawlSpent = rate.record(host: "h", failed: true) else {
            Issue.record("10 of 10 failed with a 50% budget")
            return
        }
        // The window slides: old failures leave it.
        var sliding = ErrorBudget(settings: ErrorBudgetSettings(hostMaxErrors: nil, maxErrorRate: 0.75, errorWindow: 4))
        for failed in [true, false, true, false, false, false, true, true] {
            #expect(sliding.record(host: "h", failed: failed) == .withinBudget)
        }
        #expect(sliding.windowFailures == 2)  // the last four: false, false, true, true
        guard case .crawlSpent = sliding.record(host: "h", failed: true) else {
            Issue.record("3 of the last 4 failed with a 75% budget")
            return
        }
    }

    @Test func healthyDefaultsNeverStopAHealthyCrawl() {
        var budget = ErrorBudget(settings: ErrorBudgetSettings())
        for index in 0..<10_000 {
            // 1% failures spread over many hosts, as a healthy crawl of the web sees.
            #expect(budget.record(host: "h\(index % 50)", failed: index % 100 == 7) == .withinBudget)
        }
    }
}

@Suite("Crawler error budgets and stops with a fake fetcher")
struct CrawlerBudgetTests {
    @Test func aHostThatKeepsFailingIsCancelledAndTheOthersAreCrawled() async {
        var pages: [String: FakePage] = ["http://good.test/": FakePage(lines: (0..<10).map { "/p\($0)" } + ["http://bad.test/late"])]
        for index in 0..<10 {
            pages["http://good.test/p\(index)"] = .html()
            pages["http://bad.test/\(index)"] = .failing(.timeout)
        }
        let seeds = ["http://good.test/"] + (0..<10).map { "http://bad.test/\($0)" }
        let (sink, fetcher, summary) = await crawl(pages, seeds: seeds) {
            $0.scope = .all
            $0.hostConcurrency = 1
            $0.politeness.retries = 0
            $0.errorBudget = ErrorBudgetSettings(hostMaxErrors: 3, maxErrorRate: nil)
        }
        let records = sink.byURL()
        let bad = sink.all.filter { $0.host == "bad.test" }
        #expect(bad.count == 11)  // 10 seeds and the late link: one record each
        #expect(bad.filter { $0.outcome == .timeout }.count == 3)
        #expect(bad.filter { $0.outcome == .errorBudgetExhausted }.count == 8)
        #expect(fetcher.hits.keys.filter { $0.hasPrefix("http://bad.test/") }.count == 3)
        #expect(records["http://bad.test/late"]?.outcome == .errorBudgetExhausted)
        #expect(sink.all.filter { $0.host == "good.test" }.allSatisfy { $0.outcome == .ok })
        #expect(sink.all.filter { $0.host == "good.test" }.count == 11)
        #expect(summary.stopReason == .finished)
        #expect(summary.hostsCancelled == ["http://bad.test:80"])
    }

    @Test func aCrawlWhoseEveryHostWasCancelledEndsAsASpentBudget() async {
        var pages: [String: FakePage] = [:]
        for index in 0..<10 { pages["http://bad.test/\(index)"] = .failing(.connectionReset) }
        let (sink, _, summary) = await crawl(pages, seeds: (0..<10).map { "http://bad.test/\($0)" }) {
            $0.hostConcurrency = 1
            $0.politeness.retries = 0
            $0.errorBudget = ErrorBudgetSettings(hostMaxErrors: 3, maxErrorRate: nil)
        }
        #expect(summary.stopReason == .errorBudget)
        #expect(summary.budgetDetail == "every host was cancelled by --host-max-errors")
        #expect(sink.all.count == 10)
    }

    @Test func aCrawlThatTriedAndFetchedNothingFailed() async {
        // The only host refuses connections: recorded, and the crawl ends as failed, not finished.
        let refused: [String: FakePage] = ["http://down.test/": .failing(.connectionRefused)]
        let (sink, _, summary) = await crawl(refused, seeds: ["http://down.test/"]) { $0.politeness.retries = 0 }
        #expect(sink.all.map(\.outcome) == [.connectionRefused])
        #expect(summary.stopReason == .nothingFetched)
        #expect(summary.budgetDetail == "no URL could be fetched: 1 connection_refused")

        // Its robots.txt unreachable: every URL of the host is recorded `robots_unreachable`.
        let noRobots: [String: FakePage] = [
            "http://down.test/robots.txt": .failing(.timeout), "http://down.test/": .html("/a"),
            "http://other.test/robots.txt": .status(503), "http://other.test/": .html(),
        ]
        let (robotsSink, _, robotsSummary) = await crawl(noRobots, seeds: ["http://down.test/", "http://down.test/b", "http://other.test/"]) {
            CrawlerPolitenessTests.polite(&$0, retries: 0, robotsRetries: 0)
        }
        #expect(robotsSink.all.allSatisfy { $0.outcome == .robotsUnreachable })
        #expect(robotsSink.all.count == 3)
        // Each record names what made its host's robots.txt unreachable.
        let errors = Dictionary(robotsSink.all.map { ($0.url, $0.error ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(errors["http://down.test/b"]?.hasPrefix("robots.txt unreachable (timeout: ") == true, "\(errors)")
        #expect(errors["http://other.test/"] == "robots.txt unreachable (HTTP 503): RFC 9309 treats the host as disallowed")
        #expect(robotsSummary.stopReason == .nothingFetched)
        #expect(robotsSummary.budgetDetail == "no URL could be fetched: 3 robots_unreachable")
    }

    @Test func aCrawlThatFetchedOneURLOrTriedNoneFinished() async {
        // One answer among failures is a crawl that reached its site, even a 404; 5xx answers are
        // failures and count with them.
        let mixed: [String: FakePage] = [
            "http://a.test/": .failing(.timeout), "http://a.test/gone": .status(404), "http://a.test/err": .status(500),
        ]
        let (_, _, summary) = await crawl(mixed, seeds: ["http://a.test/", "http://a.test/gone", "http://a.test/err"]) {
            $0.politeness.retries = 0
        }
        #expect(summary.stopReason == .finished)
        #expect(summary.statistics.fetched == 1)
        #expect(summary.statistics.unfetchable == 2)

        let allFailed: [String: FakePage] = ["http://a.test/": .failing(.timeout), "http://a.test/err": .status(500)]
        let (_, _, failedSummary) = await crawl(allFailed, seeds: ["http://a.test/", "http://a.test/err"]) {
            $0.politeness.retries = 0
        }
        #expect(failedSummary.stopReason == .nothingFetched)
        #expect(failedSummary.budgetDetail == "no URL could be fetched: 1 http_error, 1 timeout")

        // Every seed disallowed by robots.txt: nothing was tried, because the site said so.
        let disallowed: [String: FakePage] = ["http://a.test/robots.txt": .robots("User-agent: *", "Disallow: /")]
        let (sink, fetcher, disallowedSummary) = await crawl(disallowed, seeds: ["http://a.test/", "http://a.test/x"]) {
            CrawlerPolitenessTests.polite(&$0)
        }
        #expect(sink.all.allSatisfy { $0.outcome == .robotsDisallowed })
        #expect(fetcher.hits.keys.sorted() == ["http://a.test/robots.txt"])
        #expect(disallowedSummary.stopReason == .finished)
    }

    @Test func theCrawlBudgetStopsTheCrawlAndEveryStartedURLIsRecorded() async {
        // The root lists 400 pages: the first 100 answer, then the server turns to 500s.
        var pages: [String: FakePage] = ["http://a.test/": FakePage(lines: (0..<400).map { "/p/\($0)" })]
        for index in 0..<400 { pages["http://a.test/p/\(index)"] = index < 100 ? .html() : .status(500) }
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"]) {
            $0.concurrency = 4
            $0.politeness.retries = 0
            $0.errorBudget = ErrorBudgetSettings(hostMaxErrors: nil, maxErrorRate: 0.5, errorWindow: 20)
        }
        #expect(summary.stopReason == .errorBudget)
        #expect(summary.budgetDetail?.contains("of the last 20 attempts failed") == true)
        // Every URL requested has exactly one record; nothing else has one.
        #expect(Set(sink.all.map(\.url)) == Set(fetcher.hits.keys))
        #expect(sink.all.count == fetcher.hits.count)
        // Stopped within one window of the turn (plus what was in flight).
        let failures = sink.all.filter { $0.status == 500 }.count
        #expect(failures >= 10 && failures <= 20 + 4)
    }

    @Test(.timeLimit(.minutes(1)))
    func maxDurationStopsGracefullyAndReportsWorkLeft() async {
        var pages: [String: FakePage] = ["http://a.test/": FakePage(lines: (0..<200).map { "/slow/\($0)" })]
        for index in 0..<200 {
            var page = FakePage.html()
            page.delay = .milliseconds(100)
            pages["http://a.test/slow/\(index)"] = page
        }
        let started = ContinuousClock.now
        // 200 pages of 100 ms each, two at a time: 10 s of work, stopped at 3 s. (At 500 ms and at
        // 1.5 s, a heavily loaded machine had not parsed the seed yet, so nothing was queued at the stop.)
        let (sink, _, summary) = await crawl(pages, seeds: ["http://a.test/"]) {
            $0.concurrency = 2
            $0.maxDuration = .seconds(3)
            $0.gracePeriod = .seconds(1)
        }
        let elapsed = ContinuousClock.now - started
        #expect(summary.stopReason == .maxDuration)
        #expect(summary.queuedAtStop > 100)
        // The stop (3 s) plus the grace period (1 s) and some slack; in the parallel run 8 s, which
        // still fails a crawl that ignores the limit (10 s of work).
        #expect(elapsed < TimingBound.wall(alone: .seconds(5), parallel: .seconds(8)))
        // The two transfers in flight at the stop finished within the grace period: recorded as ok.
        #expect(sink.all.allSatisfy { $0.outcome == .ok })
        #expect(sink.all.count >= 2)  // the seed, and at least one page (how many depends on the load)
    }

    @Test(.timeLimit(.minutes(1)))
    func aGracefulStopCancelsWhatIsStillInFlightAfterTheGracePeriod() async throws {
        var pages: [String: FakePage] = ["http://a.test/": FakePage(lines: (0..<10).map { "/stuck/\($0)" })]
        for index in 0..<10 {
            var page = FakePage.html()
            page.delay = .seconds(30)
            pages["http://a.test/stuck/\(index)"] = page
        }
        let fetcher = FakeFetcher(pages)
        let sink = CollectingRecordSink()
        let crawler = Crawler(configuration: CrawlConfiguration(
            seeds: [WebURL.parse("http://a.test/")!], concurrency: 3, parseWorkers: 1, politeness: .unlimited),
            fetcher: fetcher, makeParser: { LineParser() }, sink: sink)
        let run = Task { await crawler.run() }
        for _ in 0..<500 where fetcher.counters.withLock({ $0.inFlight }) < 3 {
            try await Task.sleep(for: .milliseconds(10))
        }
        let stoppedAt = ContinuousClock.now
        crawler.stop(.terminated, grace: .milliseconds(300))
        let summary = await run.value
        let elapsed = ContinuousClock.now - stoppedAt
        #expect(summary.stopReason == .terminated)
        // The grace period, then prompt cancellation; in the parallel run 10 s, which still fails a stop
        // that waits for the 30 s transfers.
        #expect(elapsed >= .milliseconds(290) && elapsed < TimingBound.wall(alone: .seconds(2), parallel: .seconds(10)))
        #expect(sink.all.filter { $0.outcome == .cancelled }.count == 3)
        #expect(summary.queuedAtStop == 7)
    }
}
