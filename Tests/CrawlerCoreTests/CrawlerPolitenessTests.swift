import CrawlURL
import Testing
@testable import CrawlerCore

@Suite("Crawler politeness with a fake fetcher")
struct CrawlerPolitenessTests {
    /// Robots obeyed, no rate limit, fast backoff (so tests stay quick).
    static func polite(_ configuration: inout CrawlConfiguration, retries: Int = 2, robotsRetries: Int = 1) {
        configuration.politeness = PolitenessSettings(
            hostRate: 0, obeyRobots: true, retries: retries, retryBaseDelay: .milliseconds(10),
            maxRetryDelay: .seconds(5), robotsRetries: robotsRetries)
    }

    @Test func robotsTxtGatesItsHostAndDisallowedURLsAreRecordedNotFetched() async {
        let pages: [String: FakePage] = [
            "http://a.test/robots.txt": .robots("User-agent: *", "Disallow: /private", "Sitemap: http://a.test/sitemap.xml"),
            "http://a.test/": .html("/private/a", "/public", "/go"),
            "http://a.test/public": .html(),
            "http://a.test/go": .redirect("/private/b"),
        ]
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0) }
        let records = sink.byURL()
        #expect(fetcher.log.first?.href == "http://a.test/robots.txt")
        #expect(fetcher.hits["http://a.test/robots.txt"] == 1)
        #expect(records["http://a.test/private/a"]?.outcome == .robotsDisallowed)
        #expect(records["http://a.test/private/a"]?.attempts == 0)
        #expect(records["http://a.test/private/a"]?.status == nil)
        #expect(fetcher.hits["http://a.test/private/a"] == nil)
        #expect(records["http://a.test/go"]?.outcome == .robotsDisallowed)
        #expect(records["http://a.test/go"]?.redirectTarget == "http://a.test/private/b")
        #expect(fetcher.hits["http://a.test/private/b"] == nil)
        #expect(records["http://a.test/public"]?.outcome == .ok)
        #expect(records["http://a.test/robots.txt"] == nil)  // robots.txt itself gets no record
        #expect(sink.all.count == 4)
        #expect(summary.statistics.robotsFetches == 1)
        #expect(summary.statistics.sitemaps == ["http://a.test/sitemap.xml"])
    }

    @Test func unreachableRobotsTxtBlocksTheHostThenGivesItUp() async {
        let pages: [String: FakePage] = [
            "http://a.test/robots.txt": .status(500),
            "http://a.test/": .html("/x"),
        ]
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0, robotsRetries: 2) }
        #expect(fetcher.hits["http://a.test/robots.txt"] == 3)
        #expect(fetcher.hits["http://a.test/"] == nil)
        #expect(sink.all.count == 1)
        #expect(sink.all.first?.outcome == .robotsUnreachable)
        #expect(summary.statistics.robotsFailures == 3)
    }

    /// A robots.txt answering 503 with Retry-After is asked again after that long, not after the
    /// backoff (10 ms here), and its host is slowed as for a page's 503.
    @Test(.timeLimit(.minutes(1)))
    func robotsTxtThrottlingHonoursRetryAfter() async {
        var robots = FakePage.robots("User-agent: *", "Disallow: /private")
        robots.script = [.status(503, retryAfter: "1")]
        let pages: [String: FakePage] = [
            "http://a.test/robots.txt": robots,
            "http://a.test/": .html("/x", "/private/y"),
            "http://a.test/x": .html(),
        ]
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0) }
        #expect(sink.byURL().mapValues(\.outcome) == ["http://a.test/": .ok, "http://a.test/x": .ok, "http://a.test/private/y": .robotsDisallowed])
        let log = fetcher.log
        #expect(log.map(\.href) == ["http://a.test/robots.txt", "http://a.test/robots.txt", "http://a.test/", "http://a.test/x"])
        guard log.count == 4 else { return }
        #expect(log[1].at - log[0].at >= .milliseconds(990))
        // Throttled: the crawl's unlimited rate became 2 requests a second for this host.
        #expect(log[2].at - log[1].at >= .milliseconds(490))
        #expect(summary.statistics.robotsFailures == 1)
    }

    @Test func missingRobotsTxtAllowsEverything() async {
        let pages: [String: FakePage] = ["http://a.test/": .html("/x"), "http://a.test/x": .html()]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0) }
        #expect(fetcher.hits["http://a.test/robots.txt"] == 1)
        #expect(sink.all.map(\.outcome) == [.ok, .ok])
    }

    @Test func crawlDelayAboveTheLimitSkipsTheHost() async {
        let pages: [String: FakePage] = [
            "http://a.test/robots.txt": .robots("User-agent: *", "Crawl-delay: 100"),
            "http://a.test/": .html(),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) {
            Self.polite(&$0)
            $0.politeness.maxCrawlDelay = 10
        }
        #expect(sink.all.first?.outcome == .crawlDelayTooLong)
        #expect(fetcher.hits["http://a.test/"] == nil)
    }

    /// The robots.txt request is a request to the host: its Crawl-delay spaces the first page from
    /// it, not only the pages from each other, although the crawl's own rate is unlimited.
    @Test(.timeLimit(.minutes(1)))
    func crawlDelayCountsTheRobotsTxtRequest() async {
        let pages: [String: FakePage] = [
            "http://a.test/robots.txt": .robots("User-agent: *", "Crawl-delay: 0.4"),
            "http://a.test/": .html("/x"),
            "http://a.test/x": .html(),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0) }
        #expect(sink.all.map(\.outcome) == [.ok, .ok])
        let log = fetcher.log
        #expect(log.map(\.href) == ["http://a.test/robots.txt", "http://a.test/", "http://a.test/x"])
        for (earlier, later) in zip(log, log.dropFirst()) {
            #expect(later.at - earlier.at >= .milliseconds(395), "\(earlier.href) -> \(later.href): \(later.at - earlier.at)")
        }
    }

    @Test func transientFailuresAreRetriedWithinTheBudget() async {
        var flaky = FakePage.html("title:flaky")
        flaky.script = [.failing(.timeout), .failing(.connectionReset)]
        var unavailable = FakePage.html()
        unavailable.script = [.status(503), .status(502)]
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/flaky", "/down", "/unavailable", "/limited", "/missing"),
            "http://a.test/flaky": flaky,
            "http://a.test/down": .failing(.timeout),
            "http://a.test/unavailable": unavailable,
            "http://a.test/limited": .status(429),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) { Self.polite(&$0, retries: 2) }
        let records = sink.byURL()
        #expect(records["http://a.test/flaky"]?.outcome == .ok)
        #expect(records["http://a.test/flaky"]?.attempts == 3)
        #expect(records["http://a.test/flaky"]?.title == "flaky")
        #expect(records["http://a.test/down"]?.outcome == .timeout)
        #expect(records["http://a.test/down"]?.attempts == 3)
        #expect(fetcher.hits["http://a.test/down"] == 3)
        #expect(records["http://a.test/unavailable"]?.outcome == .ok)
        #expect(records["http://a.test/limited"]?.outcome == .rateLimited)
        #expect(records["http://a.test/limited"]?.attempts == 3)
        // A 404 is an answer, not a transient failure: never retried.
        #expect(fetcher.hits["http://a.test/missing"] == 1)
        #expect(records["http://a.test/missing"]?.attempts == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func retryAfterHoldsTheWholeHost() async {
        var limited = FakePage.html("title:finally")
        limited.script = [.status(429, retryAfter: "1")]
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/limited", "/other"),
            "http://a.test/limited": limited,
            "http://a.test/other": .html(),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) {
            Self.polite(&$0)
            $0.hostConcurrency = 1
        }
        let log = fetcher.log.filter { $0.href != "http://a.test/robots.txt" }
        guard let first429 = log.firstIndex(where: { $0.href == "http://a.test/limited" }), first429 + 1 < log.count else {
            Issue.record("expected the 429 and a later request")
            return
        }
        // Nothing is sent to the host for 1 s after the 429.
        let next = log[first429 + 1]
        #expect(next.at - log[first429].at >= .milliseconds(990))
        let record = sink.byURL()["http://a.test/limited"]
        #expect(record?.outcome == .ok && record?.attempts == 2)
        #expect((record?.rateWaitMs ?? 0) >= 990)
    }

    /// A site linked under both schemes is one server: its `--host-rate` spaces every request to it,
    /// both robots.txt files included, not each scheme's apart (which let it see twice the rate).
    @Test(.timeLimit(.minutes(1)))
    func bothSchemesOfAHostShareItsRate() async {
        let pages: [String: FakePage] = [
            "http://a.test/": .html("https://a.test/s1", "/p1"),
            "http://a.test/p1": .html("https://a.test/s2"),
            "https://a.test/s1": .html("http://a.test/p2"),
            "https://a.test/s2": .html(),
            "http://a.test/p2": .html(),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) {
            $0.politeness = PolitenessSettings(hostRate: 10, hostBurst: 1, obeyRobots: true)
            $0.hostConcurrency = 2
        }
        #expect(sink.all.count == 5)
        let starts = fetcher.log.map(\.at)
        #expect(fetcher.log.count == 7)  // 5 pages and the 2 robots.txt
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later - earlier >= .milliseconds(95), "gap \(later - earlier)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func hostRateSpacesRequestStartsAndHostsProgressInParallel() async {
        var pages: [String: FakePage] = [:]
        for host in ["a", "b"] {
            pages["http://\(host).test/"] = FakePage(lines: (1...9).map { "/p\($0)" } + ["http://\(host == "a" ? "b" : "a").test/"])
            for index in 1...9 { pages["http://\(host).test/p\(index)"] = .html() }
        }
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) {
            $0.scope = .all
            $0.politeness = PolitenessSettings(hostRate: 20, hostBurst: 1, obeyRobots: false)
        }
        #expect(sink.all.count == 20)
        var spans: [ClosedRange<ContinuousClock.Instant>] = []
        for host in ["a", "b"] {
            let starts = fetcher.log.filter { $0.href.hasPrefix("http://\(host).test/") }.map(\.at)
            #expect(starts.count == 10)
            for (earlier, later) in zip(starts, starts.dropFirst()) {
                // Starts are reported before the fetch, and the next token counts from the real start.
                #expect(later - earlier >= .milliseconds(49), "gap \(later - earlier) on \(host)")
            }
            if let first = starts.first, let last = starts.last { spans.append(first...last) }
        }
        // The hosts progressed side by side: each started before the other finished.
        #expect(spans.count == 2 && spans[0].overlaps(spans[1]))
    }
}
