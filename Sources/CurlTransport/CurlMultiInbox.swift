import CSupport
import Synchronization

/// The only part of the multi loop that other threads touch: a lock-protected inbox plus counters.
///
/// Callers append and wake the loop's poller (`crawl_poller_wake`, safe from any thread). The poller
/// pointer lives inside the mutex and is cleared (under the same lock) before the loop destroys the
/// poller, so no wake-up can reach a freed one.
final class CurlMultiInbox: Sendable {
    /// The loop's poller as seen from other threads: only `crawl_poller_wake` is ever called on it.
    /// @unchecked Sendable because a raw pointer is not Sendable; its lifetime is protected by the
    /// inbox mutex (see `close`).
    struct WakeupHandle: @unchecked Sendable {
        let poller: OpaquePointer

        func wake() { crawl_poller_wake(poller) }
    }

    struct State {
        /// Nil once the loop has closed (it then destroys the poller).
        var waker: WakeupHandle?
        var starts: [PendingTransfer] = []
        var cancels: [PendingTransfer] = []
        /// Paused transfers whose memory-budget weight was granted: to be unpaused.
        var resumes: [PendingTransfer] = []
        var shutdownRequested = false

        var isEmpty: Bool { starts.isEmpty && cancels.isEmpty && resumes.isEmpty }
    }

    private let state: Mutex<State>

    /// Transfers added to the multi handle right now (written by the loop thread only).
    let inFlight = Atomic<Int>(0)
    /// High-water mark of `inFlight`.
    let maxInFlight = Atomic<Int>(0)

    init(poller: OpaquePointer) {
        state = Mutex(State(waker: WakeupHandle(poller: poller)))
    }

    /// Hands a transfer to the loop. Returns false when the client is shutting down.
    func submit(_ transfer: PendingTransfer) -> Bool {
        state.withLock { state in
            guard let waker = state.waker, !state.shutdownRequested else { return false }
            // A non-empty inbox means a wakeup is already pending since the loop's last drain.
            let needsWakeup = state.isEmpty
            state.starts.append(transfer)
            if needsWakeup { waker.wake() }
            return true
        }
    }

    /// Asks the loop to abort a submitted transfer.
    func cancel(_ transfer: PendingTransfer) {
        state.withLock { state in
            guard let waker = state.waker else { return }
            let needsWakeup = state.isEmpty
            state.cancels.append(transfer)
            if needsWakeup { waker.wake() }
        }
    }

    /// Asks the loop to unpause a transfer whose memory-budget weight was granted. Any thread.
    func resume(_ transfer: PendingTransfer) {
        state.withLock { state in
            guard let waker = state.waker else { return }
            let needsWakeup = state.isEmpty
            state.resumes.append(transfer)
            if needsWakeup { waker.wake() }
        }
    }

    /// Asks the loop to cancel everything and exit. Idempotent.
    func requestShutdown() {
        state.withLock { state in
            state.shutdownRequested = true
            state.waker?.wake()
        }
    }

    /// Loop thread: moves pending work into the caller's (empty) arrays, reusing their storage.
    /// Returns true when shutdown was requested.
    func drain(starts: inout [PendingTransfer], cancels: inout [PendingTransfer], resumes: inout [PendingTransfer]) -> Bool {
        state.withLock { state in
            swap(&state.starts, &starts)
            swap(&state.cancels, &cancels)
            swap(&state.resumes, &resumes)
            return state.shutdownRequested
        }
    }

    /// Loop thread, at exit: forgets the poller so no later call can wake a freed one, and
    /// returns whatever was submitted since the last drain.
    func close() -> [PendingTransfer] {
        state.withLock { state in
            state.waker = nil
            state.shutdownRequested = true
            defer { state.starts = []; state.cancels = []; state.resumes = [] }
            return state.starts
        }
    }
}
