import CrawlURL

/// One HTTP GET the crawl asks of the fetch pool. Limits (timeouts, body caps) belong to the fetcher's
/// configuration; redirects are never followed by the fetcher (the crawl follows them itself).
public struct FetchRequest: Sendable {
    public var url: WebURL
    /// When true, a 2xx response whose Content-Type is known and not HTML is recorded without
    /// downloading its body (`unsupported_content`).
    public var htmlOnly: Bool
    /// A robots.txt fetch: any content type; a body over the robots size limit (500 KiB) is cut
    /// there and used, rather than failing (RFC 9309 2.5).
    public var isRobots: Bool
    /// Validators from the last fetch, sent as `If-None-Match` / `If-Modified-Since` (a re-crawl).
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    /// Whether the response's `ETag` and `Last-Modified` are wanted (only a crawl with state keeps
    /// them); without, the fetcher need not read them.
    public var keepsValidators: Bool

    public init(
        url: WebURL, htmlOnly: Bool = true, isRobots: Bool = false, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil,
        keepsValidators: Bool = true
    ) {
        self.url = url
        self.keepsValidators = keepsValidators
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.htmlOnly = htmlOnly && !isRobots
        self.isRobots = isRobots
    }

    /// The most robots.txt bytes read (RFC 9309 asks crawlers to parse at least 500 KiB).
    public static let robotsMaxBytes = 512_000
}

/// A response the server completed (any status).
public struct FetchResponse: Sendable {
    public var status: Int
    public var contentType: String?
    public var location: String?
    /// The decoded body (empty when it was skipped as not HTML).
    public var body: [UInt8]
    /// Whether the body was skipped because the Content-Type was not HTML.
    public var bodySkipped: Bool
    /// The `Retry-After` header, unparsed.
    public var retryAfter: String?
    /// Validators for a later conditional re-fetch.
    public var etag: String?
    public var lastModified: String?
    /// The `X-Robots-Tag` fields of a 2xx response whose body was read, in arrival order (usually
    /// none).
    public var robotsTags: [String] = []
    public var timings: FetchTimings
    /// The memory-budget bytes held for `body`; released when the crawl is done with it.
    public var lease: BodyLease?

    public init(
        status: Int, contentType: String? = nil, location: String? = nil, body: [UInt8] = [],
        bodySkipped: Bool = false, retryAfter: String? = nil, timings: FetchTimings = FetchTimings(),
        lease: BodyLease? = nil, etag: String? = nil, lastModified: String? = nil
    ) {
        self.retryAfter = retryAfter
        self.etag = etag
        self.lastModified = lastModified
        self.lease = lease
        self.status = status
        self.contentType = contentType
        self.location = location
        self.body = body
        self.bodySkipped = bodySkipped
        self.timings = timings
    }
}

/// A transfer that did not complete: the outcome it maps to, and what is known.
public struct FetchFailure: Sendable, Error {
    public var outcome: Outcome
    public var message: String
    /// The status, when the response head arrived before the failure (e.g. `partial_body`).
    public var status: Int?
    public var contentType: String?
    public var bytes: Int
    public var timings: FetchTimings?

    public init(
        outcome: Outcome, message: String, status: Int? = nil, contentType: String? = nil,
        bytes: Int = 0, timings: FetchTimings? = nil
    ) {
        self.outcome = outcome
        self.message = message
        self.status = status
        self.contentType = contentType
        self.bytes = bytes
        self.timings = timings
    }
}

/// The fetch pool as the crawl sees it. The production implementation is libcurl's multi interface
/// (CrawlRuntime); tests of the crawl logic use a fake.
///
/// `fetch` must return promptly with outcome `.cancelled` when the calling task is cancelled.
public protocol Fetcher: Sendable {
    func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure>

    /// The same fetch, which must also return promptly with `.cancelled` once `cancellation` is
    /// cancelled, and which calls `willStart` once, when the request goes out: after its connection
    /// (and TLS handshake) is set up, so a rate-limited host's next token counts from when the host
    /// got the request, not from a connection set-up that took a while. Not called when no request was
    /// sent (the connection failed). The default runs `fetch(_:)` in a task of its own,
    /// calling `willStart` from inside it, and cancels that task; a fetcher that can abort a transfer
    /// directly (the libcurl one) implements it without the extra task.
    func fetch(
        _ request: FetchRequest, cancellation: FetchCancellation, willStart: @escaping @Sendable () -> Void
    ) async -> Result<FetchResponse, FetchFailure>

    /// Where the crawl's fetch workers should run, if the fetcher has a preference (nil: the global
    /// concurrent executor).
    var taskExecutor: (any TaskExecutor)? { get }
}

extension Fetcher {
    public var taskExecutor: (any TaskExecutor)? { nil }

    public func fetch(
        _ request: FetchRequest, cancellation: FetchCancellation, willStart: @escaping @Sendable () -> Void
    ) async -> Result<FetchResponse, FetchFailure> {
        let task = Task {
            willStart()
            return await fetch(request)
        }
        cancellation.onCancel { task.cancel() }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
