import CrawlURL
import Synchronization
import TestTiming
import Testing
@testable import CrawlerCore

@Suite("Crawler with a fake fetcher")
struct CrawlerTests {
    /// Three hosts, 100 pages each, every page linking to the next few pages of its host (absolute and
    /// relative, with fragments), to page 0 of the next host, and back to the first page.
    static func site(hosts: Int = 3, pages: Int = 100) -> [String: FakePage] {
        var site: [String: FakePage] = [:]
        for host in 0..<hosts {
            for page in 0..<pages {
                var lines = ["title:h\(host) p\(page)"]
                for step in 1...3 where page + step < pages {
                    lines.append("http://h\(host).test/p/\(page + step)")
                    lines.append("/p/\(page + step)#frag")
                    lines.append("./\(page + step)")
                }
                lines.append("http://h\((host + 1) % hosts).test/p/0")
                lines.append("../p/0")
                site["http://h\(host).test/p/\(page)"] = FakePage(lines: lines)
            }
        }
        return site
    }

    @Test func everyReachablePageIsFetchedExactlyOnce() async {
        let site = Self.site()
        let (sink, fetcher, summary) = await crawl(site, seeds: ["http://h0.test/p/0"]) { $0.scope = .all }
        #expect(summary.stopReason == .finished)
        #expect(Set(fetcher.hits.keys) == Set(site.keys))
        #expect(fetcher.hits.values.allSatisfy { $0 == 1 })
        let records = sink.all
        #expect(records.count == site.count)
        #expect(Set(records.map(\.url)).count == records.count)
        #expect(records.allSatisfy { $0.outcome == .ok && $0.status == 200 && $0.title != nil })
        #expect(summary.statistics.linksEnqueued == site.count - 1)
        #expect(summary.maxFetchesInFlight <= 8)
    }

    /// The fetcher's executor (the curl thread, in production) runs the fetch workers; the crawl is the same.
    @Test func fetchWorkersRunOnTheFetchersExecutor() async {
        let site = Self.site(hosts: 2, pages: 30)
        let executor = CountingExecutor()
        var configuration = CrawlConfiguration(
            seeds: [WebURL.parse("http://h0.test/p/0")!], concurrency: 8, parseWorkers: 2, politeness: .unlimited)
        configuration.scope = .all
        let fetcher = FakeFetcher(site, taskExecutor: executor)
        let sink = CollectingRecordSink()
        let summary = await Crawler(configuration: configuration, fetcher: fetcher, makeParser: { LineParser() }, sink: sink).run()
        #expect(summary.stopReason == .finished)
        #expect(Set(fetcher.hits.keys) == Set(site.keys))
        #expect(sink.all.count == site.count)
        // Each of the 8 workers starts there, and each resumes there after every fetch and hand-off.
        #expect(executor.jobs >= site.count, "\(executor.jobs) jobs")
    }

    @Test func linkMemoKeepsEveryCount() async {
        // The parse threads' link memo drops links admitted before without resolving them; every
        // count must come out as without it (`--max-pages-per-host` turns it off).
        let site = Self.site(hosts: 3, pages: 60)
        let (withMemo, _, summary) = await crawl(site, seeds: ["http://h0.test/p/0"]) { $0.scope = .all }
        let (without, _, _) = await crawl(site, seeds: ["http://h0.test/p/0"]) {
            $0.scope = .all
            $0.linkLimits.maxPagesPerHost = 1_000_000
        }
        func counts(_ records: [CrawlRecord]) -> [String: [Int]] {
            Dictionary(uniqueKeysWithValues: records.map { record in
                let dropped = record.linksDropped ?? LinkCounts()
                return (record.url, [record.linksFound, dropped.candidates, dropped.nofollow, dropped.invalid])
            })
        }
        #expect(summary.stopReason == .finished)
        #expect(withMemo.all.count == site.count)
        #expect(counts(withMemo.all) == counts(without.all))
        // Every link of the site is in scope and valid: each is a candidate, remembered or not.
        #expect(withMemo.all.allSatisfy { $0.linksDropped?.candidates == $0.linksFound })
        #expect(withMemo.all.map(\.linksEnqueued).reduce(0, +) == site.count - 1)
    }

