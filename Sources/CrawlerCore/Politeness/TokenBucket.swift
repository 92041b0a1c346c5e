/// A token bucket: `rate` tokens per second, holding at most `burst`. One token per request start.
///
/// A pure value that answers "when may the next request start" for a given instant, so the host
/// scheduler and its tests drive it with any clock. `rate == 0` means unlimited.
public struct TokenBucket: Sendable, Equatable {
    public private(set) var rate: Double
    public private(set) var burst: Double
    private var tokens: Double
    private var updatedAt: Duration
    /// When the last token was used (unlimited buckets record it too), so a rate set later is
    /// measured from the request before it: see `reconfigure`.
    private var lastUsedAt: Duration?

    /// A bucket that starts full at `now`.
    public init(rate: Double, burst: Double, now: Duration = .zero) {
        self.rate = max(0, rate)
        self.burst = max(1, burst)
        tokens = self.burst
        updatedAt = now
    }

    public var isUnlimited: Bool { rate == 0 }

    /// The earliest instant at or after `now` when a token is available.
    public func nextAvailable(now: Duration) -> Duration {
        if isUnlimited { return now }
        let current = level(at: now)
        if current >= 1 { return now }
        return now + .seconds((1 - current) / rate)
    }

    /// Takes one token at `now` (which should be at or after `nextAvailable(now:)`; a token taken
    /// early leaves the bucket in debt, delaying the next one).
    public mutating func take(now: Duration) {
        lastUsedAt = max(lastUsedAt ?? now, now)
        if isUnlimited { return }
        tokens = level(at: now) - 1
        updatedAt = max(updatedAt, now)
    }

    /// The token taken last was actually used at `now`, later than when it was taken (the request
    /// started late): no refill is credited for the time in between, so the next token is measured from
    /// the real start.
    public mutating func tokenUsed(at now: Duration) {
        lastUsedAt = max(lastUsedAt ?? now, now)
        if isUnlimited { return }
        updatedAt = max(updatedAt, now)
    }

    /// The instant the bucket will be full again if no token is taken (when the host's slot may be
    /// forgotten without letting it burst early).
    public func fullAt(now: Duration) -> Duration {
        if isUnlimited { return now }
        let current = level(at: now)
        return current >= burst ? now : now + .seconds((burst - current) / rate)
    }

    /// Changes the rate and burst, keeping the tokens accumulated so far (capped to the new burst),
    /// but no more than a bucket of the new rate would hold had it served the last request: a host's
    /// Crawl-delay, learnt from its robots.txt, spaces its first page from the robots.txt request (a
    /// request to the host like any other), even when the crawl's own rate is unlimited.
    public mutating func reconfigure(rate newRate: Double, burst newBurst: Double, now: Duration) {
        tokens = level(at: now)
        updatedAt = max(updatedAt, now)
        rate = max(0, newRate)
        burst = max(1, newBurst)
        tokens = min(tokens, burst)
        if rate > 0, let lastUsedAt {
            let sinceLast = now > lastUsedAt ? (now - lastUsedAt).seconds : 0
            tokens = min(tokens, burst - 1 + sinceLast * rate)
        }
    }

    private func level(at now: Duration) -> Double {
        let elapsed = now > updatedAt ? (now - updatedAt).seconds : 0
        return min(burst, tokens + elapsed * rate)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// A duration from fractional seconds (negative and non-finite values become zero).
    public static func seconds(_ value: Double) -> Duration {
        guard value.isFinite, value > 0 else { return .zero }
        return .nanoseconds(Int64(min(value, 1e9) * 1e9))
    }
}
