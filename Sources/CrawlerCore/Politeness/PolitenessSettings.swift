import RobotsTxt

/// How gently the crawl treats each host. A host is scheme + host + port, the key robots.txt uses.
public struct PolitenessSettings: Sendable {
    /// Requests per second per host (token refill rate); 0 = unlimited.
    public var hostRate: Double
    /// Requests that may start back to back after the host was idle (bucket size).
    public var hostBurst: Double
    /// Fetch and obey each host's robots.txt (RFC 9309).
    public var obeyRobots: Bool
    /// The name matched against robots.txt user-agent lines (its product token is used).
    public var robotsUserAgent: String {
        didSet { robotsAgent = RobotsTxt.productToken(of: robotsUserAgent) }
    }
    /// The product token of `robotsUserAgent` (`crawl` of `crawl/0.1`): the agent name robots.txt
    /// groups, `X-Robots-Tag` rules and `<meta>` names are matched against. Nil when it has none.
    public private(set) var robotsAgent: String?
    /// The largest robots.txt Crawl-delay honoured, in seconds; hosts asking more are skipped.
    public var maxCrawlDelay: Double
    /// Retries of transient failures (timeouts, resets, 5xx, 429) per URL.
    public var retries: Int
    /// The first retry waits about this long (with jitter); each further one twice as long.
    public var retryBaseDelay: Duration
    /// The longest wait a Retry-After header (or the backoff) can impose.
    public var maxRetryDelay: Duration
    /// Times a robots.txt that answers 5xx, 429 or fails is fetched again before the host is given up.
    public var robotsRetries: Int

    public init(
        hostRate: Double = 2, hostBurst: Double = 2, obeyRobots: Bool = true, robotsUserAgent: String = "crawl",
        maxCrawlDelay: Double = 30, retries: Int = 2, retryBaseDelay: Duration = .seconds(1),
        maxRetryDelay: Duration = .seconds(60), robotsRetries: Int = 2
    ) {
        self.hostRate = max(0, hostRate)
        self.hostBurst = max(1, hostBurst)
        self.obeyRobots = obeyRobots
        self.robotsUserAgent = robotsUserAgent
        robotsAgent = RobotsTxt.productToken(of: robotsUserAgent)
        self.maxCrawlDelay = max(0, maxCrawlDelay)
        self.retries = max(0, retries)
        self.retryBaseDelay = retryBaseDelay
        self.maxRetryDelay = maxRetryDelay
        self.robotsRetries = max(0, robotsRetries)
    }

    /// No rate limit and no robots.txt: for benchmarks and tests against our own servers.
    public static let unlimited = PolitenessSettings(hostRate: 0, obeyRobots: false)
}
