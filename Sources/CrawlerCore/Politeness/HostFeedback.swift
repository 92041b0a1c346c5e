/// What a response tells about its host, and what the crawl does about it: slow the host down and
/// retry (429/503, honouring Retry-After), back off and retry (timeouts, resets, other 5xx), let a
/// throttled host recover (a success), or nothing.
enum HostFeedback {
    case throttle(retryAfter: Duration?)
    case backoff
    case success
    case none

    init(_ result: Result<FetchResponse, FetchFailure>, wallClockSeconds: Double) {
        switch result {
        case .failure(let failure):
            self = failure.outcome.isTransient ? .backoff : .none
        case .success(let response):
            switch response.status {
            case 429, 503:
                self = .throttle(retryAfter: response.retryAfter.flatMap {
                    RetryAfter.delay($0, nowSinceEpoch: wallClockSeconds)
                })
            case 500...:
                self = .backoff
            case ..<400:
                self = .success
            default:
                self = .none
            }
        }
    }

    /// Whether applying it may delay the host (the only use of its jitter).
    var delaysHost: Bool {
        switch self {
        case .throttle, .backoff: return true
        case .success, .none: return false
        }
    }

    /// Applies the feedback to the host; returns true when the job was queued again for a retry.
    /// A throttling answer slows the host whether or not the job has retries left.
    func apply(to state: inout CrawlState, job: FetchJob, canRetry: Bool, jitter: Double, now: Duration) -> Bool {
        let host = job.hostKey
        switch self {
        case .throttle(let retryAfter):
            _ = state.throttled(host: host, retryAfter: retryAfter, jitter: jitter, now: now)
            return canRetry && state.retry(job, now: now)
        case .backoff:
            guard canRetry else { return false }
            state.delayHost(host, by: state.backoff(attempt: job.attempts, jitter: jitter), now: now)
            return state.retry(job, now: now)
        case .success:
            state.succeeded(host: host, now: now)
            return false
        case .none:
            return false
        }
    }
}
