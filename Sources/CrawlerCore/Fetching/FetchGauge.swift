import Synchronization

/// Fetches in flight (from a job's hand-out to a worker until its response is in hand) and the most at
/// once. An atomic, not part of the dispatch state: a fetch ends on the fetch worker, which then need
/// not take the dispatch lock for a page whose completion the parse thread applies.
final class FetchGauge: Sendable {
    private let current = Atomic<Int>(0)
    private let highest = Atomic<Int>(0)

    /// Under the dispatch lock (every hand-out happens there), so `highest` has one writer at a time.
    func started() {
        let now = current.add(1, ordering: .relaxed).newValue
        if now > highest.load(ordering: .relaxed) { highest.store(now, ordering: .relaxed) }
    }

    /// Any thread, once the fetch returned.
    func ended() {
        current.subtract(1, ordering: .relaxed)
    }

    var inFlight: Int { current.load(ordering: .relaxed) }
    var maxInFlight: Int { highest.load(ordering: .relaxed) }
}
