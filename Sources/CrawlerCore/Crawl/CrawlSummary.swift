/// Why a crawl ended.
public enum StopReason: String, Sendable {
    /// Nothing left to fetch (including when `--max-pages` or `--max-depth` bounded the crawl).
    case finished
    /// The crawl's error budget was spent (`--max-errors`, `--max-error-rate`).
    case errorBudget = "error_budget"
    /// The crawl ended without fetching any URL, though it tried: every URL failed, or its host's
    /// robots.txt was unreachable, or its host's budget was spent (`budgetDetail` counts them).
    case nothingFetched = "nothing_fetched"
    /// `--max-duration` passed.
    case maxDuration = "max_duration"
    /// SIGINT.
    case interrupted
    /// SIGTERM.
    case terminated
    /// SIGHUP: the terminal the crawl ran in was closed.
    case hangup
    /// The calling task was cancelled.
    case cancelled
    /// The output could not be written.
    case outputFailed = "output_failed"
}

/// The result of a run.
public struct CrawlSummary: Sendable {
    public var stopReason: StopReason
    public var statistics: CrawlStatistics
    public var elapsed: Duration
    /// URLs admitted to the crawl (each got, or will get, one record).
    public var admitted: Int
    /// URLs still queued when the crawl stopped (none unless it was stopped early).
    public var queuedAtStop: Int
    /// The most fetches in flight at one moment, and the most documents parsed at one moment.
    public var maxFetchesInFlight: Int
    public var maxParsesInFlight: Int
    public var outputError: String?
    /// Why the error budget stopped the crawl, when it did, or why nothing could be fetched.
    public var budgetDetail: String?
    /// Hosts cancelled by `--host-max-errors` (scheme://host:port).
    public var hostsCancelled: [String]
    /// The error budget at the stop: attempts and failures counted, and the sliding window.
    public var budget: BudgetState

    public struct BudgetState: Sendable {
        public var settings: ErrorBudgetSettings
        public var attempts: Int
        public var failures: Int
        public var windowAttempts: Int
        public var windowFailures: Int
    }

    public var pagesPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(statistics.records) / seconds : 0
    }
}

/// A live view of a running crawl (for a progress display or periodic metrics).
public struct CrawlProgress: Sendable {
    public var records: Int
    public var queued: Int
    public var inFlight: Int
    public var failures: Int
    public var bodyBytes: Int
    public var recordsByOutcome: [Outcome: Int]
    public var elapsed: Duration
}
