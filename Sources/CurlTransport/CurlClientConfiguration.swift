/// Settings for one ``CurlClient`` (one multi handle on one thread).
public struct CurlClientConfiguration: Sendable {
    /// Most transfers in flight at once (clamped to 1...100,000); further `perform` calls wait in a
    /// FIFO inside the client.
    public var maxTransfers: Int
    /// The User-Agent header sent with every request.
    public var userAgent: String
    /// Most connections to one host (CURLMOPT_MAX_HOST_CONNECTIONS); 0 = unlimited. Transfers
    /// over the limit are queued inside libcurl and count as in flight.
    public var maxHostConnections: Int
    /// CURLOPT_RESOLVE entries `"host:port:address"`: pin names to addresses (tests, users).
    public var resolve: [String]
    /// Cap on the bytes of all response header lines of one transfer. libcurl 7.88 has no such
    /// limit (CVE-2023-38039, fixed in 8.3.0): an endless header stream would exhaust memory.
    public var maxHeaderBytes: Int
    /// CURLOPT_PROXY, e.g. `"http://proxy:3128"`. Nil means no proxy at all: libcurl would otherwise
    /// silently honour `http_proxy` / `HTTPS_PROXY` from the environment.
    public var proxy: String?
    /// CURLOPT_CAINFO: a PEM file of the certificate authorities to trust, instead of the system's
    /// (an intranet's private CA). Nil: the system's.
    public var caFile: String?
    /// Keep the cookies servers set (`Set-Cookie`) and send them back, as a browser would (libcurl's
    /// cookie engine: domain, path, secure and expiry rules), in memory for the client's life.
    public var keepsCookies = false

    /// Whether libcurl may send `userAgent` as given: no control byte but tab. libcurl copies it into
    /// the request verbatim, so a CR or LF would start header lines of its own. Checked on bytes: in a
    /// `String`, "\r\n" is one `Character`, equal to neither "\r" nor "\n".
    public static func isSendable(userAgent: String) -> Bool {
        !userAgent.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
    }

    /// Creates a configuration; the defaults suit a polite crawler on a small machine.
    public init(
        maxTransfers: Int = 64,
        userAgent: String = "crawl/0.1",
        maxHostConnections: Int = 0,
        resolve: [String] = [],
        maxHeaderBytes: Int = 256 << 10,
        proxy: String? = nil,
        caFile: String? = nil
    ) {
        self.maxTransfers = maxTransfers
        self.userAgent = userAgent
        self.maxHostConnections = maxHostConnections
        self.resolve = resolve
        self.maxHeaderBytes = maxHeaderBytes
        self.proxy = proxy
        self.caFile = caFile
    }
}
