import CSupport

/// The calling thread's scheduling priority (its nice value; Linux gives each thread its own).
public enum ThreadPriority {
    /// Adds `steps` to the calling thread's nice value: positive lowers its priority (always allowed),
    /// negative raises it (needs root, CAP_SYS_NICE or RLIMIT_NICE). Returns false when refused.
    @discardableResult
    public static func renice(by steps: Int) -> Bool {
        crawl_renice_current_thread(Int32(clamping: steps)) == 0
    }
}
