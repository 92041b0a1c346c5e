/// The crawl's dispatch state: frontier (seen set + per-host queues), admission limits, and the count
/// of URLs in progress. A pure value, mutated only under `Crawler`'s lock; time is passed in.
///
/// A URL is *active* from the moment a fetch slot takes it until its record is written, including
/// while it waits for or sits in the parse pool. Redirect hops go back to the queue, so they are
/// queued, not active, while they wait for their host.
struct CrawlState {
    var scheduler: HostScheduler<FetchJob>
    var seen = SeenSet()
    private(set) var admitted = 0
    let maxPages: Int?
    private(set) var active = 0
    /// Set when dispatching must stop (cancellation, fatal output error).
    private(set) var isStopping = false
    /// URLs that were queued, never started, when dispatching stopped.
    private(set) var droppedAtStop = 0

    init(hostConcurrency: Int, maxPages: Int?) {
        scheduler = HostScheduler(hostConcurrency: hostConcurrency)
        self.maxPages = maxPages
    }

    /// The termination predicate, in one place: the crawl is over when nothing is queued and nothing
    /// is active (in flight, waiting for a parse thread, or being parsed). When stopping, queued work
    /// no longer counts: only what is active must finish.
    var isFinished: Bool {
        active == 0 && (isStopping || scheduler.queuedCount == 0)
    }

    var queued: Int { scheduler.queuedCount }

    /// Whether `--max-pages` still admits URLs.
    var canAdmit: Bool {
        guard let maxPages else { return true }
        return admitted < maxPages
    }

    /// Admits a newly discovered URL unless seen before or over `--max-pages`.
    mutating func admit(_ job: FetchJob, fingerprint: URLFingerprint, now: Duration) -> Bool {
        guard !isStopping, canAdmit, seen.insert(fingerprint) else { return false }
        admitted += 1
        scheduler.enqueue(job, host: job.hostKey, depth: job.depth, now: now)
        return true
    }

    /// The next job a fetch slot may start now, if any. The job becomes active.
    mutating func next(now: Duration) -> FetchJob? {
        guard !isStopping else { return nil }
        switch scheduler.next(now: now) {
        case .item(let job, _):
            active += 1
            return job
        case .wait, .empty:
            return nil
        }
    }

    /// A request ended (its host's concurrency share is free again).
    mutating func requestEnded(host: String, now: Duration) {
        scheduler.complete(host: host, now: now)
    }

    enum RedirectAdmission {
        /// The job left the active set and waits at the target's host.
        case queued
        /// The target was fetched or queued before; the job stays active and must be recorded.
        case alreadySeen
        /// The crawl is stopping; the job stays active and must be recorded.
        case stopping
    }

    /// Follows a redirect: marks the target seen and queues the job at the target's host, ahead of
    /// that host's other work.
    mutating func followRedirect(_ job: FetchJob, target: URLFingerprint, now: Duration) -> RedirectAdmission {
        if isStopping { return .stopping }
        guard seen.insert(target) else { return .alreadySeen }
        active -= 1
        scheduler.enqueuePriority(job, host: job.hostKey, now: now)
        return .queued
    }

    /// A job's record was written.
    mutating func finish() {
        active -= 1
    }

    /// Stops dispatching; returns the jobs that were queued (none of them started).
    mutating func stop() -> [FetchJob] {
        isStopping = true
        let dropped = scheduler.drainAll()
        droppedAtStop += dropped.count
        return dropped
    }
}
