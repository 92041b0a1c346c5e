/// A task executor whose jobs run on the curl loop thread, between its turns.
///
/// A task that prefers it (`withTaskExecutorPreference`) and awaits a transfer is resumed by the
/// loop on the loop's own thread when the transfer completes: no hand-off to another thread and no
/// wake-up of a sleeping one, and the next transfer it submits reaches the inbox without waking the
/// loop either. Such tasks must not block: every transfer waits while a job runs. The crawl's fetch
/// workers keep to short steps between transfers (a lock, a record, a robots.txt parse of at most
/// 500 KiB); the one wait they can meet is the output writer's back-pressure when the disk stalls,
/// which then holds the transfers as it would hold the parsing.
public final class CurlLoopExecutor: TaskExecutor {
    private let inbox: CurlMultiInbox

    init(inbox: CurlMultiInbox) {
        self.inbox = inbox
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !inbox.enqueue(job) {
            // The loop has exited: the task runs on the global pool rather than never.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}
