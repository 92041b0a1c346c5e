import RobotsTxt

/// What the crawl knows of each host's robots.txt and of how the host reacted to it, beyond the
/// scheduler's token buckets. Kept for the whole run (a host's robots.txt is fetched once per run,
/// and re-fetched after 24 hours), unlike scheduler slots, which idle hosts lose.
struct HostPoliteness {
    enum Robots {
        /// Being fetched; `failures` fetches of it failed so far.
        case pending(failures: Int)
        case known(RobotsRules, fetchedAt: Duration)
        /// Unreachable after the retries: everything is disallowed (RFC 9309 2.3.1.4).
        case unreachable
        /// Asks for a Crawl-delay above `--max-crawl-delay`: the host is skipped.
        case crawlDelayTooLong(Double)
    }

    /// How the host is throttled after 429/503 answers: the rate multiplier (AIMD: halved on each
    /// throttling answer, recovering by 1/16 per success) and the current run of throttling answers.
    struct Throttle {
        var multiplier = 1.0
        var consecutive = 0
    }

    let settings: PolitenessSettings
    private(set) var robots: [String: Robots] = [:]
    private var throttles: [String: Throttle] = [:]

    /// How long fetched robots rules are trusted (RFC 9309 2.4: no longer than 24 hours).
    static let robotsLifetime: Duration = .seconds(24 * 3600)
    /// The rate a throttled host starts from when the crawl runs without a rate limit.
    static let throttledBaseRate = 4.0
    static let minimumMultiplier = 1.0 / 64

    init(settings: PolitenessSettings) {
        self.settings = settings
    }

    // MARK: - Robots

    enum Verdict {
        case allowed
        /// The host's robots.txt is not known yet: fetch it first.
        case needsRobots
        /// Known and waiting: queue behind the robots fetch.
        case pending
        case refused(Outcome)
    }

    /// Whether a URL of `host` (`path` = its request target) may be fetched.
    mutating func verdict(host: String, path: String, now: Duration) -> Verdict {
        guard settings.obeyRobots else { return .allowed }
        switch robots[host] {
        case nil:
            robots[host] = .pending(failures: 0)
            return .needsRobots
        case .pending:
            return .pending
        case .known(let rules, let fetchedAt):
            if now - fetchedAt > Self.robotsLifetime {
                robots[host] = .pending(failures: 0)
                return .needsRobots
            }
            return rules.isAllowed(path: path) ? .allowed : .refused(.robotsDisallowed)
        case .unreachable:
            return .refused(.robotsUnreachable)
        case .crawlDelayTooLong:
            return .refused(.crawlDelayTooLong)
        }
    }

    /// Records fetched rules. Returns false when the host must be skipped (Crawl-delay too long).
    mutating func robotsFetched(host: String, rules: RobotsRules, now: Duration) -> Bool {
        if let delay = rules.crawlDelay, delay > settings.maxCrawlDelay {
            robots[host] = .crawlDelayTooLong(delay)
            return false
        }
        robots[host] = .known(rules, fetchedAt: now)
        return true
    }

    /// Records a failed robots.txt fetch. Returns the delay before trying again, or nil when the host
    /// is given up (now `unreachable`).
    mutating func robotsFailed(host: String, jitter: Double) -> Duration? {
        guard case .pending(let failures) = robots[host] else { return nil }
        if failures >= settings.robotsRetries {
            robots[host] = .unreachable
            return nil
        }
        robots[host] = .pending(failures: failures + 1)
        return backoff(attempt: failures + 1, jitter: jitter)
    }

    func rules(host: String) -> RobotsRules? {
        if case .known(let rules, _) = robots[host] { return rules }
        return nil
    }

    // MARK: - Rates and backoff

    /// The host's rate and burst: the configured ones, lowered by its Crawl-delay and by throttling.
    func rate(host: String) -> (rate: Double, burst: Double) {
        var rate = settings.hostRate
        var burst = settings.hostBurst
        if let delay = rules(host: host)?.crawlDelay, delay > 0 {
            rate = rate == 0 ? 1 / delay : min(rate, 1 / delay)
            burst = 1
        }
        if let throttle = throttles[host], throttle.multiplier < 1 {
            rate = (rate == 0 ? Self.throttledBaseRate : rate) * throttle.multiplier
            burst = 1
        }
        return (rate, burst)
    }

    /// A 429 or 503: halves the host's rate. Returns how long the host must now wait: Retry-After
    /// when given (capped), else exponential backoff with jitter.
    mutating func throttled(host: String, retryAfter: Duration?, jitter: Double) -> Duration {
        var throttle = throttles[host] ?? Throttle()
        throttle.consecutive += 1
        throttle.multiplier = max(Self.minimumMultiplier, throttle.multiplier / 2)
        throttles[host] = throttle
        if let retryAfter { return min(retryAfter, settings.maxRetryDelay) }
        return backoff(attempt: throttle.consecutive, jitter: jitter)
    }

    /// A success: the run of throttling answers ends and the rate recovers a little. Returns true
    /// when the host's rate changed.
    mutating func succeeded(host: String) -> Bool {
        guard var throttle = throttles[host] else { return false }
        throttle.consecutive = 0
        throttle.multiplier = min(1, throttle.multiplier + 1.0 / 16)
        throttles[host] = throttle.multiplier >= 1 ? nil : throttle
        return true
    }

    /// `retryBaseDelay × 2^(attempt-1)`, times `jitter` (0.5 ... 1.5), capped at `maxRetryDelay`.
    func backoff(attempt: Int, jitter: Double) -> Duration {
        let base = settings.retryBaseDelay.seconds * Double(1 << min(max(0, attempt - 1), 20))
        return min(.seconds(base * jitter), settings.maxRetryDelay)
    }
}
