import Synchronization

/// A generated, deterministic multi-host site: one `LocalHTTPServer` per host (distinct ports on
/// 127.0.0.1), all sharing one `RequestStats`. Used by `crawl demo` and end-to-end tests.
///
/// Pages: `/` (page 0) and `/page/N` HTML with a title "Host H page N" and links; `/missing/K` 404;
/// `/files/N.pdf`, `/img/N.png`; `/old/N` redirecting (301 absolute / 302 relative) to page N;
/// `/private/N` disallowed by each host's `/robots.txt`; slow and large pages per the config.
public final class DemoSite: Sendable {
    /// The servers, one per host, in host order.
    public let servers: [LocalHTTPServer]
    /// Expectations for every URL reachable from the seeds.
    public let manifest: DemoManifest
    /// Counters shared by all hosts.
    public let stats: RequestStats
    /// The configuration the site was generated from.
    public let config: DemoSiteConfig
    private let generator: DemoSiteGenerator

    /// The crawl seed: host 0's `/`.
    public var seeds: [String] { [generator.bases[0] + "/"] }
    /// `http://hostName:PORT` per host, no trailing slash.
    public var baseURLs: [String] { generator.bases }
    /// Canonical (lower-cased host) `http://hostname:PORT` per host, as used in manifest keys.
    public var canonicalBaseURLs: [String] { generator.canonicalBases }

    private init(servers: [LocalHTTPServer], generator: DemoSiteGenerator, stats: RequestStats) {
        self.servers = servers
        self.generator = generator
        self.stats = stats
        self.config = generator.config
        self.manifest = generator.manifest()
    }

    /// Starts `config.hosts` servers (at least one) and computes the manifest.
    public static func start(_ config: DemoSiteConfig, stats: RequestStats = RequestStats()) async throws -> DemoSite {
        // Pages embed every host's port, known only after binding; requests arriving before the
        // generator is set (none should: the URLs are not public yet) get a 503.
        let slot = GeneratorSlot()
        var servers: [LocalHTTPServer] = []
        do {
            for _ in 0..<max(1, config.hosts) {
                servers.append(
                    try await LocalHTTPServer.start(host: "127.0.0.1", port: 0, stats: stats) { request in
                        guard let g = slot.generator else { return .text("starting", status: 503) }
                        return g.respond(request)
                    })
            }
        } catch {
            for s in servers { await s.shutdown() }
            throw error
        }
        let generator = DemoSiteGenerator(config: config, ports: servers.map(\.port))
        slot.set(generator)
        return DemoSite(servers: servers, generator: generator, stats: stats)
    }

    /// Stops every host's server.
    public func shutdown() async {
        for s in servers { await s.shutdown() }
    }

    /// Changes a page (its body and ETag), as an edit on a real site would: a re-crawl must see it.
    public func edit(host: Int, page: Int) {
        generator.edit(host: host, page: page)
    }

    /// The HTML body of a page (for tests that compare content); nil when out of range.
    public func pageBody(host: Int, page: Int) -> [UInt8]? {
        guard host >= 0, host < generator.hosts, page >= 0, page < generator.pages else { return nil }
        return generator.renderPage(host: host, page: page)
    }

    /// Every link of a page as written in its HTML (`href`) with the canonical URL it must resolve
    /// to, in document order; nil when out of range. Lets tests check a URL resolver and parser.
    public func pageLinks(host: Int, page: Int) -> [(href: String, canonicalURL: String)]? {
        guard host >= 0, host < generator.hosts, page >= 0, page < generator.pages else { return nil }
        return generator.links(host: host, page: page).map { ($0.href, generator.canonicalURL($0.target)) }
    }
}

/// Holds the generator once the ports are known; read once per request under a lock.
private final class GeneratorSlot: Sendable {
    private let value = Mutex<DemoSiteGenerator?>(nil)
    var generator: DemoSiteGenerator? { value.withLock { $0 } }
    func set(_ g: DemoSiteGenerator) { value.withLock { $0 = g } }
}
