import CrawlURL
import RobotsTxt

/// The crawl's dispatch state: frontier (seen set + per-host queues in the scheduler), politeness
/// (robots.txt, throttling), admission limits, and the count of URLs in progress. A pure value,
/// mutated only under `Crawler`'s lock; time is passed in.
///
/// A URL is *active* from the moment a fetch slot takes it until its record is written, including
/// while it waits for or sits in the parse pool. Redirect hops and retries go back to the queue, so
/// they are queued, not active, while they wait for their host. A host's robots.txt fetch is a queued
/// or active job too, so the termination predicate covers it.
struct CrawlState {
    var scheduler: HostScheduler<QueuedJob>
    var seen = SeenSet()
    /// The bytes of queued URLs (see `QueuedJob`).
    private var paths = PathArena()
    private(set) var politeness: HostPoliteness
    private(set) var admitted = 0
    let maxPages: Int?
    private(set) var active = 0
    /// Set when dispatching must stop (cancellation, fatal output error).
    private(set) var isStopping = false
    /// URLs that were queued, never started, when dispatching stopped.
    private(set) var droppedAtStop = 0
    /// Hosts cancelled by their error budget: nothing more is fetched from them.
    private(set) var cancelledHosts: Set<String> = []
    /// The durable part of the frontier (`--state`); nil when the crawl keeps no state.
    var store: StoreQueue?

    /// `--max-pages-per-host`, and the URLs admitted per host so far (only kept when there is a limit).
    let maxPagesPerHost: Int?
    private var admittedPerHost: [String: Int] = [:]

    init(
        hostConcurrency: Int, maxPages: Int?, maxPagesPerHost: Int? = nil,
        politeness settings: PolitenessSettings = .unlimited, resume: ResumePlan? = nil
    ) {
        scheduler = HostScheduler(hostConcurrency: hostConcurrency, rate: settings.hostRate, burst: settings.hostBurst)
        politeness = HostPoliteness(settings: settings)
        self.maxPages = maxPages
        self.maxPagesPerHost = maxPagesPerHost
        if let resume {
            seen = resume.seen
            store = StoreQueue(plan: resume)
            if settings.obeyRobots {
                for cached in resume.robots {
                    let rules = RobotsTxt(parsing: cached.body).rules(for: settings.robotsUserAgent)
                    let fetchedAt = Duration.milliseconds(-max(0, cached.ageMs))
                    if politeness.robotsFetched(host: cached.host, rules: rules, now: fetchedAt) {
                        applyRate(host: cached.host, now: .zero)
                    }
                }
            }
        }
    }

    /// The termination predicate, in one place: the crawl is over when nothing is queued and nothing
    /// is active (in flight, waiting for a parse thread, or being parsed). When stopping, queued work
    /// no longer counts: only what is active must finish.
    var isFinished: Bool {
        active == 0 && (isStopping || (scheduler.queuedCount == 0 && !(store?.hasWork(canAdmit: canAdmit) ?? false)))
    }

    /// URLs queued in memory and, with `--state`, waiting in the store.
    var queued: Int { scheduler.queuedCount + (store?.pending ?? 0) }

    /// Whether `--max-pages` still admits URLs.
    var canAdmit: Bool {
        guard let maxPages else { return true }
        return admitted < maxPages
    }

    enum Admission {
        case queued
        /// Seen before, over `--max-pages`, or stopping: nothing to do.
        case rejected
        /// Its host reached `--max-pages-per-host` (with `--state` it waits for the next run).
        case overHostLimit
        /// Admitted, and already decided without a fetch (e.g. robots.txt disallows it): the job is
        /// active and must be recorded with this outcome.
        case record(FetchJob, Outcome)
    }

    /// Admits a newly discovered URL unless seen before or over `--max-pages`.
    mutating func admit(_ job: FetchJob, fingerprint: URLFingerprint, now: Duration) -> Admission {
        if store != nil, isStopping || !canAdmit {
            // With --state nothing found is lost: a URL this run will not fetch waits for the next.
            if seen.insert(fingerprint) { store?.keepForNextRun(job) }
            return .rejected
        }
        if maxPagesPerHost != nil, !isStopping, canAdmit, !seen.contains(fingerprint), !takeHostSlot(job) {
            if store != nil, seen.insert(fingerprint) { store?.keepForNextRun(job) }
            return .overHostLimit
        }
        guard !isStopping, canAdmit, seen.insert(fingerprint) else { return .rejected }
        admitted += 1
        let queued = scheduler.queuedCount
        if store?.admit(job, memoryQueued: queued) == true {
            return .queued  // waits in the store; decided (robots, host state) when read back
        }
        return place(job, now: now)
    }

