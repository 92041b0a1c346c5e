/// Stopping and cancelling: graceful and hard stops, timers, the registry of fetches in flight, and the
/// error budgets' verdicts.
extension Crawler {
    /// Stops dispatching: queued URLs that never started get no record (they are reported as
    /// `queuedAtStop`). URLs in flight finish and are recorded; after `grace` (immediately when nil)
    /// their transfers are cancelled and they are recorded as `cancelled`. The first reason given is kept.
    public func stop(_ reason: StopReason, grace: Duration?) {
        update { dispatch, _ in
            if dispatch.stopReason == nil { dispatch.stopReason = reason }
            _ = dispatch.state.stop()
        }
        if let grace {
            startTimer(at: clock.now() + grace) { [self] in cancelInFlight() }
        } else {
            cancelInFlight()
        }
    }

    /// Aborts every transfer in flight now (a hard stop). Parse threads finish what they hold.
    public func cancelInFlight() {
        fetchRegistry.cancelAll().forEach { $0.cancel() }
    }

    /// Wakes the dispatcher at `deadline`. Only the earliest deadline needs a timer (a later one is
    /// re-armed when that fires).
    func armTimer(at deadline: Duration) {
        startTimer(at: deadline) { [self] in
            update { dispatch, _ in
                if dispatch.timerDeadline == deadline { dispatch.timerDeadline = nil }
            }
        }
    }

    /// Runs `action` at `deadline` on the crawl clock, in a small task that `run()` cancels when the
    /// crawl ends.
    func startTimer(at deadline: Duration, _ action: @escaping @Sendable () -> Void) {
        let id = dispatch.withLock { dispatch -> UInt64 in
            dispatch.nextTimerID += 1
            return dispatch.nextTimerID
        }
        let task = Task { [self] in
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return  // cancelled: the crawl ended
            }
            dispatch.withLock { _ = $0.timers.removeValue(forKey: id) }
            action()
        }
        dispatch.withLock { $0.timers[id] = task }
    }

    /// Runs one fetch, registered so that a cancelled host's transfers (or all of them) can be
    /// aborted; the calling worker's cancellation is passed on too. With the libcurl fetcher the
    /// transfer runs in the worker's own task (a task per fetch cost an allocation and two executor
    /// hops per page).
    ///
    /// A rate-limited host's start is reported by the fetcher when the request goes out (after its
    /// connection is set up), so the host's next token counts from the real start even when the
    /// request leaves late. A request that never goes out reports nothing; its end frees the host.
    func runFetch(_ request: FetchRequest, host: String, reportsStart: Bool) async -> Result<FetchResponse, FetchFailure> {
        let id = fetchIDs.add(1, ordering: .relaxed).newValue
        let cancellation = FetchCancellation()
        if fetchRegistry.register(id, host: host, cancellation: cancellation) { cancellation.cancel() }
        let result = await fetcher.fetch(request, cancellation: cancellation) { [self] in
            if reportsStart {
                // The clock is read under the lock: `update`'s reading, taken before the lock was won,
                // could be milliseconds old on a busy machine, and the host's next token would then
                // count from before the request really started.
                update { [clock] dispatch, _ in dispatch.state.requestStarted(host: host, now: clock.now()) }
            }
        }
        fetchRegistry.unregister(id)
        return result
    }

    /// Which fetches in flight a budget verdict cancels; `cancel()` aborts them (after the dispatch
    /// lock is released: the registry has its own).
    enum FetchesToCancel {
        case none
        case host(String)
        case all

        func cancel(in registry: FetchRegistry) {
            switch self {
            case .none: return
            case .host(let host): registry.cancelHost(host).forEach { $0.cancel() }
            case .all: registry.cancelAll().forEach { $0.cancel() }
            }
        }
    }

    /// Counts an attempt against the error budgets, under the lock. A spent host budget cancels the
    /// host (its queued URLs are returned to be recorded); a spent crawl budget stops the crawl. Returns
    /// the fetches in flight to cancel once the lock is released.
    func countAttempt(
        _ dispatch: inout Dispatch, host: String, failed: Bool, now: Duration, decided: inout [(FetchJob, Outcome)]
    ) -> FetchesToCancel {
        switch dispatch.budget.record(host: host, failed: failed) {
        case .withinBudget:
            return .none
        case .hostSpent(let spent):
            dispatch.budget.forget(host: spent)
            decided += dispatch.state.cancelHost(spent, now: now)
            return .host(spent)
        case .crawlSpent(let detail):
            if dispatch.stopReason == nil {
                dispatch.stopReason = .errorBudget
                dispatch.budgetDetail = detail
            }
            _ = dispatch.state.stop()
            return .all
        }
    }
}
