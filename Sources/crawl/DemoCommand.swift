import ArgumentParser
import CrawlRuntime
import CrawlURL
import DemoSite
import Foundation

/// `crawl demo`: serves a generated multi-host site on 127.0.0.1 inside this process and crawls it
/// through the normal pipeline, so a new user sees the crawler work without a site of their own.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a generated multi-host demo site on 127.0.0.1 and crawl it.",
        discussion: """
            The site has --hosts hosts (one port each) of --pages-per-host pages, with links between \
            hosts, a robots.txt, some 404s, redirects, non-HTML files, slow pages and large pages.
            """
    )

    /// The largest demo site, in pages: 1,000,000 start in 7.6 s and 565 MiB of peak memory
    /// (measured, release build).
    static let maxPages = 1_000_000

    @Option(help: "Hosts of the demo site (one port on 127.0.0.1 each).")
    var hosts: Int = 4

    @Option(help: "Pages per host (hosts × pages at most 1,000,000).")
    var pagesPerHost: Int = 100

    @Option(help: ArgumentHelp("Every Nth page is a large page (0 = none).", valueName: "n"))
    var largePageEvery: Int = 40

    @Option(help: ArgumentHelp("Size of the large pages (e.g. 1500KB, 4MiB).", valueName: "bytes"))
    var largePageBytes: ByteSize = ByteSize(bytes: 1_500_000)

    @Option(help: ArgumentHelp("Only serve the site (until interrupted) and write its seed URL to this file; do not crawl. For crawling it from another process or with another crawler.", valueName: "seeds-file"))
    var serve: String?

    @OptionGroup var options: CrawlOptions

    func validate() throws {
        guard (1...64).contains(hosts) else { throw ValidationError("--hosts must be between 1 and 64.") }
        guard (1...100_000).contains(pagesPerHost) else {
            throw ValidationError("--pages-per-host must be between 1 and 100000.")
        }
        // The site and its manifest are built in memory before it serves: 64 hosts of 100,000 pages
        // took 64 s and 4 GB to start (measured), for a crawl of ten pages.
        guard hosts * pagesPerHost <= Self.maxPages else {
            throw ValidationError("--hosts × --pages-per-host must be at most \(Self.maxPages) (got \(hosts * pagesPerHost)): "
                + "the demo site is built in memory, about 600 bytes a page, before it serves.")
        }
        guard largePageEvery >= 0 else { throw ValidationError("--large-page-every must be 0 or more.") }
        guard (1...(256 << 20)).contains(largePageBytes.bytes) else {
            throw ValidationError("--large-page-bytes must be between 1 byte and 256MiB.")
        }
    }

    func run() async throws {
        var config = DemoSiteConfig()
        config.hosts = hosts
        config.pagesPerHost = pagesPerHost
        config.largePageEvery = largePageEvery
        config.largePageBytes = largePageBytes.bytes
        let site: DemoSite
        do {
            site = try await DemoSite.start(config)
        } catch {
            Console.error("cannot start the demo site: \(error)")
            throw ExitStatus.fatal
        }
        if !options.quiet {
            Console.info("crawl demo: serving \(hosts) hosts × \(pagesPerHost) pages at \(site.baseURLs.joined(separator: " "))")
        }
        if let serve {
            try await serveOnly(site, seedsFile: serve)
            return
        }
        let seeds = site.seeds.compactMap { WebURL.parse($0) }
        do {
            let (summary, _) = try await CrawlRunner.run(seeds: seeds, options: options, defaults: .demo)
            let reachable = site.manifest.pages.count
            if !options.quiet { Console.info("crawl demo: the site has \(reachable) reachable URLs; its servers answered "
                         + "\(site.stats.totalRequests) requests for \(summary.statistics.records) records") }
        } catch {
            await site.shutdown()
            throw error
        }
        await site.shutdown()
    }

    /// Serves until SIGINT or SIGTERM, then shuts the servers down.
    private func serveOnly(_ site: DemoSite, seedsFile: String) async throws {
        do {
            try (site.seeds.joined(separator: "\n") + "\n").write(toFile: seedsFile, atomically: true, encoding: .utf8)
        } catch {
            await site.shutdown()
            Console.error("cannot write \(seedsFile): \(error.localizedDescription)")
            throw ExitStatus.fatal
        }
        Console.info("crawl demo: \(site.manifest.pages.count) reachable URLs; seeds written to \(seedsFile); Ctrl-C to stop")
        await waitForTerminationSignal()
        Console.info("crawl demo: served \(site.stats.totalRequests) requests")
        await site.shutdown()
    }
}

/// Suspends until SIGINT or SIGTERM arrives.
private func waitForTerminationSignal() async {
    let signals = AsyncStream<Void> { continuation in
        let sources = SignalSources([SIGINT, SIGTERM]) { _ in continuation.yield() }
        continuation.onTermination = { _ in sources.cancel() }
    }
    for await _ in signals { break }
}
