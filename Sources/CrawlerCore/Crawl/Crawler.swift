import CrawlURL
import DequeModule
import Synchronization

/// Runs one crawl: a fixed pool of fetch workers takes URLs from the frontier through the host
/// scheduler, hands HTML to the parse pool, and every URL ends in exactly one record.
///
/// Structure: `run()` is the root of the crawl's task tree; it starts `concurrency` fetch workers as
/// child tasks, each looping "take a job whose host may start now, fetch it, dispose of the result".
/// All dispatch state lives in one `CrawlState` value behind a mutex: every change goes through
/// `update`, which also hands freed-up work to waiting workers and resumes them outside the lock.
/// Parse threads call the same `update` when they admit links, so no actor hop is needed per page.
/// When queued work exists but no host may start yet (rate limits, Crawl-delay, backoff), a timer
/// wakes the dispatcher at the earliest instant a host becomes ready; no worker sleeps holding a slot.
public final class Crawler: Sendable {
    struct ParseWork: Sendable {
        var job: FetchJob
        var response: FetchResponse
    }

    struct Dispatch {
        var state: CrawlState
        var waiters = Deque<(id: UInt64, continuation: CheckedContinuation<FetchJob?, Never>)>()
        var fetchesInFlight = 0
        var maxFetchesInFlight = 0
        var stopReason: StopReason?
        var statistics = CrawlStatistics()
        var budget: ErrorBudget
        var budgetDetail: String?
        /// Hosts (scheme://host:port) with at least one record, to tell when every host was cancelled.
        var hostsRecorded: Set<String> = []
        /// Why each host's robots.txt was unreachable (its last attempt: `tls_error: SSL certificate
        /// problem ...`, `HTTP 503`), for the records of its URLs.
        var robotsFailureReasons: [String: String] = [:]
        /// The first URL recorded with each body hash, to mark later identical pages (`duplicate_of`).
        var firstURLs = FirstURLIndex()
        /// The instant the armed timer fires, if one is armed.
        var timerDeadline: Duration?
        var timers: [UInt64: Task<Void, Never>] = [:]
        var nextTimerID: UInt64 = 0

        /// A job was handed to a worker: one more fetch in flight.
        mutating func fetchStarted() {
            fetchesInFlight += 1
            maxFetchesInFlight = max(maxFetchesInFlight, fetchesInFlight)
        }

        /// Pairs waiting workers with jobs that may start now; when the crawl is over (or stopping),
        /// releases every waiter with nil. Returns the continuations to resume outside the lock, and
        /// the instant a timer must wake the dispatcher, if waiters remain for work not yet ready.
        mutating func matchWaiters(now: Duration) -> ([(CheckedContinuation<FetchJob?, Never>, FetchJob?)], Duration?) {
            var resumptions: [(CheckedContinuation<FetchJob?, Never>, FetchJob?)] = []
            var wakeAt: Duration?
            matching: while !waiters.isEmpty {
                switch state.next(now: now) {
                case .job(let job):
                    fetchStarted()
                    resumptions.append((waiters.removeFirst().continuation, job))
                case .wait(let until):
                    wakeAt = until
                    break matching
                case .none:
                    break matching
                }
            }
            if state.isFinished || state.isStopping {
                while let waiter = waiters.popFirst() {
                    resumptions.append((waiter.continuation, nil))
                }
                wakeAt = nil
            }
            if let wake = wakeAt, let armed = timerDeadline, armed <= wake { wakeAt = nil }
            if let wakeAt { timerDeadline = wakeAt }
            return (resumptions, wakeAt)
        }

        /// With `--state`: hands this update's admissions to the journal (under the lock, so that no
        /// record of a URL can reach the journal before its admission), and says whether a read from
        /// the store must start.
        mutating func syncStore() -> QueueCursor? {
            guard let store = state.store else { return nil }
            let backlog = state.takeJournalBacklog()
            if !backlog.isEmpty { store.journal.admitted(backlog) }
            return state.storeLoadDue()
        }
    }

    let configuration: CrawlConfiguration
    let fetcher: any Fetcher
    private let makeParser: PageParserFactory
    let sink: any RecordSink
    let clock: any CrawlClock
    let scope: CrawlScope
    let dispatch: Mutex<Dispatch>
    private let waiterIDs = Atomic<UInt64>(0)
    let fetchIDs = Atomic<UInt64>(0)
    /// Fetches in flight, so a cancelled host's (or, on a hard stop, every) transfer can be aborted.
    let fetchRegistry = FetchRegistry()
    private let parsePool: ParsePool<ParseWork>
    /// The durable state's journal (`--state`), nil when the crawl keeps no state.
    let journal: (any CrawlJournal)?

