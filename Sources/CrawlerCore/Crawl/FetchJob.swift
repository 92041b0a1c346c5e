import CrawlURL

/// One URL's way through the crawl: admitted to the frontier, fetched (following redirects hop by hop,
/// each hop queued at its own host), maybe parsed, and finally recorded once.
struct FetchJob: Sendable {
    /// The URL as admitted (fragment removed): the record's `url`.
    let origin: WebURL
    let depth: Int
    /// The page the link was found on (nil for seeds).
    let parent: String?
    /// The hop to fetch next (the origin, or a redirect target).
    var current: WebURL
    var redirects = 0
    /// Fingerprints of the hops of this chain (origin first), to catch loops before the hop limit.
    var chain: [URLFingerprint]
    /// When the first hop started (crawl clock) and its wall-clock time; set at first dispatch.
    var startedAt: Duration?
    var fetchedAtMs: Int64 = 0

    init(url: WebURL, fingerprint: URLFingerprint, depth: Int, parent: String?) {
        origin = url
        current = url
        self.depth = depth
        self.parent = parent
        chain = [fingerprint]
    }

    /// The politeness key of the hop to fetch next.
    var hostKey: String { current.hostKey }
}
