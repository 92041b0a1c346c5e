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
public final class Crawler: Sendable {
    struct ParseWork: Sendable {
        var job: FetchJob
        var response: FetchResponse
    }

    private struct Dispatch {
        var state: CrawlState
        var waiters = Deque<(id: UInt64, continuation: CheckedContinuation<FetchJob?, Never>)>()
        var fetchesInFlight = 0
        var maxFetchesInFlight = 0
        var stopReason: StopReason?
        var statistics = CrawlStatistics()

        /// Pairs waiting workers with jobs that may start now; when the crawl is over (or stopping),
        /// releases every waiter with nil. Returns the continuations to resume outside the lock.
        mutating func matchWaiters(now: Duration) -> [(CheckedContinuation<FetchJob?, Never>, FetchJob?)] {
            var resumptions: [(CheckedContinuation<FetchJob?, Never>, FetchJob?)] = []
            while !waiters.isEmpty, let job = take(now: now) {
                resumptions.append((waiters.removeFirst().continuation, job))
            }
            if state.isFinished || state.isStopping {
                while let waiter = waiters.popFirst() {
                    resumptions.append((waiter.continuation, nil))
                }
            }
            return resumptions
        }

        mutating func take(now: Duration) -> FetchJob? {
            guard let job = state.next(now: now) else { return nil }
            fetchesInFlight += 1
            maxFetchesInFlight = max(maxFetchesInFlight, fetchesInFlight)
            return job
        }
    }

    private let configuration: CrawlConfiguration
    private let fetcher: any Fetcher
    private let makeParser: PageParserFactory
    private let sink: any RecordSink
    private let clock: any CrawlClock
    private let scope: CrawlScope
    private let dispatch: Mutex<Dispatch>
    private let waiterIDs = Atomic<UInt64>(0)
    private let parsePool: ParsePool<ParseWork>

