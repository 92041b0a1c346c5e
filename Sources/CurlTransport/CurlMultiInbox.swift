import CSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only part of the multi loop that other threads touch: a lock-protected inbox plus counters.
///
/// Callers append and wake the loop's poller (`crawl_poller_wake`, safe from any thread). The poller
/// pointer lives inside the mutex and is cleared (under the same lock) before the loop destroys the
/// poller, so no wake-up can reach a freed one. Tasks running on the loop thread (`CurlLoopExecutor`)
/// post here too, without a wake-up: the loop checks the inbox again before it waits.
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
        /// Task jobs enqueued on the loop's executor (`CurlLoopExecutor`), run at the top of each turn.
        var jobs: [UnownedJob] = []
        var shutdownRequested = false

        var isEmpty: Bool { starts.isEmpty && cancels.isEmpty && resumes.isEmpty && jobs.isEmpty }
    }

    private let state: Mutex<State>

    /// Transfers added to the multi handle right now (written by the loop thread only).
    let inFlight = Atomic<Int>(0)
    /// High-water mark of `inFlight`.
    let maxInFlight = Atomic<Int>(0)

    /// The loop thread's id while it runs (0 before and after): a post from the loop thread itself
    /// needs no wake-up, since the loop checks the inbox again before it waits (`hasWork`).
    private let loopThread = Atomic<UInt>(0)

    init(poller: OpaquePointer) {
        state = Mutex(State(waker: WakeupHandle(poller: poller)))
    }

    /// Loop thread, at start.
    func loopThreadStarted() {
        loopThread.store(Self.currentThread, ordering: .relaxed)
    }

    private static var currentThread: UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }

    /// Appends under the lock, and wakes the loop when the inbox was empty (a non-empty one already has
    /// a wake-up pending since the loop's last drain) and the poster is not the loop thread itself.
    /// Returns false, appending nothing, once the loop has closed, or when `refusedOnShutdown` and
    /// shutdown was requested.
    private func post(refusedOnShutdown: Bool = false, _ append: (inout State) -> Void) -> Bool {
        state.withLock { state in
            guard let waker = state.waker, !(refusedOnShutdown && state.shutdownRequested) else { return false }
            let wasEmpty = state.isEmpty
            append(&state)
            if wasEmpty, loopThread.load(ordering: .relaxed) != Self.currentThread { waker.wake() }
            return true
        }
    }

    /// Queues a task job to run on the loop thread. Returns false once the loop has closed (the
    /// caller then runs it elsewhere).
    func enqueue(_ job: UnownedJob) -> Bool {
        post { $0.jobs.append(job) }
    }

    /// Loop thread, before it waits: whether anything was posted since the last drain.
    var hasWork: Bool {
        state.withLock { !$0.isEmpty }
    }

    /// Hands a transfer to the loop. Returns false when the client is shutting down.
    func submit(_ transfer: PendingTransfer) -> Bool {
        post(refusedOnShutdown: true) { $0.starts.append(transfer) }
    }

    /// Asks the loop to abort a submitted transfer.
    func cancel(_ transfer: PendingTransfer) {
        _ = post { $0.cancels.append(transfer) }
    }

    /// Asks the loop to unpause a transfer whose memory-budget weight was granted. Any thread.
    func resume(_ transfer: PendingTransfer) {
        _ = post { $0.resumes.append(transfer) }
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
    func drain(
        starts: inout [PendingTransfer], cancels: inout [PendingTransfer], resumes: inout [PendingTransfer], jobs: inout [UnownedJob]
    ) -> Bool {
        state.withLock { state in
            swap(&state.jobs, &jobs)
            swap(&state.starts, &starts)
            swap(&state.cancels, &cancels)
            swap(&state.resumes, &resumes)
            return state.shutdownRequested
        }
    }

    /// Loop thread, at exit: forgets the poller so no later call can wake a freed one (later posts
    /// are refused), and returns the transfers and jobs posted since the last drain.
    func close() -> (starts: [PendingTransfer], jobs: [UnownedJob]) {
        // A later thread may get this thread's id; it must not be taken for the loop.
        loopThread.store(0, ordering: .relaxed)
        return state.withLock { state in
            state.waker = nil
            state.shutdownRequested = true
            defer { state.starts = []; state.cancels = []; state.resumes = []; state.jobs = [] }
            return (state.starts, state.jobs)
        }
    }
}
