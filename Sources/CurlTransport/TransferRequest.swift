/// One HTTP GET to perform with ``CurlClient``.
///
/// Every limit is explicit: libcurl 7.88's defaults are unbounded (no total timeout, no body cap),
/// and a crawler talks to hostile servers.
public struct TransferRequest: Sendable {
    /// The absolute http(s) URL, exactly as handed to libcurl.
    public var url: String
    /// Extra request headers as `"Name: value"` lines (e.g. conditional headers).
    public var headers: [String]
    /// Cap on the body, enforced both on raw (on-the-wire) bytes and on decoded bytes.
    public var maxBodyBytes: Int
    /// Total time for the whole transfer.
    public var timeout: Duration
    /// Time allowed for DNS, TCP connect and TLS handshake.
    public var connectTimeout: Duration
    /// Abort when fewer than this many bytes/s arrive for `lowSpeedTime`; 0 turns the check off.
    public var lowSpeedLimit: Int
    /// Window for `lowSpeedLimit`; curl counts whole seconds, so this is rounded up.
    public var lowSpeedTime: Duration
    /// When set, a 2xx response whose Content-Type names a media type outside this set (lowercase,
    /// without parameters, e.g. `text/html`) does not have its body stored: the transfer ends with
    /// `TransferError.Code.bodySkipped` right after the headers. A response without Content-Type is
    /// read normally (the caller sniffs it). Bodies that declare at most `skippedBodyReadLimit` bytes
    /// are read and discarded instead of aborted, because aborting closes the connection and a new
    /// TCP connection costs more than a few KiB.
    public var acceptedMediaTypes: Set<String>?
    /// See `acceptedMediaTypes`.
    public var skippedBodyReadLimit: Int = 64 << 10
    /// When true, a body over `maxBodyBytes` is cut at the cap and the transfer ends successfully with
    /// `TransferResponse.bodyTruncated` set, instead of failing with `tooLarge` (robots.txt: RFC 9309
    /// asks to parse the first 500 KiB). Raw bytes are still capped, at twice the cap plus 64 KiB.
    public var truncatesBody = false
    /// When set, the body's bytes are admitted against this budget (see `TransferMemoryBudget`): the
    /// transfer pauses at its first body byte until its weight is granted. The weight is the declared
    /// Content-Length, or `maxBodyBytes` (capped by the budget's capacity) when the length is unknown
    /// or the body is content-encoded; it shrinks to the actual size when the transfer completes. A body
    /// that declares more than the capacity ends at once as `tooLarge`. On success the response's
    /// `heldBytes` are the caller's to release; on failure the transport releases everything.
    public var memoryBudget: (any TransferMemoryBudget)?
    /// When false, a connection to a loopback, private, link-local or otherwise non-public address
    /// (`AddressScope`) is refused when the socket is opened, after name resolution: the transfer
    /// fails with `TransferError.Code.blockedAddress`. Checking the resolved address, not the URL's
    /// host text, is what keeps DNS names that point inward (or rebind) from getting through.
    /// Through a proxy the check sees the proxy's address instead.
    public var allowsNonPublicAddresses = true
    /// CURLOPT_COOKIE: cookies (`name=value; name2=value2`) sent in the same `Cookie` line as the
    /// client's cookie jar (`CurlClientConfiguration.keepsCookies`), where a `Cookie` entry in
    /// `headers` would make a second line (RFC 6265 5.4 allows one). Nil: none.
    public var cookie: String?
    /// Called once, on the multi thread, when the request is about to be sent: after the connection
    /// (TCP, TLS) is set up or taken from the pool, so a host's rate limit can count from when the
    /// request really reached the wire. Not called when the transfer fails before that (DNS, connect,
    /// a refused address). Keep it short: it runs inside a curl callback, and must not call into
    /// the client synchronously.
    public var onSend: (@Sendable () -> Void)?

    /// Creates a request with crawler-friendly defaults (10 MiB cap, 30 s total, 10 s connect,
    /// abort below 1 KiB/s over 15 s).
    public init(
        url: String,
        headers: [String] = [],
        maxBodyBytes: Int = 10 << 20,
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        lowSpeedLimit: Int = 1024,
        lowSpeedTime: Duration = .seconds(15),
        acceptedMediaTypes: Set<String>? = nil
    ) {
        self.acceptedMediaTypes = acceptedMediaTypes
        self.url = url
        self.headers = headers
        self.maxBodyBytes = maxBodyBytes
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
    }
}

extension TransferRequest {
    /// Why libcurl must not see this request, or nil when it is acceptable.
    ///
    /// A NUL would silently truncate the C string; CR or LF in a header would let a caller (or a
    /// URL taken from a hostile page) inject headers.
    var validationFailure: String? {
        if url.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) {
            return "URL contains a NUL, CR or LF byte"
        }
        for header in headers where header.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) {
            return "request header contains a NUL, CR or LF byte"
        }
        if maxBodyBytes < 0 { return "maxBodyBytes is negative" }
        return nil
    }
}

extension Duration {
    /// Milliseconds for curl's `*_MS` options, rounded up so a tiny positive duration never
    /// becomes 0 (which curl reads as "no limit"); at least 1.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 1 }
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return Int.max }
        let frac = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(ms.partialValue) + Int(frac)
    }

    /// Whole seconds, rounded up, at least 1 (for CURLOPT_LOW_SPEED_TIME).
    var curlSeconds: Int {
        (curlMilliseconds + 999) / 1000
    }
}
