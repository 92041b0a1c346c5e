import Synchronization

/// A way to abort one fetch from outside the task that awaits it: a host's spent error budget or a
/// hard stop cancels the fetches registered under it, while the fetch worker itself keeps running
/// (it records the outcome and takes the next job).
///
/// It replaces a child task per fetch, which cost a task allocation and two extra executor hops
/// on every page. `cancel()` is idempotent; a handler installed after it runs at once.
public final class FetchCancellation: Sendable {
    private enum State {
        case active(handler: (@Sendable () -> Void)?)
        case cancelled
    }

    private let state = Mutex(State.active(handler: nil))

    public init() {}

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        state.withLock { state in
            if case .cancelled = state { return true }
            return false
        }
    }

    /// Runs `handler` when the fetch is cancelled (now, if it already is). One handler: a second
    /// call replaces the first.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if case .cancelled = state { return true }
            state = .active(handler: handler)
            return false
        }
        if runNow { handler() }
    }

    /// Cancels the fetch: runs the installed handler once, outside the lock.
    public func cancel() {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard case .active(let handler) = state else { return nil }
            state = .cancelled
            return handler
        }
        handler?()
    }
}
