import CrawlerCore
import CurlTransport

/// The production fetch pool: libcurl's multi interface (one thread, one multi handle) behind the
/// core's `Fetcher` protocol. Maps transport errors onto the JSONL outcome vocabulary.
public final class CurlFetcher: Fetcher {
    private let client: CurlClient
    private let settings: FetchSettings

    public init(settings: FetchSettings) throws {
        self.settings = settings
        var configuration = CurlClientConfiguration(
            maxTransfers: settings.maxTransfers, userAgent: settings.userAgent, resolve: settings.resolve,
            proxy: settings.proxy, caFile: settings.caFile)
        configuration.keepsCookies = settings.keepsCookies
        client = try CurlClient(configuration: configuration)
    }

    /// The most transfers libcurl had in flight at one moment.
    public var maxTransfersInFlight: Int { client.maxTransfersInFlight }

    /// Fetch workers run on the curl thread (see `CurlLoopExecutor`): a completed transfer resumes
    /// its worker there, with no hand-off to another thread, and the worker's next transfer reaches
    /// the loop without waking it.
    public var taskExecutor: (any TaskExecutor)? { client.executor }

    public func shutdown() {
        client.shutdown()
    }

    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchFailure> {
        await fetch(request, cancellation: nil, willStart: nil)
    }

    /// The transfer is aborted directly when `cancellation` fires: no task per fetch.
    public func fetch(
        _ request: FetchRequest, cancellation: FetchCancellation, willStart: @escaping @Sendable () -> Void
    ) async -> Result<FetchResponse, FetchFailure> {
        await fetch(request, cancellation: Optional(cancellation), willStart: willStart)
    }

    private func fetch(
        _ request: FetchRequest, cancellation: FetchCancellation?, willStart: (@Sendable () -> Void)?
    ) async -> Result<FetchResponse, FetchFailure> {
        var headers: [String] = []
        var cookies: [String] = []
        if !settings.headers.isEmpty {
            let trusted = request.url.host.map(settings.trustedHosts.contains) == true
            for header in settings.headers where trusted || !header.isCredential {
                // With the cookie jar on, a `--header` cookie joins the jar's in one Cookie line.
                if settings.keepsCookies, header.isCookie {
                    cookies.append(header.value)
                } else {
                    headers.append(header.line)
                }
            }
        }
        if let etag = request.ifNoneMatch.flatMap(Self.safeHeaderValue) { headers.append("If-None-Match: \(etag)") }
        if let date = request.ifModifiedSince.flatMap(Self.safeHeaderValue) { headers.append("If-Modified-Since: \(date)") }
        var transfer = TransferRequest(
            url: request.url.href, headers: headers, maxBodyBytes: settings.maxBodyBytes, timeout: settings.timeout,
            connectTimeout: settings.connectTimeout, lowSpeedLimit: settings.lowSpeedLimit,
            lowSpeedTime: settings.lowSpeedTime,
            acceptedMediaTypes: request.htmlOnly ? Self.htmlMediaTypes : nil)
        transfer.cookie = cookies.isEmpty ? nil : cookies.joined(separator: "; ")
        // Through a proxy every connection is to the proxy (see `FetchSettings.proxy`).
        transfer.allowsNonPublicAddresses = settings.allowPrivateAddresses || settings.proxy != nil
            || request.url.host.map(settings.trustedHosts.contains) == true
        if request.isRobots {
            // One byte past what is parsed, so the parser can tell a file cut at the limit (and drop
            // its partial last line) from one that ends there.
            transfer.maxBodyBytes = FetchRequest.robotsMaxBytes + 1
            transfer.truncatesBody = true
        } else {
            transfer.memoryBudget = settings.memoryBudget
        }
        transfer.onSend = willStart
        let response = await client.perform(transfer, installCancel: cancellation.map { cancellation in
            { abort in cancellation.onCancel(abort) }
        })
        let timings = FetchTimings(
            dnsMs: response.timings.dnsMs, connectMs: response.timings.connectMs,
            tlsMs: response.timings.tlsMs, ttfbMs: response.timings.ttfbMs)
        let contentType = response.header("Content-Type")
        if let error = response.error, error.code != .bodySkipped {
            return .failure(FetchFailure(
                outcome: Self.outcome(for: error.code), message: error.message,
                status: response.status > 0 ? response.status : nil, contentType: contentType,
                bytes: Int(response.decodedBytes), timings: timings))
        }
        // libcurl accepts any three digits; RFC 9110 defines 100-599 only ("HTTP/1.1 999 WAT").
        guard (100...599).contains(response.status) else {
            return .failure(FetchFailure(
                outcome: .protocolError, message: "status \(response.status) is outside 100-599",
                status: response.status, contentType: contentType, bytes: 0, timings: timings))
        }
        let bodySkipped = response.error?.code == .bodySkipped
        var fetched = FetchResponse(
            status: response.status, contentType: contentType, location: response.header("Location"),
            body: response.body, bodySkipped: bodySkipped,
            retryAfter: response.header("Retry-After"), timings: timings,
            lease: response.heldBytes > 0 ? settings.memoryBudget.map { BodyLease(budget: $0, bytes: response.heldBytes) } : nil,
            etag: request.keepsValidators ? response.header("ETag").flatMap(Self.safeHeaderValue) : nil,
            lastModified: request.keepsValidators ? response.header("Last-Modified").flatMap(Self.safeHeaderValue) : nil)
        // Only a page whose links may be followed needs them.
        if (200...299).contains(response.status), !bodySkipped, !request.isRobots {
            fetched.robotsTags = response.headers("X-Robots-Tag")
        }
        return .success(fetched)
    }

    /// A validator a server sent, fit to be sent back in a header: visible ASCII and spaces only, at
    /// most 512 bytes. Anything else (a hostile server's CR/LF, NUL, huge values) is dropped.
    static func safeHeaderValue(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 512,
              value.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || (0x21...0x7E).contains($0) }) else { return nil }
        return value
    }

    /// Media types whose bodies the crawl parses; others are recorded without downloading the body.
    static let htmlMediaTypes: Set<String> = ["text/html", "application/xhtml+xml"]

    static func outcome(for code: TransferError.Code) -> Outcome {
        switch code {
        case .timeout: return .timeout
        case .connectTimeout: return .timeoutConnect
        case .tooSlow: return .tooSlow
        case .connectionRefused: return .connectionRefused
        case .connectionReset: return .connectionReset
        case .dnsFailure: return .dnsFailure
        case .tlsError: return .tlsError
        case .tooLarge: return .tooLarge
        case .partialBody: return .partialBody
        case .protocolError: return .protocolError
        case .decodeError: return .decodeError
        case .cancelled: return .cancelled
        case .invalidRequest: return .urlInvalid
        case .blockedAddress: return .blockedAddress
        default: return .fetchError
        }
    }
}

/// The crawl's byte budget, as the transport sees it.
extension ByteBudget: TransferMemoryBudget {}
