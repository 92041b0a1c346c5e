import CrawlURL
import RobotsTxt

/// What a fetch worker does with a job: fetch, then retry, follow the redirect, parse, or record.
extension Crawler {
    func process(_ incoming: FetchJob) async {
        if incoming.kind == .robots {
            return await fetchRobots(incoming)
        }
        var job = incoming
        if job.startedAt == nil {
            job.startedAt = clock.now()
            job.fetchedAtMs = clock.wallClockMilliseconds()
        }
        job.attempts += 1
        let host = job.hostKey
        let request = FetchRequest(
            url: job.current, ifNoneMatch: job.revisit?.etag, ifModifiedSince: job.revisit?.lastModified,
            keepsValidators: journal != nil || job.revisit != nil)
        let result = await runFetch(request, host: host, reportsStart: job.reportsStart)
        let feedback = HostFeedback(result, wallClockSeconds: Double(clock.wallClockMilliseconds()) / 1000)
        let canRetry = job.attempts <= configuration.politeness.retries
        // Drawn only when a delay is computed: the system generator is a getrandom call.
        let jitter = feedback.delaysHost ? Double.random(in: 0.5...1.5) : 1
        // One update: the host's feedback (delay, rate) and the error budget are applied before its slot
        // is freed, so no waiting worker can start the host's next URL in between.
        let (retried, hostCancelled, toCancel, decided) = update { dispatch, now in
            dispatch.fetchesInFlight -= 1
            var decided: [(FetchJob, Outcome)] = []
            var toCancel = FetchesToCancel.none
            if let failed = Self.attemptFailed(result) {
                toCancel = countAttempt(&dispatch, host: host, failed: failed, now: now, decided: &decided)
            }
            let retried = feedback.apply(to: &dispatch.state, job: job, canRetry: canRetry, jitter: jitter, now: now)
            dispatch.state.requestEnded(host: host, now: now)
            return (retried, dispatch.state.cancelledHosts.contains(host), toCancel, decided)
        }
        toCancel.cancel(in: fetchRegistry)
        recordUnfetched(decided)
        if retried { return }
        switch result {
        case .failure(let failure):
            // A transfer aborted because its host was cancelled is recorded as such.
            let outcome = failure.outcome == .cancelled && hostCancelled ? .errorBudgetExhausted : failure.outcome
            record(job, outcome: outcome, status: failure.status, contentType: failure.contentType,
                   bytes: failure.bytes, timings: failure.timings, error: failure.message)
        case .success(let response):
            await dispose(response, of: job)
        }
    }

    /// Whether an attempt failed, for the error budgets (nil: not an attempt that counts, i.e. it was
    /// cancelled). Failures: transport failures (timeouts, resets, TLS, `too_large`, ...), 5xx and 429.
    static func attemptFailed(_ result: Result<FetchResponse, FetchFailure>) -> Bool? {
        switch result {
        case .failure(let failure):
            return failure.outcome == .cancelled ? nil : failure.outcome.isTransportFailure
        case .success(let response):
            return response.status >= 500 || response.status == 429
        }
    }

    /// A final answer (no retry): follow the redirect, parse the page, or record the outcome.
    private func dispose(_ response: FetchResponse, of job: FetchJob) async {
        let status = response.status
        let parses = (200..<300).contains(status) && isHTML(response)
        // A body that is not parsed is done with now: its memory-budget bytes go back.
        if !parses { response.lease?.release() }
        if status == 304, let revisit = job.revisit {
            await recordNotModified(job, response: response, revisit: revisit)
        } else if (300..<400).contains(status), let location = response.location {
            followRedirect(job, response: response, location: location)
        } else if parses {
            await submitForParsing(job, response)
        } else {
            let outcome: Outcome
            switch status {
            case 200..<300: outcome = .unsupportedContent
            case 429: outcome = .rateLimited
            default: outcome = .httpError
            }
            let error: String? = outcome == .unsupportedContent ? nil : "HTTP \(status)"
            record(job, outcome: outcome, status: status, contentType: response.contentType,
                   bytes: response.body.count, timings: response.timings, error: error)
        }
    }

    func isHTML(_ response: FetchResponse) -> Bool {
        if response.bodySkipped { return false }
        if let contentType = response.contentType, !ContentType.mediaType(contentType).isEmpty {
            return ContentType.isHTML(contentType)
        }
        return ContentType.sniffsAsHTML(response.body)
    }