    public init(
        configuration: CrawlConfiguration, fetcher: any Fetcher, makeParser: @escaping PageParserFactory,
        sink: any RecordSink, clock: any CrawlClock = SystemCrawlClock()
    ) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.makeParser = makeParser
        self.sink = sink
        self.clock = clock
        scope = CrawlScope(mode: configuration.scope, seeds: configuration.seeds)
        dispatch = Mutex(Dispatch(state: CrawlState(
            hostConcurrency: configuration.hostConcurrency, maxPages: configuration.maxPages)))
        parsePool = ParsePool(workers: configuration.parseWorkers, capacity: configuration.parseQueueCapacity)
    }

    /// Crawls until the frontier is exhausted, the output fails, or the calling task is cancelled.
    /// The caller owns the sink and finishes it afterwards.
    public func run() async -> CrawlSummary {
        update { dispatch, now in
            for seed in configuration.seeds where seed.isHTTP {
                let url = seed.removingFragment
                let fingerprint = URLFingerprint(key: url.dedupKey)
                _ = dispatch.state.admit(FetchJob(url: url, fingerprint: fingerprint, depth: 0, parent: nil),
                                         fingerprint: fingerprint, now: now)
            }
        }
        parsePool.start(makeParser: makeParser) { [self] work, parser in
            parse(work, with: parser)
        }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<configuration.concurrency {
                    group.addTask { await self.fetchWorker() }
                }
            }
        } onCancel: {
            stop(.cancelled)
        }
        // Every job that reached the parse pool was recorded before the workers could see the crawl
        // finished, so closing only joins idle threads.
        await parsePool.close()
        return dispatch.withLock { dispatch in
            CrawlSummary(
                stopReason: dispatch.stopReason ?? .finished,
                statistics: dispatch.statistics,
                elapsed: clock.now(),
                admitted: dispatch.state.admitted,
                queuedAtStop: dispatch.state.queued + dispatch.state.droppedAtStop,
                maxFetchesInFlight: dispatch.maxFetchesInFlight,
                maxParsesInFlight: parsePool.maxBusy,
                outputError: sink.failure.map { "\($0)" }
            )
        }
    }

    /// Stops dispatching. URLs in flight finish (or are cancelled by the task tree) and are recorded;
    /// queued URLs that never started get no record and are reported as `queuedAtStop`.
    public func stop(_ reason: StopReason) {
        update { dispatch, _ in
            if dispatch.stopReason == nil { dispatch.stopReason = reason }
            _ = dispatch.state.stop()
        }
    }

    // MARK: - Dispatch

    /// Applies a change to the dispatch state, then gives freed-up work to waiting workers.
    @discardableResult
    private func update<T: Sendable>(_ body: (inout Dispatch, Duration) -> T) -> T {
        let now = clock.now()
        let (result, resumptions) = dispatch.withLock { dispatch in
            let result = body(&dispatch, now)
            return (result, dispatch.matchWaiters(now: now))
        }
        for (continuation, job) in resumptions {
            continuation.resume(returning: job)
        }
        return result
    }

    private func fetchWorker() async {
        while let job = await nextJob() {
            await process(job)
        }
    }

    /// Waits until a job may start now; nil when the crawl is over or the task is cancelled.
    private func nextJob() async -> FetchJob? {
        let id = waiterIDs.add(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<FetchJob?, Never>) in
                let now = clock.now()
                let immediate: FetchJob?? = dispatch.withLock { dispatch in
                    // Checked under the lock: if cancellation comes later, onCancel finds the waiter.
                    if Task.isCancelled || dispatch.state.isStopping { return .some(nil) }
                    if let job = dispatch.take(now: now) { return .some(job) }
                    if dispatch.state.isFinished { return .some(nil) }
                    dispatch.waiters.append((id, continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = dispatch.withLock { dispatch -> CheckedContinuation<FetchJob?, Never>? in
                guard let index = dispatch.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return dispatch.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    // MARK: - Fetch results

    private func process(_ incoming: FetchJob) async {
        var job = incoming
        if job.startedAt == nil {
            job.startedAt = clock.now()
            job.fetchedAtMs = clock.wallClockMilliseconds()
        }
        let result = await fetcher.fetch(FetchRequest(url: job.current))
        let host = job.hostKey
        update { dispatch, now in
            dispatch.fetchesInFlight -= 1
            dispatch.state.requestEnded(host: host, now: now)
        }
        switch result {
        case .failure(let failure):
            record(job, outcome: failure.outcome, status: failure.status, contentType: failure.contentType,
                   bytes: failure.bytes, timings: failure.timings, error: failure.message)
        case .success(let response):
            if (300..<400).contains(response.status), let location = response.location {
                followRedirect(job, response: response, location: location)
            } else if (200..<300).contains(response.status), isHTML(response) {
                await parsePool.submit(ParseWork(job: job, response: response))
            } else {
                let outcome: Outcome = (200..<300).contains(response.status) ? .unsupportedContent : .httpError
                let error: String? = outcome == .httpError ? "HTTP \(response.status)" : nil
                record(job, outcome: outcome, status: response.status, contentType: response.contentType,
                       bytes: response.body.count, timings: response.timings, error: error)
            }
        }
    }

    private func isHTML(_ response: FetchResponse) -> Bool {
        if response.bodySkipped { return false }
        if let contentType = response.contentType, !ContentType.mediaType(contentType).isEmpty {
            return ContentType.isHTML(contentType)
        }
        return ContentType.sniffsAsHTML(response.body)
    }

    /// Redirects are followed here, not by the transport, so every hop is normalised, checked against
    /// scope and the seen set, and queued at its own host like any other request.
    private func followRedirect(_ job: FetchJob, response: FetchResponse, location: String) {
        func stopHere(_ outcome: Outcome, target: String, error: String?) {
            record(job, outcome: outcome, status: response.status, contentType: response.contentType,
                   bytes: response.body.count, timings: response.timings, redirectTarget: target, error: error)
        }
        guard let target = WebURL.parse(location, base: job.current) else {
            return stopHere(.urlInvalid, target: location, error: "redirect Location does not parse")
        }
        let targetURL = target.removingFragment
        guard targetURL.isHTTP else {
            return stopHere(.redirectBlockedScheme, target: target.href, error: "redirect to a non-HTTP scheme")
        }
        guard job.redirects < configuration.maxRedirects else {
            return stopHere(.redirectLimit, target: targetURL.href,
                            error: "more than \(configuration.maxRedirects) redirects")
        }
        let fingerprint = URLFingerprint(key: targetURL.dedupKey)
        guard !job.chain.contains(fingerprint) else {
            return stopHere(.redirectLimit, target: targetURL.href, error: "redirect loop")
        }
        guard scope.contains(targetURL) else {
            return stopHere(.redirectOffsite, target: targetURL.href, error: nil)
        }
        var next = job
        next.current = targetURL
        next.redirects += 1
        next.chain.append(fingerprint)
        let admission = update { dispatch, now in
            dispatch.state.followRedirect(next, target: fingerprint, now: now)
        }
        switch admission {
        case .queued:
            break
        case .alreadySeen:
            stopHere(.duplicate, target: targetURL.href, error: nil)
        case .stopping:
            stopHere(.cancelled, target: targetURL.href, error: "crawl stopped before the redirect was followed")
        }
    }

    // MARK: - Parsing (on a parse thread)

    private func parse(_ work: ParseWork, with parser: any PageParser) {
        let response = work.response
        let charset = response.contentType.flatMap(ContentType.charset)
        let page = parser.parse(response.body, charset: charset)
        var (candidates, counts) = linkCandidates(of: page, on: work.job)
        let enqueued = update { dispatch, now in
            var admitted = 0
            for (job, fingerprint) in candidates where dispatch.state.admit(job, fingerprint: fingerprint, now: now) {
                admitted += 1
            }
            return admitted
        }
        candidates.removeAll()
        counts.enqueued = enqueued
        record(work.job, outcome: .ok, status: response.status, contentType: response.contentType,
               bytes: response.body.count, timings: response.timings, title: page.title,
               linkCounts: counts, error: nil)
    }

    /// Resolves, filters and fingerprints a page's links (outside the lock: this is the per-link work).
    private func linkCandidates(of page: ParsedPage, on job: FetchJob) -> ([(FetchJob, URLFingerprint)], LinkCounts) {
        var counts = LinkCounts()
        counts.found = page.links.count
        if page.nofollow {
            counts.nofollow = counts.found
            return ([], counts)
        }
        let childDepth = job.depth + 1
        if let maxDepth = configuration.maxDepth, childDepth > maxDepth {
            counts.beyondDepth = counts.found
            return ([], counts)
        }
        let base = page.baseHref.flatMap { WebURL.parse($0, base: job.current) } ?? job.current
        let parent = job.current.href
        var candidates: [(FetchJob, URLFingerprint)] = []
        candidates.reserveCapacity(page.links.count)
        for link in page.links {
            if link.nofollow {
                counts.nofollow += 1
                continue
            }
            guard let url = WebURL.parse(link.href, base: base) else {
                counts.invalid += 1
                continue
            }
            guard url.isHTTP else {
                counts.droppedScheme += 1
                continue
            }
            guard scope.contains(url) else {
                counts.outOfScope += 1
                continue
            }
            let clean = url.removingFragment
            let fingerprint = URLFingerprint(key: clean.dedupKey)
            candidates.append((FetchJob(url: clean, fingerprint: fingerprint, depth: childDepth, parent: parent), fingerprint))
        }
        counts.candidates = candidates.count
        return (candidates, counts)
    }

    // MARK: - Records

    private func record(
        _ job: FetchJob, outcome: Outcome, status: Int?, contentType: String?, bytes: Int,
        timings: FetchTimings?, title: String? = nil, linkCounts: LinkCounts? = nil,
        redirectTarget: String? = nil, error: String?
    ) {
        let elapsed = clock.now() - (job.startedAt ?? clock.now())
        let record = CrawlRecord(
            url: job.origin.href, finalURL: job.current.href, host: job.current.hostDisplay,
            depth: job.depth, parent: job.parent, status: status, outcome: outcome,
            contentType: contentType, bytes: bytes, title: title,
            linksFound: linkCounts?.found ?? 0, linksEnqueued: linkCounts?.enqueued ?? 0,
            redirects: job.redirects, redirectTarget: redirectTarget, fetchedAtMs: job.fetchedAtMs,
            timeMs: elapsed.milliseconds, timings: timings, error: error
        )
        sink.write(record)
        let outputFailed = sink.failure != nil
        update { dispatch, _ in
            dispatch.statistics.count(record)
            if let linkCounts { dispatch.statistics.add(linkCounts) }
            dispatch.state.finish()
            if outputFailed, dispatch.stopReason == nil {
                dispatch.stopReason = .outputFailed
                _ = dispatch.state.stop()
            }
        }
    }
}

extension WebURL {
    /// Host and non-default port, as in the URL's authority (`example.com:8080`).
    var hostDisplay: String {
        guard let host else { return "" }
        if let port { return "\(host):\(port)" }
        return host
    }
}

extension Duration {
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
