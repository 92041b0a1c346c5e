import CrawlerCore
import Synchronization

/// Lets another part of the program (signal handlers) stop a crawl that `CrawlSession.run` owns.
/// Safe from any thread; a stop asked for before the crawl starts is applied when it does.
public final class CrawlControl: Sendable {
    private struct State {
        var crawler: Crawler?
        var pendingStop: (StopReason, Duration?)?
        var pendingCancel = false
    }

    private let state = Mutex(State())

    public init() {}

    func attach(_ crawler: Crawler) {
        let (stop, cancel) = state.withLock { state in
            state.crawler = crawler
            return (state.pendingStop, state.pendingCancel)
        }
        if let (reason, grace) = stop { crawler.stop(reason, grace: grace) }
        if cancel { crawler.cancelInFlight() }
    }

    /// Stops dispatching; transfers in flight get `grace` to finish.
    public func stop(_ reason: StopReason, grace: Duration?) {
        let crawler = state.withLock { state -> Crawler? in
            if state.crawler == nil, state.pendingStop == nil { state.pendingStop = (reason, grace) }
            return state.crawler
        }
        crawler?.stop(reason, grace: grace)
    }

    /// The crawl's progress, once it has started.
    public func progress() -> CrawlProgress? {
        state.withLock { $0.crawler }?.progress()
    }

    /// Aborts the transfers in flight now.
    public func cancelNow() {
        let crawler = state.withLock { state -> Crawler? in
            if state.crawler == nil { state.pendingCancel = true }
            return state.crawler
        }
        crawler?.cancelInFlight()
    }
}