    /// Redirects are followed here, not by the transport, so every hop is normalised, checked against
    /// scope, the seen set and robots.txt, and queued at its own host like any other request.
    private func followRedirect(_ job: FetchJob, response: FetchResponse, location: String) {
        func stopHere(_ outcome: Outcome, target: String?, error: String?) {
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
        if let refused = limitOutcome(for: targetURL) {
            return stopHere(refused, target: refused == .urlTooLong ? nil : targetURL.href,
                            error: refused == .urlTooLong ? "redirect target longer than --max-url-length" : "redirect target path looks like a trap")
        }
        let maxRedirects = min(configuration.maxRedirects, FetchJob.maxRedirects)
        guard job.redirects < maxRedirects else {
            return stopHere(.redirectLimit, target: targetURL.href,
                            error: "more than \(maxRedirects) redirects")
        }
        let fingerprint = URLFingerprint(key: key(of: targetURL))
        let goesBack = job.visited(fingerprint)
        guard !goesBack || configuration.followsRedirectsBack else {
            return stopHere(.redirectLimit, target: targetURL.href, error: "redirect loop")
        }
        guard scope.contains(targetURL) else {
            return stopHere(.redirectOffsite, target: targetURL.href, error: nil)
        }
        // A seed's own redirects (http to https, / to /en/) are followed whatever the patterns say, as
        // the seed is: the user asked for that page.
        guard job.depth == 0 || configuration.urlFilter.allows(targetURL.href) else {
            return stopHere(.excluded, target: targetURL.href, error: nil)
        }
        var next = job
        next.current = targetURL
        next.redirects += 1
        next.attempts = 0  // `attempts` counts the requests for one URL (retries), not the hops; each hop gets its own retries
        next.hops.append(fingerprint)
        let admission = update { dispatch, now in
            // A URL of its own chain is in the seen set because this job put it there.
            dispatch.state.followRedirect(next, target: fingerprint, ownTarget: goesBack || job.revisit?.followsOwnRedirects == true, now: now)
        }
        switch admission {
        case .queued:
            break
        case .alreadySeen:
            stopHere(.duplicate, target: targetURL.href, error: nil)
        case .stopping:
            stopHere(.cancelled, target: targetURL.href, error: "crawl stopped before the redirect was followed")
        case .refused(let outcome):
            stopHere(outcome, target: targetURL.href, error: nil)
        }
    }

    // MARK: - robots.txt

    /// Most redirects followed for a robots.txt (RFC 9309 2.3.1.2: at least five).
    static let robotsMaxRedirects = 5

    /// Fetches a host's robots.txt and opens (or keeps closed) the host's gate. Redirect hops are
    /// followed inline; only the first request took a token from the host's bucket.
    private func fetchRobots(_ job: FetchJob) async {
        let host = job.hostKey
        var url = job.current
        var result = CrawlState.RobotsResult.rules(.allowAll)
        var reportsStart = job.reportsStart  // only the first request took a token
        var sitemaps: [String] = []
        var parseWarnings = 0
        var cacheable: [UInt8]? = []  // what later runs may reuse: the body, or empty (allow all)
        var failureReason: String?  // why the file was unreachable, for the host's records
        redirects: for _ in 0...Self.robotsMaxRedirects {
            let fetched = await runFetch(FetchRequest(url: url, isRobots: true), host: host, reportsStart: reportsStart)
            reportsStart = false
            switch fetched {
            case .failure(let failure) where failure.outcome == .blockedAddress:
                // The host may not be contacted at all: its pages are let through to be refused one
                // by one, so each is recorded as `blocked_address` rather than `robots_unreachable`.
                cacheable = nil
                break redirects
            case .failure(let failure):
                result = failure.outcome == .cancelled ? .cancelled : .unreachable()
                failureReason = "\(failure.outcome.rawValue): \(failure.message)"
                cacheable = nil
                break redirects
            case .success(let response):
                switch response.status {
                case 200..<300:
                    let robots = RobotsTxt(parsing: response.body)
                    result = .rules(robots.rules(for: configuration.politeness.robotsUserAgent))
                    sitemaps = robots.sitemaps
                    parseWarnings = robots.warnings
                    cacheable = response.body
                    break redirects
                case 300..<400:
                    guard let location = response.location, let next = WebURL.parse(location, base: url), next.isHTTP else {
                        break redirects  // unavailable: allow all (RFC 9309 2.3.1.3)
                    }
                    url = next.removingFragment
                case 429, 500...:
                    if case .throttle(let retryAfter) = HostFeedback(fetched, wallClockSeconds: Double(clock.wallClockMilliseconds()) / 1000) {
                        result = .unreachable(throttled: true, retryAfter: retryAfter)
                    } else {
                        result = .unreachable()
                    }
                    failureReason = "HTTP \(response.status)"
                    cacheable = nil
                    break redirects
                default:
                    break redirects  // 4xx: unavailable, allow all
                }
            }
        }
        // Past five redirects the file counts as unavailable: `result` is still allow-all then.
        if let journal, let cacheable {
            journal.robotsFetched(host: host, body: cacheable, fetchedAtMs: clock.wallClockMilliseconds())
        }
        let jitter = if case .unreachable = result { Double.random(in: 0.5...1.5) } else { 1.0 }
        let fetchResult = result
        let warnings = parseWarnings
        let decided = update { dispatch, now in
            dispatch.statistics.robotsParseWarnings += warnings
            dispatch.fetchesInFlight -= 1
            dispatch.state.requestEnded(host: host, now: now)
            dispatch.statistics.robotsFetches += 1
            dispatch.statistics.addSitemaps(sitemaps)
            if case .unreachable = fetchResult {
                dispatch.statistics.robotsFailures += 1
                dispatch.robotsFailureReasons[host] = failureReason
            }
            return dispatch.state.robotsResolved(host: host, robotsJob: job, result: fetchResult, jitter: jitter, now: now)
        }
        recordUnfetched(decided)
    }
}
