import CrawlURL

/// One URL's way through the crawl: admitted to the frontier, fetched (following redirects hop by hop,
/// each hop queued at its own host), maybe parsed, and finally recorded once.
struct FetchJob: Sendable {
    enum Kind: Sendable {
        /// A URL of the crawl: recorded once.
        case page
        /// A host's robots.txt: gates the host's other work, and is not recorded.
        case robots
    }

    let kind: Kind
    /// The URL as admitted (fragment removed): the record's `url`.
    let origin: WebURL
    let depth: Int
    /// The page the link was found on (nil for seeds).
    let parent: String?
    /// The hop to fetch next (the origin, or a redirect target).
    var current: WebURL
    var redirects = 0
    /// The origin's fingerprint, and those of the redirect hops after it, to catch loops before the hop
    /// limit. Separate so that a job that never redirects (almost all) allocates no array.
    let originFingerprint: URLFingerprint
    var hops: [URLFingerprint] = []
    /// When the first hop started (crawl clock) and its wall-clock time; set at first dispatch.
    var startedAt: Duration?
    var fetchedAtMs: Int64 = 0
    /// Requests made for this URL, counting retries but not redirect hops (1 + retries).
    var attempts = 0
    /// When the job last entered a host queue (crawl clock).
    var queuedAt: Duration = .zero
    /// Time its requests waited for their host's politeness (token, Crawl-delay, Retry-After,
    /// backoff) after being queued.
    var rateWait: Duration = .zero
    /// The host is rate-limited: the worker reports when the request really starts.
    var reportsStart = false
    /// What the last run learnt of this URL, when it is re-fetched (`--recrawl-after`).
    var revisit: Revisit?

    init(url: WebURL, fingerprint: URLFingerprint, depth: Int, parent: String?, kind: Kind = .page) {
        self.kind = kind
        origin = url
        current = url
        self.depth = depth
        self.parent = parent
        originFingerprint = fingerprint
    }

    /// Whether this chain already went through `fingerprint`.
    func visited(_ fingerprint: URLFingerprint) -> Bool {
        fingerprint == originFingerprint || hops.contains(fingerprint)
    }

    /// The politeness key of the hop to fetch next.
    var hostKey: String { current.hostKey }

    /// The robots.txt fetch that gates `url`'s host.
    static func robots(for url: WebURL) -> FetchJob? {
        guard let robotsURL = WebURL.parse("/robots.txt", base: url) else { return nil }
        return FetchJob(url: robotsURL, fingerprint: URLFingerprint(rawValue: 0), depth: 0, parent: nil, kind: .robots)
    }
}