    @Test func depthIsBreadthFirstFromSeeds() async {
        let site = Self.site(hosts: 1, pages: 20)
        let (sink, _, _) = await crawl(site, seeds: ["http://h0.test/p/0"])
        let depths = sink.byURL().mapValues(\.depth)
        #expect(depths["http://h0.test/p/0"] == 0)
        #expect(depths["http://h0.test/p/3"] == 1)
        #expect(depths["http://h0.test/p/4"] == 2)
        #expect(depths["http://h0.test/p/19"] == 7)
        #expect(sink.byURL()["http://h0.test/p/3"]?.parent == "http://h0.test/p/0")
    }

    @Test func maxDepthAndMaxPagesBoundTheCrawl() async {
        let site = Self.site(hosts: 1, pages: 50)
        let (deep, _, _) = await crawl(site, seeds: ["http://h0.test/p/0"]) { $0.maxDepth = 2 }
        #expect(deep.all.count == 7)  // pages 0...6
        #expect(deep.all.allSatisfy { $0.depth <= 2 })
        let (few, fetcher, summary) = await crawl(site, seeds: ["http://h0.test/p/0"]) { $0.maxPages = 10 }
        #expect(few.all.count == 10)
        #expect(fetcher.hits.count == 10)
        #expect(summary.admitted == 10)
        #expect(summary.stopReason == .finished)
    }

    @Test func scopeHostStaysOnSeedHosts() async {
        let site = Self.site(hosts: 3, pages: 10)
        let (sink, _, summary) = await crawl(site, seeds: ["http://h0.test/p/0"])
        #expect(sink.all.count == 10)
        #expect(sink.all.allSatisfy { $0.host == "h0.test" })
        #expect(summary.statistics.linksOutOfScope > 0)
    }

    @Test func scopeDomainIncludesSubdomains() async {
        let pages: [String: FakePage] = [
            "http://example.test/": .html("http://www.example.test/a", "http://other.test/b"),
            "http://www.example.test/a": .html(),
            "http://other.test/b": .html(),
        ]
        let (sink, _, _) = await crawl(pages, seeds: ["http://example.test/"]) { $0.scope = .domain }
        #expect(Set(sink.all.map(\.url)) == ["http://example.test/", "http://www.example.test/a"])
    }

    @Test func redirectsAreFollowedHopByHop() async {
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/r1", "/loop-a", "/chain/0", "/to-seen", "/offsite", "/mail", "/final"),
            "http://a.test/r1": .redirect("/r2", status: 301),
            "http://a.test/r2": .redirect("http://a.test/target#x"),
            "http://a.test/target": .html("title:Target"),
            "http://a.test/loop-a": .redirect("/loop-b"),
            "http://a.test/loop-b": .redirect("/loop-a"),
            "http://a.test/to-seen": .redirect("/"),
            "http://a.test/offsite": .redirect("http://elsewhere.test/"),
            "http://a.test/mail": .redirect("mailto:x@a.test"),
            "http://a.test/final": .html(),
        ].merging((0..<20).map { ("http://a.test/chain/\($0)", FakePage.redirect("/chain/\($0 + 1)")) }) { a, _ in a }
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"])
        let records = sink.byURL()
        #expect(records.count == 8)

        let followed = records["http://a.test/r1"]
        #expect(followed?.outcome == .ok)
        #expect(followed?.finalURL == "http://a.test/target")
        #expect(followed?.redirects == 2)
        #expect(followed?.title == "Target")
        #expect(fetcher.hits["http://a.test/target"] == 1)

