/// When failures stop a host or the whole crawl. A failure is a request that ended in a network error,
/// timeout, reset, TLS error, `too_large`, a 5xx, or a 429 (each attempt counts, retries included). A
/// 404 or other 4xx is an answer, not a failure.
public struct ErrorBudgetSettings: Sendable {
    /// Failures in a row that cancel one host (circuit breaker); nil = never.
    public var hostMaxErrors: Int?
    /// Failures in total that cancel the crawl; nil = never.
    public var maxErrors: Int?
    /// Failure fraction over the last `errorWindow` attempts that cancels the crawl; nil = never.
    public var maxErrorRate: Double?
    /// Attempts the rate is computed over; the rate only counts once this many were made.
    public var errorWindow: Int

    /// Defaults that never stop a crawl of a healthy site: a host is given up after 10 failures in a
    /// row, and the crawl after 80% of its last 200 attempts failed.
    public init(hostMaxErrors: Int? = 10, maxErrors: Int? = nil, maxErrorRate: Double? = 0.8, errorWindow: Int = 200) {
        self.hostMaxErrors = hostMaxErrors.map { max(1, $0) }
        self.maxErrors = maxErrors.map { max(1, $0) }
        self.maxErrorRate = maxErrorRate
        self.errorWindow = max(1, errorWindow)
    }

    /// No budget at all.
    public static let unlimited = ErrorBudgetSettings(hostMaxErrors: nil, maxErrors: nil, maxErrorRate: nil)
}
