import CrawlRuntime
import CrawlerCore
import DemoSite
import Foundation
import Testing

@Suite("End to end: the demo site through libcurl and libxml2", .serialized)
struct DemoSiteCrawlTests {
    @Test(.timeLimit(.minutes(2)))
    func everyReachableURLIsFetchedExactlyOnce() async throws {
        var config = DemoSiteConfig(hosts: 4, pagesPerHost: 600, slowDelay: .milliseconds(100), largePageBytes: 400_000)
        config.hostName = "localhost"  // lets the generated duplicate links vary the host's case
        let site = try await DemoSite.start(config)
        let concurrency = 12
        let parseWorkers = 2
        let (sink, summary) = try await runCrawl(
            seeds: site.seeds, concurrency: concurrency, parseWorkers: parseWorkers,
            fetch: { settings in
                // localhost must not try ::1 first; the servers listen on 127.0.0.1 only.
                settings.resolve = site.servers.map { "localhost:\($0.port):127.0.0.1" }
            })
        await site.shutdown()

        let manifest = site.manifest
        #expect(manifest.pages.count >= 2000)
        #expect(summary.stopReason == .finished)

        // Each reachable URL was requested exactly once, and nothing else was requested.
        let hits = hitsByURL(site.stats, hostName: "localhost")
        let unexpected = hits.keys.filter { manifest.pages[$0] == nil }
        #expect(unexpected.isEmpty, "requested URLs not in the manifest: \(unexpected.prefix(5))")
        let missing = manifest.pages.keys.filter { hits[$0] == nil }
        #expect(missing.isEmpty, "reachable URLs never requested: \(missing.sorted().prefix(5))")
        let twice = hits.filter { $0.value > 1 }
        #expect(twice.isEmpty, "URLs requested more than once: \(twice.prefix(5))")

        // Each URL has exactly one record (a redirect's target is covered by its chain's record).
        let records = sink.all
        #expect(Set(records.map(\.url)).count == records.count)
        var covered = Set(records.map(\.url))
        covered.formUnion(records.filter { $0.redirects > 0 }.map(\.finalURL))
        #expect(covered == Set(manifest.pages.keys))

        // Outcomes match what the server sent; depths are never shallower than the BFS distance.
        var wrongOutcomes: [String] = []
        for record in records {
            guard let expected = manifest.pages[record.url] else {
                wrongOutcomes.append("\(record.url): not in the manifest")
                continue
            }
            if record.depth < expected.depth { wrongOutcomes.append("\(record.url): depth \(record.depth)") }
            if expected.redirectsTo != nil { continue }  // checked below
            let outcome: Outcome = expected.status == 200 ? (expected.isHTML ? .ok : .unsupportedContent) : .httpError
            if record.outcome != outcome { wrongOutcomes.append("\(record.url): \(record.outcome) != \(outcome)") }
            if record.status != expected.status { wrongOutcomes.append("\(record.url): status \(record.status ?? 0)") }
            if record.outcome == .ok, record.title != expected.title {
                wrongOutcomes.append("\(record.url): title \(record.title ?? "nil")")
            }
        }
        #expect(wrongOutcomes.isEmpty, "\(wrongOutcomes.prefix(10))")
        let redirectRecords = records.filter { manifest.pages[$0.url]?.redirectsTo != nil }
        #expect(!redirectRecords.isEmpty)
        for record in redirectRecords {
            // Either followed to the target (first to reach it) or recognised as a duplicate.
            #expect(record.outcome == .ok || record.outcome == .duplicate, "\(record.url): \(record.outcome)")
            #expect(record.redirectTarget == manifest.pages[record.url]?.redirectsTo || record.finalURL == manifest.pages[record.url]?.redirectsTo)
        }
        #expect(records.contains { $0.outcome == .httpError && $0.status == 404 })
        #expect(records.contains { $0.outcome == .unsupportedContent })

        // The pools stayed within their sizes, as seen by the server and by the crawler. The server's
        // exact measure is requests not yet answered (see `RequestStats.awaitingResponse`).
        print("server saw at most \(site.stats.maxAwaitingResponse) requests awaiting a response (concurrency \(concurrency))")
        #expect(site.stats.maxAwaitingResponse <= concurrency)
        #expect(site.stats.maxAwaitingResponse >= concurrency / 2)
        #expect(summary.maxFetchesInFlight <= concurrency)
        #expect(summary.maxParsesInFlight <= parseWorkers)
    }

    @Test(.timeLimit(.minutes(1)))
    func maxDepthAndMaxPagesWithRealPipeline() async throws {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 2, pagesPerHost: 100, slowPageEvery: 0, largePageEvery: 0))
        let (shallow, _) = try await runCrawl(seeds: site.seeds) { $0.maxDepth = 1 }
        let expected = site.manifest.expectedURLs(respectingRobots: false, maxDepth: 1)
        let reached = Set(shallow.all.map(\.url)).union(shallow.all.filter { $0.redirects > 0 }.map(\.finalURL))
        #expect(reached == expected)
        #expect(shallow.all.allSatisfy { $0.depth <= 1 })

        site.stats.reset()
        let (few, _) = try await runCrawl(seeds: site.seeds) { $0.maxPages = 25 }
        #expect(few.all.count == 25)
        #expect(Set(site.stats.log.map { "\($0.port)\($0.uri)" }).count <= 25 + 5)  // + redirect hops
        await site.shutdown()
    }
}