    /// Counts the job against its host's `--max-pages-per-host`; false when the host is full.
    private mutating func takeHostSlot(_ job: FetchJob) -> Bool {
        guard let maxPagesPerHost else { return true }
        let host = job.hostKey
        let count = admittedPerHost[host, default: 0]
        guard count < maxPagesPerHost else { return false }
        admittedPerHost[host] = count + 1
        return true
    }

    /// Admits a job that is decided already (a seed refused by a link limit): returns false if it
    /// was seen before; otherwise it counts as admitted and is active until recorded.
    mutating func admitDecided(_ job: FetchJob, fingerprint: URLFingerprint) -> Bool {
        guard seen.insert(fingerprint) else { return false }
        admitted += 1
        active += 1
        return true
    }

    /// Queues an admitted job, or decides it at once (its host was cancelled, robots.txt refuses it).
    private mutating func place(_ job: FetchJob, now: Duration) -> Admission {
        var job = job
        job.queuedAt = now
        let host = job.hostKey
        if cancelledHosts.contains(host) {
            active += 1
            return .record(job, .errorBudgetExhausted)
        }
        switch politeness.verdict(host: host, path: job.current.requestTarget, now: now) {
        case .refused(let outcome):
            active += 1
            return .record(job, outcome)
        case .needsRobots:
            enqueueRobots(for: job.current, now: now)
        case .allowed, .pending:
            break
        }
        scheduler.enqueue(QueuedJob(job, hostKey: host, paths: &paths), host: host, depth: job.depth, now: now)
        return .queued
    }

    /// URLs read back from the store (`--state`), in queue order. URLs of earlier runs count for
    /// `--max-pages` now (those over the limit stay in the store); this run's were counted when admitted.
    /// Returns the jobs decided at once, to record (each is active).
    mutating func restore(_ jobs: [RestoredJob], now: Duration) -> [(FetchJob, Outcome)] {
        guard var store else { return [] }
        store.loading = false
        var decided: [(FetchJob, Outcome)] = []
        for restored in jobs {
            let (job, cursor, excluded) = (restored.job, restored.cursor, restored.excluded)
            store.cursor = max(store.cursor, cursor)
            let counted = cursor.sequence >= store.firstSequence
            if counted {
                // Past the URLs this run spilled come those it keeps for the next run: skipped.
                guard store.spilledPending > 0 else { continue }
                store.spilledPending -= 1
            } else {
                store.earlierPending -= 1
            }
            guard let job else { continue }  // no longer parses: skipped
            if isStopping {
                droppedAtStop += 1  // stays queued in the store for the next run
                continue
            }
            if !counted {
                guard canAdmit else { continue }  // over --max-pages: stays queued in the store
                if excluded {
                    // Left out by this run's --include/--exclude: recorded (one of this run's URLs,
                    // as a refused seed is), not fetched, so the host's page cap is not spent on it.
                    // (This run's own spilled URLs passed its filter when admitted.)
                    admitted += 1
                    active += 1
                    decided.append((job, .excluded))
                    continue
                }
                guard takeHostSlot(job) else { continue }  // over --max-pages-per-host: likewise
                admitted += 1
            }
            if case .record(let job, let outcome) = place(job, now: now) { decided.append((job, outcome)) }
        }
        if jobs.isEmpty {
            // The store has nothing more after the cursor: whatever the counts say, nothing waits.
            store.spilledPending = 0
            store.earlierPending = 0
        }
        store.spilledPending = max(0, store.spilledPending)
        store.earlierPending = max(0, store.earlierPending)
        self.store = store
        return decided
    }

