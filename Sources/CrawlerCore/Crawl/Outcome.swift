/// How one URL ended. The raw values are the JSONL `outcome` vocabulary (see docs/jsonl-schema.md),
/// shared with the hostile-server test scenarios so records from every part of the crawler agree.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    /// 2xx HTML page fetched (and parsed).
    case ok
    /// The server answered with a 4xx or 5xx status. A 4xx is an outcome, not a failure of the crawl.
    case httpError = "http_error"
    /// More than `--max-redirects` hops, or a redirect chain that loops.
    case redirectLimit = "redirect_limit"
    /// A redirect to a scheme other than http/https.
    case redirectBlockedScheme = "redirect_blocked_scheme"
    /// A redirect whose target is outside `--scope`.
    case redirectOffsite = "redirect_offsite"
    /// A redirect whose target `--include` / `--exclude` leave out, or a URL queued by an earlier run
    /// (`--state`) that they now leave out; links so left out are only counted.
    case excluded
    /// A redirect to a URL this run has already fetched or queued.
    case duplicate
    /// A redirect whose `Location` cannot be parsed.
    case urlInvalid = "url_invalid"
    /// A seed or redirect target longer than `--max-url-length` (links that long are only counted).
    case urlTooLong = "url_too_long"
    /// A seed or redirect target whose path looks like a spider trap (`--max-path-segments`,
    /// `--max-segment-repeats`); such links are only counted.
    case trapSuspected = "trap_suspected"
    /// The host resolved to a loopback, private, link-local or otherwise non-public address, and the
    /// address policy refused the connection (see `--allow-private-addresses`). Checked on the
    /// resolved address at connect time, for every redirect hop.
    case blockedAddress = "blocked_address"
    case timeout
    case timeoutConnect = "timeout_connect"
    case tooSlow = "too_slow"
    case partialBody = "partial_body"
    case connectionReset = "connection_reset"
    case connectionRefused = "connection_refused"
    case protocolError = "protocol_error"
    /// The body passed `--max-body-bytes` (raw or decoded); it was cut off and not parsed.
    case tooLarge = "too_large"
    case decodeError = "decode_error"
    case tlsError = "tls_error"
    case dnsFailure = "dns_failure"
    /// A conditional re-fetch (`--recrawl-after`) answered 304 Not Modified: the page is unchanged;
    /// its links were taken from the last parse.
    case notModified = "not_modified"
    /// A 2xx response that is not HTML: recorded, its body not downloaded or parsed.
    case unsupportedContent = "unsupported_content"
    /// The host's robots.txt disallows the URL; it was not fetched.
    case robotsDisallowed = "robots_disallowed"
    /// The host's robots.txt could not be fetched (5xx, 429 or network failure, after retries): RFC 9309
    /// says to assume everything is disallowed, so the URL was not fetched.
    case robotsUnreachable = "robots_unreachable"
    /// The host's robots.txt asks for a Crawl-delay above `--max-crawl-delay`; the host is skipped.
    case crawlDelayTooLong = "crawl_delay_too_long"
    /// 429 Too Many Requests, still after the retries.
    case rateLimited = "rate_limited"
    /// Its host's error budget was spent (`--host-max-errors` failures in a row): not fetched, or
    /// aborted in flight.
    case errorBudgetExhausted = "error_budget_exhausted"
    /// The crawl was cancelled while this URL was in flight.
    case cancelled
    /// A failure the transport could not classify more precisely.
    case fetchError = "fetch_error"

    /// Whether a request that ended this way may succeed if tried again later (retried with backoff).
    public var isTransient: Bool {
        switch self {
        case .timeout, .timeoutConnect, .tooSlow, .connectionReset, .partialBody: return true
        default: return false
        }
    }

    /// Whether this outcome counts as a failure of the fetch (for error budgets and the summary).
    /// A 4xx/5xx answer is judged by its status instead; see `CrawlRecord.isFailure`.
    public var isTransportFailure: Bool {
        switch self {
        case .timeout, .timeoutConnect, .tooSlow, .partialBody, .connectionReset, .connectionRefused,
             .protocolError, .tooLarge, .decodeError, .tlsError, .dnsFailure, .fetchError, .rateLimited:
            return true
        case .ok, .notModified, .httpError, .redirectLimit, .redirectBlockedScheme, .redirectOffsite, .excluded, .duplicate,
             .urlInvalid, .urlTooLong, .trapSuspected, .blockedAddress, .unsupportedContent, .cancelled, .robotsDisallowed, .robotsUnreachable,
             .crawlDelayTooLong, .errorBudgetExhausted:
            return false
        }
    }
}
