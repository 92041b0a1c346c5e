import CrawlURL
import Foundation
import CrawlerCore
import Synchronization

/// A page of the in-memory site used to test the crawl logic without C libraries.
struct FakePage: Sendable {
    var status = 200
    var contentType: String? = "text/html"
    /// Lines of the body; `LineParser` reads them: `title:T`, `nofollow-page`, `nofollow:HREF`, `base:HREF`, else a link.
    var lines: [String] = []
    var location: String?
    var delay: Duration?
    var failure: Outcome?
    var retryAfter: String?
    /// Answers for the first requests, in order; afterwards the page itself answers.
    var script: [FakePage] = []

    static func html(_ links: String...) -> FakePage { FakePage(lines: links) }
    static func robots(_ lines: String...) -> FakePage { FakePage(contentType: "text/plain", lines: lines) }
    static func status(_ status: Int, retryAfter: String? = nil) -> FakePage {
        var page = FakePage(status: status)
        page.retryAfter = retryAfter
        return page
    }
    static func failing(_ outcome: Outcome) -> FakePage {
        var page = FakePage()
        page.failure = outcome
        return page
    }

    static func redirect(_ location: String, status: Int = 302) -> FakePage {
        FakePage(status: status, contentType: nil, location: location)
    }
}

/// Serves `FakePage`s by exact href; unknown URLs are 404. Counts hits and concurrency.
final class FakeFetcher: Fetcher {
    struct Counters {
        var inFlight = 0
        var maxInFlight = 0
        var hits: [String: Int] = [:]
        /// Every request in order, with when it started.
        var log: [(href: String, at: ContinuousClock.Instant)] = []
    }

    let pages: [String: FakePage]
    let counters = Mutex(Counters())
    /// Where the crawl's fetch workers should run (nil: no preference).
    let taskExecutor: (any TaskExecutor)?

    init(_ pages: [String: FakePage], taskExecutor: (any TaskExecutor)? = nil) {
        self.pages = pages
        self.taskExecutor = taskExecutor
    }

    var maxInFlight: Int { counters.withLock { $0.maxInFlight } }
    var hits: [String: Int] { counters.withLock { $0.hits } }
    var log: [(href: String, at: ContinuousClock.Instant)] { counters.withLock { $0.log } }

    func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure> {
        let href = request.url.href
        let hit = counters.withLock {
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
            $0.hits[href, default: 0] += 1
            $0.log.append((href, .now))
            return $0.hits[href]!
        }
        defer { counters.withLock { $0.inFlight -= 1 } }
        var page = pages[href] ?? FakePage(status: 404, lines: ["title:Not found"])
        if hit <= page.script.count { page = page.script[hit - 1] }
        if let delay = page.delay {
            do {
                try await Task.sleep(for: delay)
            } catch {
                return .failure(FetchFailure(outcome: .cancelled, message: "cancelled"))
            }
        }
        if let failure = page.failure {
            return .failure(FetchFailure(outcome: failure, message: "simulated \(failure.rawValue)"))
        }
        let body = Array(page.lines.joined(separator: "\n").utf8)
        return .success(FetchResponse(status: page.status, contentType: page.contentType, location: page.location,
                                      body: body, retryAfter: page.retryAfter))
    }
}

/// A trivial line-based "HTML" parser (see `FakePage.lines`); optionally slow.
struct LineParser: PageParser {
    var delayMicroseconds: UInt32 = 0

    func parse(_ body: [UInt8], charset: String?) -> ParsedPage {
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        var page = ParsedPage()
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("title:") {
                page.title = String(line.dropFirst(6))
            } else if line == "nofollow-page" {
                page.nofollow = true
            } else if line.hasPrefix("nofollow:") {
                page.links.append(ParsedLink(href: String(line.dropFirst(9)), nofollow: true))
            } else if line.hasPrefix("base:") {
                page.baseHref = String(line.dropFirst(5))
            } else {
                page.links.append(ParsedLink(href: String(line)))
            }
        }
        return page
    }
}

/// Runs a crawl over `pages` and returns the sink and fetcher for inspection.
func crawl(
    _ pages: [String: FakePage], seeds: [String], configure: (inout CrawlConfiguration) -> Void = { _ in },
    parser: LineParser = LineParser()
) async -> (CollectingRecordSink, FakeFetcher, CrawlSummary) {
    var configuration = CrawlConfiguration(
        seeds: seeds.compactMap { WebURL.parse($0) }, concurrency: 8, parseWorkers: 2, politeness: .unlimited)
    configure(&configuration)
    let fetcher = FakeFetcher(pages)
    let sink = CollectingRecordSink()
    let crawler = Crawler(configuration: configuration, fetcher: fetcher, makeParser: { parser }, sink: sink)
    let summary = await crawler.run()
    return (sink, fetcher, summary)
}