    /// With `--state`: starts a read from the store when the memory queue runs low.
    mutating func storeLoadDue() -> QueueCursor? {
        guard !isStopping else { return nil }
        let queued = scheduler.queuedCount, canAdmit = canAdmit
        return store?.loadIfNeeded(memoryQueued: queued, canAdmit: canAdmit)
    }

    /// Admissions to hand to the journal (emptied).
    mutating func takeJournalBacklog() -> [JournalAdmission] {
        guard store?.backlog.isEmpty == false else { return [] }
        defer { store?.backlog.removeAll(keepingCapacity: true) }
        return store?.backlog ?? []
    }

    enum Next {
        case job(FetchJob)
        /// Work is queued, but its hosts may not start before this instant.
        case wait(until: Duration)
        case none
    }

    /// The next job a fetch slot may start now, if any. The job becomes active.
    mutating func next(now: Duration) -> Next {
        guard !isStopping else { return .none }
        switch scheduler.next(now: now) {
        case .item(let queued, let host, let readyAt):
            active += 1
            var job = queued.job(hostKey: host)
            job.rateWait += max(.zero, min(now, readyAt) - job.queuedAt)
            job.reportsStart = scheduler.awaitsStart(host: host)
            return .job(job)
        case .wait(let until):
            return .wait(until: until)
        case .empty:
            return .none
        }
    }

    /// A request handed out for a rate-limited host has started.
    mutating func requestStarted(host: String, now: Duration) {
        scheduler.requestStarted(host: host, now: now)
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
        /// The target may not be fetched (robots.txt); the job stays active and must be recorded.
        case refused(Outcome)
    }

    /// Follows a redirect: marks the target seen and queues the job at the target's host, ahead of
    /// that host's other work, behind the host's robots.txt when it is not known yet.
    /// `ownTarget`: a re-fetch following the redirect it followed last time (the target is seen as
    /// this URL's alias, not as a URL of its own).
    mutating func followRedirect(_ job: FetchJob, target: URLFingerprint, ownTarget: Bool = false, now: Duration) -> RedirectAdmission {
        if isStopping { return .stopping }
        guard seen.insert(target) || ownTarget else { return .alreadySeen }
        var job = job
        job.queuedAt = now
        if cancelledHosts.contains(job.hostKey) { return .refused(.errorBudgetExhausted) }
        switch politeness.verdict(host: job.hostKey, path: job.current.requestTarget, now: now) {
        case .refused(let outcome):
            return .refused(outcome)
        case .needsRobots:
            enqueueRobots(for: job.current, now: now)
        case .allowed, .pending:
            break
        }
        active -= 1
        let host = job.hostKey
        scheduler.enqueuePriority(QueuedJob(job, hostKey: host, paths: &paths), host: host, now: now)
        return .queued
    }

    /// Queues a job again at its host, ahead of the host's other work (a retry). Returns false when
    /// stopping (the job stays active and must be recorded).
    mutating func retry(_ job: FetchJob, now: Duration) -> Bool {
        if isStopping || cancelledHosts.contains(job.hostKey) { return false }
        var job = job
        job.queuedAt = now
        active -= 1
        let host = job.hostKey
        scheduler.enqueuePriority(QueuedJob(job, hostKey: host, paths: &paths), host: host, now: now)
        return true
    }

    /// Delays a host's next start by `delay` (backoff after a transient failure).
    mutating func delayHost(_ host: String, by delay: Duration, now: Duration) {
        scheduler.delay(host: host, until: now + delay, now: now)
    }

    /// A 429 or 503: lowers the host's rate and delays it. Returns the delay imposed.
    mutating func throttled(host: String, retryAfter: Duration?, jitter: Double, now: Duration) -> Duration {
        let wait = politeness.throttled(host: host, retryAfter: retryAfter, jitter: jitter)
        applyRate(host: host, now: now)
        scheduler.delay(host: host, until: now + wait, now: now)
        return wait
    }

    /// A successful answer: a throttled host's rate recovers a little.
    mutating func succeeded(host: String, now: Duration) {
        if politeness.succeeded(host: host) { applyRate(host: host, now: now) }
    }

    func backoff(attempt: Int, jitter: Double) -> Duration {
        politeness.backoff(attempt: attempt, jitter: jitter)
    }

    // MARK: - robots.txt

