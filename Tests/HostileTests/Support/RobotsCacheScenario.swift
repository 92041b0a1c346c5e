import CrawlURL
import CrawlerCore
import Foundation
import Synchronization
import Testing

/// B-cache at the core level: the crawl logic with an in-memory fetcher and a clock the test moves
/// forward, since a 24-hour robots.txt lifetime cannot be waited for against a real server.
enum RobotsCacheScenario {
    /// Real elapsed time plus an offset the test can jump forward.
    final class ShiftableClock: CrawlClock {
        private let start = ContinuousClock.now
        private let offset = Mutex(Duration.zero)

        func advance(by duration: Duration) { offset.withLock { $0 += duration } }
        func now() -> Duration { (ContinuousClock.now - start) + offset.withLock { $0 } }
        func wallClockMilliseconds() -> Int64 { 1_700_000_000_000 + Int64(now().components.seconds) * 1000 }
        func sleep(until deadline: Duration) async throws {
            let left = deadline - now()
            if left > .zero { try await Task.sleep(for: left) }
        }
    }

    /// robots.txt says `Disallow:` (allow all) until the site changes, then `Disallow: /`. Fetching
    /// /a moves the clock forward by `jump` and changes the site; /a links to /b.
    final class ChangingSite: Fetcher {
        let clock: ShiftableClock
        let jump: Duration
        /// Crawl-clock time of every robots.txt request.
        let robotsFetches = Mutex<[Duration]>([])
        let pageFetches = Mutex<[String]>([])
        private let changed = Mutex(false)

        init(clock: ShiftableClock, jump: Duration) {
            self.clock = clock
            self.jump = jump
        }

        func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure> {
            let path = request.url.path
            if request.isRobots {
                robotsFetches.withLock { $0.append(clock.now()) }
                let body = changed.withLock { $0 } ? "User-agent: *\nDisallow: /\n" : "User-agent: *\nDisallow:\n"
                return .success(FetchResponse(status: 200, contentType: "text/plain", body: Array(body.utf8)))
            }
            pageFetches.withLock { $0.append(path) }
            if path == "/a" {
                clock.advance(by: jump)
                changed.withLock { $0 = true }
                return .success(FetchResponse(status: 200, contentType: "text/html", body: Array("/b".utf8)))
            }
            return .success(FetchResponse(status: 200, contentType: "text/html", body: []))
        }
    }

    /// One href per line.
    struct LinePerLineParser: PageParser {
        func parse(_ body: [UInt8], charset: String?) -> ParsedPage {
            ParsedPage(links: String(decoding: body, as: UTF8.self).split(separator: "\n").map { ParsedLink(href: String($0)) })
        }
    }

    static func crawl(jump: Duration) async -> (CollectingRecordSink, ChangingSite) {
        let clock = ShiftableClock()
        let site = ChangingSite(clock: clock, jump: jump)
        var configuration = ScenarioConfig.configuration(seeds: ["http://cache.test/a"])
        configuration.politeness.obeyRobots = true
        let sink = CollectingRecordSink()
        let crawler = Crawler(configuration: configuration, fetcher: site, makeParser: { LinePerLineParser() },
                              sink: sink, clock: clock)
        _ = await crawler.run()
        return (sink, site)
    }

    static func run() async throws {
        // Past 24 hours: the cached rules are stale, robots.txt is fetched again and its new
        // `Disallow: /` applies to /b.
        let (stale, staleSite) = await crawl(jump: .seconds(25 * 3600))
        let fetches = staleSite.robotsFetches.withLock { $0 }
        #expect(fetches.count == 2)
        if fetches.count == 2 { #expect(fetches[1] - fetches[0] >= .seconds(24 * 3600)) }
        #expect(stale.byURL()["http://cache.test/a"]?.outcome == .ok)
        #expect(stale.byURL()["http://cache.test/b"]?.outcome == .robotsDisallowed)
        #expect(staleSite.pageFetches.withLock { $0 } == ["/a"])

        // Within 24 hours: the cached copy is used although the file changed meanwhile.
        let (fresh, freshSite) = await crawl(jump: .seconds(23 * 3600))
        #expect(freshSite.robotsFetches.withLock { $0.count } == 1)
        #expect(fresh.byURL()["http://cache.test/b"]?.outcome == .ok)
        #expect(freshSite.pageFetches.withLock { $0 } == ["/a", "/b"])
    }
}
