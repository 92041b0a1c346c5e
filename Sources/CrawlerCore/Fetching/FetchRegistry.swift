import Synchronization

/// The fetches in flight, so that a host whose error budget is spent, or a hard stop, can abort them.
///
/// Behind its own lock, not the dispatch lock: every fetch registers and unregisters (two lock trips
/// a page), and on the dispatch lock those trips contended with the parse threads' admissions (a
/// third of the dispatch lock's slow paths in a 20,000-page profile). The verdicts it enforces
/// (`cancelHost`, `cancelAll`) are copied here when made, so a fetch registering after a verdict
/// sees it, and one registered before is in the list the verdict returns.
final class FetchRegistry: Sendable {
    private struct State {
        var fetches: [UInt64: (host: String, cancellation: FetchCancellation)] = [:]
        var cancelledHosts: Set<String> = []
        var allCancelled = false
    }

    private let state = Mutex(State())

    /// Registers a fetch. Returns true when it must be cancelled at once (its host, or everything,
    /// was cancelled already).
    func register(_ id: UInt64, host: String, cancellation: FetchCancellation) -> Bool {
        state.withLock { state in
            state.fetches[id] = (host, cancellation)
            return state.allCancelled || (!state.cancelledHosts.isEmpty && state.cancelledHosts.contains(host))
        }
    }

    func unregister(_ id: UInt64) {
        state.withLock { _ = $0.fetches.removeValue(forKey: id) }
    }

    /// From now on `host`'s fetches are cancelled; returns those in flight, to cancel.
    func cancelHost(_ host: String) -> [FetchCancellation] {
        state.withLock { state in
            state.cancelledHosts.insert(host)
            return state.fetches.values.filter { $0.host == host }.map(\.cancellation)
        }
    }

    /// From now on every fetch is cancelled; returns those in flight, to cancel.
    func cancelAll() -> [FetchCancellation] {
        state.withLock { state in
            state.allCancelled = true
            return state.fetches.values.map(\.cancellation)
        }
    }
}
