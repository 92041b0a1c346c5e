/// Time as the crawl sees it: an offset from the crawl's start. Injected so that policies and the
/// scheduler can be driven by a manual clock in tests.
public protocol CrawlClock: Sendable {
    /// Time elapsed since the crawl started.
    func now() -> Duration
    /// Wall-clock time, milliseconds since the Unix epoch (for `fetched_at`).
    func wallClockMilliseconds() -> Int64
    /// Suspends until `now()` reaches `deadline` (throws when the task is cancelled).
    func sleep(until deadline: Duration) async throws
}

/// The real clock: monotonic for intervals, the system clock for timestamps.
public struct SystemCrawlClock: CrawlClock {
    private let start = ContinuousClock.now
    private let wallStart: Int64

    public init() {
        wallStart = Int64((WallClock.secondsSince1970() * 1000).rounded())
    }

    public func now() -> Duration { ContinuousClock.now - start }

    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: start + deadline, clock: .continuous)
    }

    public func wallClockMilliseconds() -> Int64 {
        // Derived from the monotonic clock so that timestamps within a run never go backwards when the
        // system clock is stepped.
        let elapsed = now().components
        return wallStart + elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

}
