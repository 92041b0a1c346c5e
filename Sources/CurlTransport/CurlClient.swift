import Synchronization

/// An HTTP client for the crawler: libcurl's multi interface on one dedicated thread.
///
/// - Connections are kept alive and reused across transfers (curl's connection cache); HTTP/2 is
///   negotiated over TLS and multiplexed.
/// - Redirects are not followed; a 3xx is returned with its `Location`.
/// - At most `maxTransfers` transfers run at once; the rest wait in a FIFO.
/// - Failures are values (`TransferResponse.error`), never thrown.
public final class CurlClient: Sendable {
    private let inbox: CurlMultiInbox
    /// Runs tasks on the loop thread (see `CurlLoopExecutor`).
    public let executor: CurlLoopExecutor
    /// The loop thread's handle until `shutdown` takes it (then nil): this is what makes shutdown
    /// idempotent and lets exactly one caller join.
    private let thread: Mutex<LoopThread.Handle?>
    public let configuration: CurlClientConfiguration

    /// Creates the multi handle and starts its thread.
    public init(configuration: CurlClientConfiguration = CurlClientConfiguration()) throws {
        try CurlGlobal.initialize()
        let loop = try CurlMultiLoop(configuration: configuration)
        inbox = loop.inbox
        executor = loop.executor
        self.configuration = configuration
        thread = Mutex(try LoopThread.start(loop))
    }

    deinit {
        shutdown()
    }

    /// Performs one GET. Never throws: failures are in `.error`. Cancelling the calling task aborts
    /// the transfer promptly (it is removed from the multi handle) and returns `.cancelled`.
    ///
    /// `installCancel`, when given, is called once with a closure that aborts this transfer the same
    /// way, so a caller can cancel it from outside the awaiting task (the crawler cancels a host's
    /// transfers when its error budget is spent).
    public func perform(
        _ request: TransferRequest, installCancel: ((@escaping @Sendable () -> Void) -> Void)? = nil
    ) async -> TransferResponse {
        if let failure = request.validationFailure {
            return TransferResponse(effectiveURL: request.url, error: TransferError(code: .invalidRequest, message: failure))
        }
        let pending = PendingTransfer(request: request)
        let inbox = self.inbox
        installCancel? {
            if pending.markCancelled() {
                inbox.cancel(pending)
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // attach() loses the race to an earlier cancellation by resuming with .cancelled.
                guard pending.attach(continuation) else { return }
                if !inbox.submit(pending) {
                    pending.finish(PendingTransfer.cancelledResponse(request, reason: "client shut down"))
                }
            }
        } onCancel: {
            // Before attach: attach() sees the mark. After: the loop aborts it (or it already ended).
            if pending.markCancelled() {
                inbox.cancel(pending)
            }
        }
    }

    /// Transfers attached to the multi handle right now.
    public var transfersInFlight: Int { inbox.inFlight.load(ordering: .relaxed) }

    /// The most transfers ever in flight at once (for tests and metrics).
    public var maxTransfersInFlight: Int { inbox.maxInFlight.load(ordering: .relaxed) }

    /// Aborts everything in flight or queued (each returns `.cancelled`), then joins the thread.
    /// Idempotent; a concurrent second call returns without waiting for the join.
    public func shutdown() {
        guard let handle = thread.withLock({ thread -> LoopThread.Handle? in
            defer { thread = nil }
            return thread
        }) else { return }
        inbox.requestShutdown()
        LoopThread.join(handle)
    }
}
