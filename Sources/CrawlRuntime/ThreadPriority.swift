import CSupport

/// The calling thread's scheduling priority (its nice value; Linux gives each thread its own).
public enum ThreadPriority {
    /// Adds `steps` to the calling thread's nice value: positive lowers its priority (always allowed),
    /// negative raises it (needs root, CAP_SYS_NICE or RLIMIT_NICE). Returns false when refused.
    @discardableResult
    public static func renice(by steps: Int) -> Bool {
        crawl_renice_current_thread(Int32(clamping: steps)) == 0
    }

    /// Makes the calling thread a batch thread (Linux's SCHED_BATCH; its nice value is kept): when it
    /// wakes, it waits for the running thread's turn to end instead of preempting it. Needs no
    /// privilege. Returns false when refused or not available (not Linux).
    @discardableResult
    public static func runAsBatch() -> Bool {
        crawl_make_current_thread_batch() == 0
    }
}