    /// `resume`: with durable state, what earlier runs left and where to journal this run.
    public init(
        configuration: CrawlConfiguration, fetcher: any Fetcher, makeParser: @escaping PageParserFactory,
        sink: any RecordSink, clock: any CrawlClock = SystemCrawlClock(), resume: ResumePlan? = nil
    ) {
        journal = resume?.journal
        self.configuration = configuration
        self.fetcher = fetcher
        self.makeParser = makeParser
        self.sink = sink
        self.clock = clock
        scope = CrawlScope(mode: configuration.scope, seeds: configuration.seeds)
        dispatch = Mutex(Dispatch(
            state: CrawlState(hostConcurrency: configuration.hostConcurrency, maxPages: configuration.maxPages,
                              maxPagesPerHost: configuration.linkLimits.maxPagesPerHost, politeness: configuration.politeness, resume: resume),
            budget: ErrorBudget(settings: configuration.errorBudget)))
        parsePool = ParsePool(workers: configuration.parseWorkers, capacity: configuration.parseQueueCapacity)
    }

    /// Crawls until the frontier is exhausted, the output fails, or the calling task is cancelled.
    /// The caller owns the sink and finishes it afterwards.
    public func run() async -> CrawlSummary {
        let decided = update { dispatch, now in
            var decided: [(FetchJob, Outcome)] = []
            for seed in configuration.seeds where seed.isHTTP {
                let url = seed.removingFragment
                let fingerprint = URLFingerprint(key: key(of: url))
                let job = FetchJob(url: url, fingerprint: fingerprint, depth: 0, parent: nil)
                if let refused = limitOutcome(for: url) {
                    // A seed is recorded, not silently skipped: the user asked for it.
                    if dispatch.state.admitDecided(job, fingerprint: fingerprint) { decided.append((job, refused)) }
                    continue
                }
                if case .record(let job, let outcome) = dispatch.state.admit(job, fingerprint: fingerprint, now: now) {
                    decided.append((job, outcome))
                }
            }
            return decided
        }
        recordUnfetched(decided)
        if let maxDuration = configuration.maxDuration {
            startTimer(at: maxDuration) { [self] in stop(.maxDuration, grace: configuration.gracePeriod) }
        }
        // The link memo holds only while admission has no per-link side effect beyond the seen set
        // (see `LinkMemo`).
        let memoizesLinks = journal == nil && configuration.linkLimits.maxPagesPerHost == nil
        parsePool.start(makeContext: { [makeParser] in
            ParseThread(parser: makeParser(), linkMemo: memoizesLinks ? LinkMemo() : nil)
        }, process: { [self] work, thread in
            parse(work, on: thread)
        })
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                // Only the workers run on the fetcher's executor (if it has one), not this task.
                let executor = fetcher.taskExecutor
                for _ in 0..<configuration.concurrency {
                    group.addTask(executorPreference: executor) { await self.fetchWorker() }
                }
            }
        } onCancel: {
            stop(.cancelled, grace: nil)
        }
        // Every job that reached the parse pool was recorded before the workers could see the crawl
        // finished, so closing only joins idle threads.
        await parsePool.close()
        let timers = dispatch.withLock { dispatch in
            defer { dispatch.timers = [:] }
            return Array(dispatch.timers.values)
        }
        timers.forEach { $0.cancel() }
        return dispatch.withLock { dispatch in
            // A crawl whose every host was cancelled by its budget failed everywhere: it ends as a spent
            // crawl budget (exit 3), not as a finished crawl. Some hosts cancelled, others crawled: finished.
            let cancelled = dispatch.state.cancelledHosts
            if dispatch.stopReason == nil, !cancelled.isEmpty, dispatch.hostsRecorded.isSubset(of: cancelled) {
                dispatch.stopReason = .errorBudget
                dispatch.budgetDetail = "every host was cancelled by --host-max-errors"
            }
            // A crawl that tried and fetched nothing (its one host down, say) failed too: were it
            // `finished` (exit 0), cron would never hear that the site was unreachable.
            if dispatch.stopReason == nil, let detail = dispatch.statistics.nothingFetchedDetail {
                dispatch.stopReason = .nothingFetched
                dispatch.budgetDetail = detail
            }
            return CrawlSummary(
                stopReason: dispatch.stopReason ?? .finished,
                statistics: dispatch.statistics,
                elapsed: clock.now(),
                admitted: dispatch.state.admitted,
                queuedAtStop: dispatch.state.queued + dispatch.state.droppedAtStop,
                maxFetchesInFlight: dispatch.maxFetchesInFlight,
                maxParsesInFlight: parsePool.maxBusy,
                outputError: sink.failure.map { "\($0)" },
                budgetDetail: dispatch.budgetDetail,
                hostsCancelled: dispatch.state.cancelledHosts.sorted(),
                budget: CrawlSummary.BudgetState(
                    settings: configuration.errorBudget, attempts: dispatch.budget.attempts,
                    failures: dispatch.budget.failures, windowAttempts: dispatch.budget.windowCount,
                    windowFailures: dispatch.budget.windowFailures)
            )
        }
    }

    /// A snapshot of the crawl so far; cheap enough to call a few times a second.
    public func progress() -> CrawlProgress {
        let elapsed = clock.now()
        return dispatch.withLock { dispatch in
            CrawlProgress(
                records: dispatch.statistics.records, queued: dispatch.state.queued,
                inFlight: dispatch.fetchesInFlight, failures: dispatch.statistics.failures,
                bodyBytes: dispatch.statistics.bodyBytes, recordsByOutcome: dispatch.statistics.recordsByOutcome,
                elapsed: elapsed)
        }
    }

    // MARK: - Dispatch

    /// Applies a change to the dispatch state, then gives freed-up work to waiting workers (and arms a
    /// timer for work that is not ready yet).
    @discardableResult
    func update<T: Sendable>(_ body: (inout Dispatch, Duration) -> T) -> T {
        let now = clock.now()
        let (result, resumptions, wakeAt, load) = dispatch.withLock { dispatch in
            let result = body(&dispatch, now)
            let load = dispatch.syncStore()
            let (resumptions, wakeAt) = dispatch.matchWaiters(now: now)
            return (result, resumptions, wakeAt, load)
        }
        for (continuation, job) in resumptions {
            continuation.resume(returning: job)
        }
        if let wakeAt { armTimer(at: wakeAt) }
        if let load { loadFromStore(after: load) }
        return result
    }

    private func fetchWorker() async {
        while let job = await nextJob() {
            await process(job)
        }
    }

    /// Waits until a job may start now; nil when the crawl is over or the task is cancelled.
    private func nextJob() async -> FetchJob? {
        if let job = readyJob() { return job }
        let id = waiterIDs.add(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<FetchJob?, Never>) in
                let now = clock.now()
                typealias Matched = ([(CheckedContinuation<FetchJob?, Never>, FetchJob?)], Duration?, QueueCursor?)
                let (resumptions, wakeAt, load) = dispatch.withLock { dispatch -> Matched in
                    // Checked under the lock: if cancellation comes later, onCancel finds the waiter.
                    if Task.isCancelled {
                        return ([(continuation, nil)], nil, nil)
                    }
                    dispatch.waiters.append((id, continuation))
                    let (resumptions, wakeAt) = dispatch.matchWaiters(now: now)
                    return (resumptions, wakeAt, dispatch.syncStore())
                }
                for (waiting, job) in resumptions { waiting.resume(returning: job) }
                if let wakeAt { armTimer(at: wakeAt) }
                if let load { loadFromStore(after: load) }
            }
        } onCancel: {
            let continuation = dispatch.withLock { dispatch -> CheckedContinuation<FetchJob?, Never>? in
                guard let index = dispatch.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return dispatch.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    /// A job that may start now, taken without suspending: no continuation and no cancellation
    /// handler, which a worker otherwise pays for every page. Nil when workers are already waiting
    /// (they are first in line), when nothing may start now, or when the task is cancelled; the
    /// caller then waits as usual.
    private func readyJob() -> FetchJob? {
        guard !Task.isCancelled else { return nil }
        let now = clock.now()
        let (job, load) = dispatch.withLock { dispatch -> (FetchJob?, QueueCursor?) in
            guard dispatch.waiters.isEmpty, case .job(let job) = dispatch.state.next(now: now) else { return (nil, nil) }
            dispatch.fetchStarted()
            return (job, dispatch.syncStore())
        }
        if let load { loadFromStore(after: load) }
        return job
    }

    /// Hands a document to the parse pool, waiting while its queue is full (back-pressure).
    func submitForParsing(_ job: FetchJob, _ response: FetchResponse) async {
        await parsePool.submit(ParseWork(job: job, response: response))
    }
}

extension Duration {
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
