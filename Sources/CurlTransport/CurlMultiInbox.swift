import CCurl
import Synchronization

/// The only part of the multi loop that other threads touch: a lock-protected inbox plus counters.
///
/// Callers append and call `curl_multi_wakeup`, which libcurl documents as callable from any
/// thread. The multi handle pointer lives inside the mutex and is cleared (under the same lock)
/// before the loop calls `curl_multi_cleanup`, so no wakeup can reach a freed handle.
final class CurlMultiInbox: Sendable {
    /// The multi handle as seen from other threads: only `curl_multi_wakeup` is ever called on it,
    /// which libcurl documents as safe from any thread. @unchecked Sendable because a raw pointer is
    /// not Sendable; its lifetime is protected by the inbox mutex (see `close`).
    struct WakeupHandle: @unchecked Sendable {
        let multi: UnsafeMutableRawPointer

        func wake() { _ = curl_multi_wakeup(multi) }
    }

    struct State {
        /// Nil once the loop has closed the multi handle.
        var multi: WakeupHandle?
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

    init(multi: UnsafeMutableRawPointer) {
        state = Mutex(State(multi: WakeupHandle(multi: multi)))
    }

    /// Hands a transfer to the loop. Returns false when the client is shutting down.
    func submit(_ transfer: PendingTransfer) -> Bool {
        state.withLock { state in
            guard let multi = state.multi, !state.shutdownRequested else { return false }
            // A non-empty inbox means a wakeup is already pending since the loop's last drain.
            let needsWakeup = state.isEmpty
            state.starts.append(transfer)
            if needsWakeup { multi.wake() }
            return true
        }
    }

    /// Asks the loop to abort a submitted transfer.
    func cancel(_ transfer: PendingTransfer) {
        state.withLock { state in
            guard let multi = state.multi else { return }
            let needsWakeup = state.isEmpty
            state.cancels.append(transfer)
            if needsWakeup { multi.wake() }
        }
    }

    /// Asks the loop to unpause a transfer whose memory-budget weight was granted. Any thread.
    func resume(_ transfer: PendingTransfer) {
        state.withLock { state in
            guard let multi = state.multi else { return }
            let needsWakeup = state.isEmpty
            state.resumes.append(transfer)
            if needsWakeup { multi.wake() }
        }
    }

    /// Asks the loop to cancel everything and exit. Idempotent.
    func requestShutdown() {
        state.withLock { state in
            state.shutdownRequested = true
            state.multi?.wake()
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

    /// Loop thread, at exit: forgets the multi handle so no later call can wake a freed handle, and
    /// returns whatever was submitted since the last drain.
    func close() -> [PendingTransfer] {
        state.withLock { state in
            state.multi = nil
            state.shutdownRequested = true
            defer { state.starts = []; state.cancels = []; state.resumes = [] }
            return state.starts
        }
    }
}
