import Synchronization

/// Where the caller's task and the multi thread meet for one transfer.
///
/// The state machine resolves the race between submission and task cancellation (the same problem
/// async-http-client's `TransactionCancelHandler` solves): `onCancel` may run before, during or
/// after the continuation is handed over, on any thread. Every path resumes the continuation
/// exactly once.
final class PendingTransfer: Sendable {
    let request: TransferRequest

    private enum State {
        /// Created; the continuation does not exist yet.
        case idle
        /// The continuation is attached and the transfer was (or is about to be) given to the loop.
        case submitted(CheckedContinuation<TransferResponse, Never>)
        /// The task was cancelled before the continuation was attached.
        case cancelledBeforeSubmit
        /// The continuation was resumed.
        case finished
    }

    /// Protects `state`; touched by the caller's task, its cancellation handler and the loop thread.
    private let state = Mutex<State>(.idle)

    init(request: TransferRequest) {
        self.request = request
    }

    /// Attaches the caller's continuation. Returns false when the task was already cancelled: the
    /// continuation has then been resumed with `.cancelled` and the transfer must not be submitted.
    func attach(_ continuation: CheckedContinuation<TransferResponse, Never>) -> Bool {
        let proceed = state.withLock { state -> Bool in
            switch state {
            case .idle:
                state = .submitted(continuation)
                return true
            case .cancelledBeforeSubmit:
                state = .finished
                return false
            case .submitted, .finished:
                return false  // attach is called once per transfer; never replace a continuation
            }
        }
        if !proceed {
            continuation.resume(returning: Self.cancelledResponse(request, reason: "task cancelled before the transfer started"))
        }
        return proceed
    }

    /// Records a cancellation. Returns true when the transfer is with the loop, which must abort it.
    func markCancelled() -> Bool {
        state.withLock { state -> Bool in
            switch state {
            case .idle:
                state = .cancelledBeforeSubmit
                return false
            case .submitted:
                return true
            case .cancelledBeforeSubmit, .finished:
                return false
            }
        }
    }

    /// Resumes the caller with `response`; later calls do nothing.
    func finish(_ response: TransferResponse) {
        let continuation = state.withLock { state -> CheckedContinuation<TransferResponse, Never>? in
            guard case .submitted(let continuation) = state else { return nil }
            state = .finished
            return continuation
        }
        continuation?.resume(returning: response)
    }

    /// True once the caller has been resumed (the loop skips such entries in its wait queue).
    var isFinished: Bool {
        state.withLock { state in
            if case .finished = state { return true }
            return false
        }
    }

    static func cancelledResponse(_ request: TransferRequest, reason: String) -> TransferResponse {
        TransferResponse(effectiveURL: request.url, error: TransferError(code: .cancelled, message: reason))
    }
}
