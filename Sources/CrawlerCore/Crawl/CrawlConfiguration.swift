import CrawlURL

/// Everything the crawl logic needs to know about one run. Fetch limits (timeouts, body caps) are the
/// fetcher's; see CrawlRuntime.
public struct CrawlConfiguration: Sendable {
    public var seeds: [WebURL]
    /// Most fetches in flight at once (the size of the fetch pool).
    public var concurrency: Int
    /// Parse threads (the size of the parse pool).
    public var parseWorkers: Int
    /// Seeds are depth 0; links from a page at depth d are d+1. nil = unlimited.
    public var maxDepth: Int?
    /// Most URLs admitted to the crawl (each gets one record). nil = unlimited.
    public var maxPages: Int?
    public var scope: ScopeMode
    /// Redirect hops followed per URL; at most 255 (more are treated as 255).
    public var maxRedirects: Int
    /// Most fetches in flight to one host (scheme + host + port).
    public var hostConcurrency: Int
    /// Documents that may wait for a parse thread; when full, fetch workers wait instead of fetching.
    /// Default: 8 per parse thread. At 2 per thread, 3 to 4 of 32 fetch workers were parked on a full
    /// queue at any moment (each park a suspension and a wake-up); 8 took 4% off the CPU of a
    /// 20,000-page crawl. Memory stays bounded all the same: a queued body keeps its memory-budget
    /// bytes until it is parsed.
    public var parseQueueCapacity: Int
    /// Politeness: per-host rate limits, robots.txt, retries and backoff.
    public var politeness: PolitenessSettings
    /// When failures cancel a host or the crawl.
    public var errorBudget: ErrorBudgetSettings
    /// Stop gracefully after this long (`--max-duration`); nil = no limit.
    public var maxDuration: Duration?
    /// How long a graceful stop (signal, `--max-duration`) lets transfers in flight finish before
    /// cancelling them.
    public var gracePeriod: Duration
    /// The run's id, written into every record (`run_id`).
    public var runID: String?
    /// Trap and flood limits on the links admitted, and the session parameters left out of URL keys.
    public var linkLimits = LinkLimits()
    /// `--include` / `--exclude`: the URLs followed from links and redirects (seeds, and a seed's own
    /// redirects, are always followed).
    public var urlFilter = URLFilter.none
    /// A redirect back to a URL of its own chain is followed (within `maxRedirects`) instead of being
    /// stopped as a loop: with cookies kept (`--cookies`) the second request differs from the first,
    /// as on a cookie wall (`/` sets a cookie at `/set` and is sent back to `/`).
    public var followsRedirectsBack = false

    public init(
        seeds: [WebURL], concurrency: Int = 32, parseWorkers: Int = 2, maxDepth: Int? = nil,
        maxPages: Int? = nil, scope: ScopeMode = .host, maxRedirects: Int = 5,
        hostConcurrency: Int? = nil, parseQueueCapacity: Int? = nil,
        politeness: PolitenessSettings = PolitenessSettings(), errorBudget: ErrorBudgetSettings = ErrorBudgetSettings(),
        maxDuration: Duration? = nil, gracePeriod: Duration = .seconds(5)
    ) {
        self.politeness = politeness
        self.errorBudget = errorBudget
        self.maxDuration = maxDuration
        self.gracePeriod = gracePeriod
        self.seeds = seeds
        self.concurrency = max(1, concurrency)
        self.parseWorkers = max(1, parseWorkers)
        self.maxDepth = maxDepth
        self.maxPages = maxPages
        self.scope = scope
        self.maxRedirects = max(0, maxRedirects)
        self.hostConcurrency = max(1, hostConcurrency ?? concurrency)
        self.parseQueueCapacity = max(1, parseQueueCapacity ?? max(1, parseWorkers) * 8)
    }
}