    enum RobotsResult {
        case rules(RobotsRules)
        /// 5xx, 429 or a network failure. `throttled`: the answer was 429 or 503, which slows the
        /// host as a page's does, and whose `Retry-After` (if any) says when to ask again.
        case unreachable(throttled: Bool = false, retryAfter: Duration? = nil)
        /// The fetch was cancelled (the crawl is stopping).
        case cancelled
    }

    /// The robots.txt fetch of `host` ended. Returns the jobs that are now decided without a fetch
    /// (disallowed, or the host was given up); each is active and must be recorded.
    mutating func robotsResolved(host: String, robotsJob: FetchJob, result: RobotsResult, jitter: Double, now: Duration) -> [(FetchJob, Outcome)] {
        active -= 1  // the robots job itself
        if isStopping { return [] }
        switch result {
        case .rules(let rules):
            guard politeness.robotsFetched(host: host, rules: rules, now: now) else {
                return dropHost(host, outcome: .crawlDelayTooLong, now: now)
            }
            applyRate(host: host, now: now)
            let refused = scheduler.removeQueued(host: host, now: now) { !rules.isAllowed(path: $0.requestTarget(hostKey: host)) }
            scheduler.openGate(host: host, now: now)
            active += refused.count
            return refused.map { ($0.job(hostKey: host), .robotsDisallowed) }
        case .unreachable, .cancelled:
            if case .unreachable(let throttled, let retryAfter) = result, let backoff = politeness.robotsFailed(host: host, jitter: jitter) {
                // Try again later; the host stays gated meanwhile (RFC 9309: disallow all until then).
                var again = robotsJob
                again.queuedAt = now
                scheduler.enqueueGate(QueuedJob(again, hostKey: host, paths: &paths), host: host, now: now)
                // A 429 or 503 lowers the host's rate and waits its Retry-After (capped), as for a page.
                let wait = throttled ? self.throttled(host: host, retryAfter: retryAfter, jitter: jitter, now: now) : backoff
                scheduler.delay(host: host, until: now + wait, now: now)
                return []
            }
            return dropHost(host, outcome: .robotsUnreachable, now: now)
        }
    }

    /// Decides every queued job of a host that will not be crawled.
    private mutating func dropHost(_ host: String, outcome: Outcome, now: Duration) -> [(FetchJob, Outcome)] {
        let dropped = scheduler.removeQueued(host: host, now: now) { _ in true }
        scheduler.openGate(host: host, now: now)
        active += dropped.count
        return dropped.map { ($0.job(hostKey: host), outcome) }
    }

    private mutating func enqueueRobots(for url: WebURL, now: Duration) {
        guard var robots = FetchJob.robots(for: url) else { return }
        robots.queuedAt = now
        let host = url.hostKey
        scheduler.enqueueGate(QueuedJob(robots, hostKey: host, paths: &paths), host: host, now: now)
    }

    private mutating func applyRate(host: String, now: Duration) {
        let (rate, burst) = politeness.rate(host: host)
        scheduler.setRate(host: host, rate: rate, burst: burst, now: now)
    }

    // MARK: - Ending

    /// Cancels a host (its error budget is spent): its queued URLs are decided now, and URLs found for
    /// it later are decided at admission. Returns the page jobs to record (each is now active).
    mutating func cancelHost(_ host: String, now: Duration) -> [(FetchJob, Outcome)] {
        guard cancelledHosts.insert(host).inserted else { return [] }
        let pages = scheduler.drain(host: host, now: now).filter { $0.kind == .page }.map { $0.job(hostKey: host) }
        active += pages.count
        return pages.map { ($0, .errorBudgetExhausted) }
    }

    /// A job's record was written.
    mutating func finish() {
        active -= 1
    }

    /// Stops dispatching; returns the jobs that were queued (none of them started).
    mutating func stop() -> [FetchJob] {
        isStopping = true
        let dropped = scheduler.drainAll()
        droppedAtStop += dropped.filter { $0.item.kind == .page }.count
        return dropped.map { $0.item.job(hostKey: $0.host) }
    }

    /// URLs left in the store when the crawl stopped (they are fetched by the next run).
    var storePending: Int { store?.pending ?? 0 }
}

