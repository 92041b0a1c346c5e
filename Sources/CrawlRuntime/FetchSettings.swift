import CrawlerCore
import CurlTransport

/// Limits of every fetch (`--timeout`, `--connect-timeout`, `--max-body-bytes`, ...). libcurl's own
/// defaults in 7.88 are unsafe for a crawler (no total timeout, unlimited bodies), so each is explicit.
public struct FetchSettings: Sendable {
    /// Most transfers in flight at once (the fetch pool's size, `--concurrency`).
    public var maxTransfers: Int
    public var userAgent: String
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Cap on the raw and on the decoded body, enforced while streaming.
    public var maxBodyBytes: Int
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` is aborted (`too_slow`).
    public var lowSpeedLimit: Int
    public var lowSpeedTime: Duration
    /// libcurl `CURLOPT_RESOLVE` entries, `host:port:address`.
    public var resolve: [String]
    /// The most body bytes held at once across the crawl (`--memory-budget`); nil = no budget.
    public var memoryBudget: ByteBudget?
    /// `--allow-private-addresses`: connect to loopback, private and link-local addresses for any
    /// host. Without it only the `trustedHosts` may resolve to such addresses; every other host's
    /// connection is refused at connect time (`blocked_address`), redirect hops included.
    public var allowPrivateAddresses = false
    /// Host names (as in URLs: lowercase, IPv6 in brackets) that may resolve to non-public addresses:
    /// the seeds' hosts, since the user chose them. `CrawlSession` fills it from the seeds.
    public var trustedHosts: Set<String> = []
    /// `--ca-file`: a PEM file of the certificate authorities to trust instead of the system's.
    public var caFile: String?
    /// `--header`: sent with every request, robots.txt included; credential headers only to the
    /// `trustedHosts` (see `RequestHeader`).
    public var headers: [RequestHeader] = []
    /// `--cookies`: keep the cookies servers set, in memory for the run, and send them back as a
    /// browser would (libcurl's cookie engine).
    public var keepsCookies = false
    /// `--proxy`: every request, robots.txt included, goes through this proxy (CURLOPT_PROXY: an
    /// `http://`, `https://` or `socks*://` URL); nil: none, and the `http_proxy` family of environment
    /// variables is ignored, so a cron job's environment cannot reroute a crawl. Through a proxy the
    /// address policy sees only the proxy's address, which the user chose, so it is allowed; the
    /// destination is resolved and reached by the proxy, out of crawl's sight.
    public var proxy: String?
    /// `--io-priority`: nice steps by which the parse threads run below the curl thread. The curl
    /// thread runs every transfer and the fetch workers, the crawl's one serial stage, while the parse
    /// threads are several and can wait. Only the parse threads move (down, which needs no privilege),
    /// so the crawl never takes priority over other processes. With a value above 0 they also run as
    /// batch threads (Linux's SCHED_BATCH), which do not preempt on wake-up. 0: every thread at the
    /// process's priority and policy.
    public var ioPriority = 5

    public static let defaultUserAgent = "crawl/\(CrawlVersion.number)"

    /// Whether the transport will take `userAgent` (`CurlClientConfiguration.isSendable`).
    public static func isValid(userAgent: String) -> Bool {
        !userAgent.isEmpty && CurlClientConfiguration.isSendable(userAgent: userAgent)
    }

    /// Raises the open-file limit as far as it goes; then, when `concurrency` transfers could run out
    /// of descriptors under it, says why (see `OpenFileBudget`).
    public static func openFileProblem(concurrency: Int) -> String? {
        guard let limit = OpenFileBudget.raiseLimit() else { return nil }
        let fits = OpenFileBudget.maxTransfers(limit: limit)
        guard concurrency > fits else { return nil }
        let needed = concurrency * OpenFileBudget.perTransfer + OpenFileBudget.reserve
        return "--concurrency \(concurrency) needs up to \(needed) open files, and this process may open \(limit) (ulimit -n): "
            + (fits > 0 ? "lower --concurrency to \(fits) or raise the limit." : "raise the limit.")
    }

    /// Proxy schemes libcurl 7.88 speaks (`socks5h` and `socks4a`: the proxy resolves host names).
    public static let proxySchemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    /// Why `--proxy` cannot be used, or nil: it needs one of `proxySchemes`, a host, and no blank or
    /// control byte (libcurl would take a scheme-less `proxy:3128` as http, but an explicit scheme
    /// keeps a typo such as `socks5:/host` from becoming an http proxy named `socks5`).
    public static func problem(withProxy proxy: String) -> String? {
        guard !proxy.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return "a blank or control character" }
        guard let separator = proxy.range(of: "://") else { return "no scheme (e.g. http://proxy.example:3128)" }
        let scheme = proxy[..<separator.lowerBound].lowercased()
        guard proxySchemes.contains(scheme) else {
            return "scheme '\(scheme)' is not one of \(proxySchemes.joined(separator: ", "))"
        }
        let authority = proxy[separator.upperBound...].prefix { $0 != "/" }
        let host = authority.split(separator: "@").last.map(String.init) ?? ""
        guard !host.isEmpty, !host.hasPrefix(":") else { return "no host" }
        return nil
    }

    /// Why the transport would refuse a `--resolve` entry (`ResolveEntry`), or nil.
    public static func problem(withResolveEntry entry: String) -> String? {
        ResolveEntry.problem(with: entry)
    }

    public init(
        maxTransfers: Int = 32, userAgent: String = FetchSettings.defaultUserAgent, timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), maxBodyBytes: Int = 10 << 20, lowSpeedLimit: Int = 1000,
        lowSpeedTime: Duration = .seconds(20), resolve: [String] = [], memoryBudget: ByteBudget? = nil
    ) {
        self.memoryBudget = memoryBudget
        self.maxTransfers = maxTransfers
        self.userAgent = userAgent
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.resolve = resolve
    }
}
