import CrawlerCore
import Foundation

/// One crawl through the production pipeline (libcurl fetch pool, libxml2 parse pool), as the CLI
/// runs it. End-to-end tests use the same entry point.
public enum CrawlSession {
    public static func run(
        _ configuration: CrawlConfiguration, fetch settings: FetchSettings, sink: any RecordSink,
        control: CrawlControl? = nil, resume: ResumePlan? = nil
    ) async throws -> CrawlSummary {
        var settings = settings
        // The seeds' hosts are the user's choice: they may be on loopback or a private network.
        settings.trustedHosts.formUnion(configuration.seeds.compactMap(\.host))
        let fetcher = try CurlFetcher(settings: settings)
        let parseThreadNice = max(0, settings.ioPriority)
        let robotsAgent = configuration.politeness.robotsAgent
        let crawler = Crawler(configuration: configuration, fetcher: fetcher, makeParser: {
            // On the parse thread, as it starts: it yields to the curl thread (`--io-priority`). As a
            // batch thread it also no longer preempts the curl thread when a page wakes it: without
            // that, the curl thread was preempted by a parse thread about 2,300 times a 20,000-page
            // crawl (`perf sched`), and the crawl took 5-8% longer (see Benchmarks/README.md).
            if parseThreadNice > 0 {
                ThreadPriority.renice(by: parseThreadNice)
                ThreadPriority.runAsBatch()
            }
            return LibXML2PageParser(robotsAgent: robotsAgent)
        }, sink: sink, resume: resume)
        control?.attach(crawler)
        let summary = await crawler.run()
        fetcher.shutdown()
        return summary
    }

    /// Threads the parse pool gets by default: one per core.
    public static var defaultParseWorkers: Int { ProcessInfo.processInfo.activeProcessorCount }
}
