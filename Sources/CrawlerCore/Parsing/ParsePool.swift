import DequeModule
import Foundation

/// A fixed pool of parse threads fed through a bounded queue.
///
/// Parsing is CPU-bound C work (libxml2), so it runs on dedicated threads, never on Swift's cooperative
/// pool (which has only as many threads as cores and also runs the fetch workers). The queue is
/// bounded: when parsing falls behind, `submit` suspends the fetch worker that calls it, so fetching
/// slows down instead of memory growing.
final class ParsePool<Work: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: every mutable field below is read and written only while `condition` is
    // locked; threads and async callers synchronise through it.
    private let condition = NSCondition()
    private var queue = Deque<Work>()
    private var submitWaiters = Deque<(Work, CheckedContinuation<Void, Never>)>()
    private var isClosed = false
    private var runningThreads = 0
    private var closeWaiter: CheckedContinuation<Void, Never>?
    private var busy = 0
    private var maxBusyObserved = 0

    let workers: Int
    let capacity: Int

    init(workers: Int, capacity: Int) {
        self.workers = max(1, workers)
        self.capacity = max(1, capacity)
    }

    /// The most documents parsed at the same moment so far.
    var maxBusy: Int {
        condition.lock()
        defer { condition.unlock() }
        return maxBusyObserved
    }

    /// Starts the threads. Each makes its own context with `makeContext` (a parser, which is
    /// thread-confined, and what else the thread keeps) and runs `process` for every submitted item.
    func start<Context>(makeContext: @escaping @Sendable () -> Context, process: @escaping @Sendable (Work, Context) -> Void) {
        condition.lock()
        runningThreads = workers
        condition.unlock()
        for index in 0..<workers {
            let thread = Thread { [self] in
                // Named from inside: Foundation on Linux drops a name set before `start` (`top -H`
                // and `perf` showed these threads as "com.apple.root.default-qos").
                Thread.current.name = "crawl-parse-\(index)"
                let context = makeContext()
                while let work = take() {
                    process(work, context)
                    condition.lock()
                    busy -= 1
                    condition.unlock()
                }
            }
            // libxml2 recursion on hostile markup wants more than the 512 KiB default of secondary threads.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Queues a document, suspending while the queue is full.
    func submit(_ work: Work) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if queue.count < capacity {
                queue.append(work)
                condition.signal()
                condition.unlock()
                continuation.resume()
            } else {
                submitWaiters.append((work, continuation))
                condition.unlock()
            }
        }
    }

    /// No more submissions: the threads finish what is queued, then exit. Returns when all have.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            isClosed = true
            condition.broadcast()
            if runningThreads == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                closeWaiter = continuation
                condition.unlock()
            }
        }
    }

    /// Blocks the calling parse thread until there is work; nil when closed and drained.
    private func take() -> Work? {
        condition.lock()
        while queue.isEmpty && submitWaiters.isEmpty && !isClosed {
            condition.wait()
        }
        guard let work = queue.popFirst() ?? admitWaiter() else {
            runningThreads -= 1
            let waiter = runningThreads == 0 ? closeWaiter : nil
            if waiter != nil { closeWaiter = nil }
            condition.unlock()
            waiter?.resume()
            return nil
        }
        busy += 1
        maxBusyObserved = max(maxBusyObserved, busy)
        // A slot was freed: let one suspended submitter in.
        let released = admitWaiterIntoQueue()
        condition.unlock()
        released?.resume()
        return work
    }

    /// Takes a waiting submitter's work directly (queue empty). Caller holds the lock.
    private func admitWaiter() -> Work? {
        guard let (work, continuation) = submitWaiters.popFirst() else { return nil }
        // Resuming under the lock is safe: resume only schedules the task, it does not run it here.
        continuation.resume()
        return work
    }

    /// Moves one waiting submitter's work into the queue; returns its continuation to resume after
    /// unlocking. Caller holds the lock.
    private func admitWaiterIntoQueue() -> CheckedContinuation<Void, Never>? {
        guard queue.count < capacity, let (work, continuation) = submitWaiters.popFirst() else { return nil }
        queue.append(work)
        condition.signal()
        return continuation
    }
}