        #expect(records["http://a.test/loop-a"]?.outcome == .redirectLimit)
        #expect(fetcher.hits["http://a.test/loop-a"] == 1)
        #expect(records["http://a.test/chain/0"]?.outcome == .redirectLimit)
        #expect(records["http://a.test/chain/0"]?.redirects == 5)
        let chainHits = (0..<20).compactMap { fetcher.hits["http://a.test/chain/\($0)"] }.reduce(0, +)
        #expect(chainHits == 6)
        #expect(records["http://a.test/to-seen"]?.outcome == .duplicate)
        #expect(records["http://a.test/to-seen"]?.redirectTarget == "http://a.test/")
        #expect(records["http://a.test/offsite"]?.outcome == .redirectOffsite)
        #expect(fetcher.hits["http://elsewhere.test/"] == nil)
        #expect(records["http://a.test/mail"]?.outcome == .redirectBlockedScheme)
        #expect(fetcher.hits["http://a.test/"] == 1)
    }

    /// With `followsRedirectsBack` (`--cookies`) a chain may come back to its own URLs, but a real loop
    /// still ends: at `--max-redirects`, after one request per hop. A chain that comes back and then
    /// answers (a cookie wall) is recorded once, for its origin.
    @Test func redirectsBackAreFollowedWithinTheHopLimit() async {
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/loop-a", "/wall"),
            "http://a.test/loop-a": .redirect("/loop-b"),
            "http://a.test/loop-b": .redirect("/loop-a"),
            "http://a.test/wall": .redirect("/"),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"]) { $0.followsRedirectsBack = true }
        let records = sink.byURL()
        #expect(records["http://a.test/loop-a"]?.outcome == .redirectLimit)
        #expect(records["http://a.test/loop-a"]?.error == "more than 5 redirects")
        #expect((fetcher.hits["http://a.test/loop-a"] ?? 0) + (fetcher.hits["http://a.test/loop-b"] ?? 0) == 6)
        // /wall leads to /, which this run fetched as a seed: a duplicate, not fetched again.
        #expect(records["http://a.test/wall"]?.outcome == .duplicate)
        #expect(fetcher.hits["http://a.test/"] == 1)
        #expect(records.count == 3)
    }

    @Test func outcomesForErrorsAndNonHTML() async {
        var pdf = FakePage(contentType: "application/pdf")
        pdf.lines = ["http://a.test/never"]
        var sniffed = FakePage(contentType: nil)
        sniffed.lines = ["<html>", "/sniffed-link"]
        var timeout = FakePage()
        timeout.failure = .timeout
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/missing", "/doc.pdf", "/slow", "/sniff", "/error", "javascript:x()", "http://[bad"),
            "http://a.test/doc.pdf": pdf,
            "http://a.test/slow": timeout,
            "http://a.test/sniff": sniffed,
            "http://a.test/error": FakePage(status: 503),
            "http://a.test/sniffed-link": .html(),
        ]
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"])
        let records = sink.byURL()
        #expect(records["http://a.test/missing"]?.outcome == .httpError)
        #expect(records["http://a.test/missing"]?.status == 404)
        #expect(records["http://a.test/doc.pdf"]?.outcome == .unsupportedContent)
        #expect(fetcher.hits["http://a.test/never"] == nil)
        #expect(records["http://a.test/slow"]?.outcome == .timeout)
        #expect(records["http://a.test/slow"]?.error == "simulated timeout")
        #expect(records["http://a.test/sniff"]?.outcome == .ok)
        #expect(records["http://a.test/sniffed-link"] != nil)
        #expect(records["http://a.test/error"]?.isFailure == true)
        #expect(records["http://a.test/missing"]?.isFailure == false)
        #expect(summary.statistics.linksDroppedScheme == 1)
        #expect(summary.statistics.linksInvalid == 1)
        #expect(summary.statistics.failures == 2)
    }

    @Test func nofollowAndBaseHref() async {
        let pages: [String: FakePage] = [
            "http://a.test/": .html("nofollow:/hidden", "/shown", "/nf-page"),
            "http://a.test/shown": .html("base:http://a.test/dir/", "child"),
            "http://a.test/dir/child": .html(),
            "http://a.test/nf-page": .html("nofollow-page", "/never"),
        ]
        let (sink, fetcher, _) = await crawl(pages, seeds: ["http://a.test/"])
        #expect(fetcher.hits["http://a.test/hidden"] == nil)
        #expect(fetcher.hits["http://a.test/never"] == nil)
        #expect(fetcher.hits["http://a.test/dir/child"] == 1)
        #expect(sink.byURL()["http://a.test/"]?.linksFound == 3)
        #expect(sink.byURL()["http://a.test/"]?.linksEnqueued == 2)
    }

    @Test func fetchAndParsePoolsStayWithinTheirSizes() async {
        var pages: [String: FakePage] = [:]
        let links = (0..<60).map { "/p/\($0)" }
        pages["http://a.test/"] = FakePage(lines: links)
        for index in 0..<60 {
            var page = FakePage.html()
            page.delay = .milliseconds(10)
            pages["http://a.test/p/\(index)"] = page
        }
        let parser = LineParser(delayMicroseconds: 2000)
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/"], configure: {
            $0.concurrency = 5
            $0.parseWorkers = 3
        }, parser: parser)
        #expect(sink.all.count == 61)
        #expect(fetcher.maxInFlight <= 5)
        #expect(fetcher.maxInFlight >= 2)
        #expect(summary.maxFetchesInFlight <= 5)
        #expect(summary.maxParsesInFlight <= 3)
        #expect(summary.maxParsesInFlight >= 1)
    }

    @Test func cancellationStopsPromptlyAndRecordsInFlightURLs() async throws {
        var pages: [String: FakePage] = [:]
        pages["http://a.test/"] = FakePage(lines: (0..<200).map { "/slow/\($0)" })
        for index in 0..<200 {
            var page = FakePage.html()
            page.delay = .seconds(30)
            pages["http://a.test/slow/\(index)"] = page
        }
        let fetcher = FakeFetcher(pages)
        let sink = CollectingRecordSink()
        let configuration = CrawlConfiguration(
            seeds: [WebURL.parse("http://a.test/")!], concurrency: 4, parseWorkers: 1, politeness: .unlimited)
        let crawler = Crawler(configuration: configuration, fetcher: fetcher, makeParser: { LineParser() }, sink: sink)
        let task = Task { await crawler.run() }
        // Wait (bounded) until all four fetch slots hold a slow transfer.
        for _ in 0..<500 where fetcher.counters.withLock({ $0.inFlight }) < 4 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(fetcher.counters.withLock { $0.inFlight } == 4)
        let cancelledAt = ContinuousClock.now
        task.cancel()
        let summary = await task.value
        // Prompt: in the parallel run 10 s, which still fails a cancellation that waits for the 30 s
        // transfers.
        #expect(ContinuousClock.now - cancelledAt < TimingBound.wall(alone: .seconds(2), parallel: .seconds(10)))
        #expect(summary.stopReason == .cancelled)
        let records = sink.all
        // The seed plus the 4 transfers that were in flight: each recorded once, nothing else.
        #expect(records.count == 5)
        #expect(records.filter { $0.outcome == .cancelled }.count == 4)
        #expect(Set(records.map(\.url)).count == records.count)
        #expect(summary.queuedAtStop == 196)
    }
}

/// Runs jobs on the global pool, counting them.
final class CountingExecutor: TaskExecutor {
    private let count = Atomic<Int>(0)

    var jobs: Int { count.load(ordering: .relaxed) }

    func enqueue(_ job: consuming ExecutorJob) {
        count.add(1, ordering: .relaxed)
        globalConcurrentExecutor.enqueue(job)
    }
}
