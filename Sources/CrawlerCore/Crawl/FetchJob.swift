import CrawlURL

/// One URL's way through the crawl: admitted to the frontier, fetched (following redirects hop by hop,
/// each hop queued at its own host), maybe parsed, and finally recorded once.
///
/// The host queues hold the compact `QueuedJob` instead (80 bytes), so this layout matters for jobs
/// in flight and waiting to be parsed. It is 128 bytes (it was 240): times are nanoseconds in
/// `Int64`, counters are narrow, and what only a redirected job needs (the hop being fetched and the
/// hops before it) lives in a shared box that almost no job allocates. The properties keep their
/// plain types for the code that uses them.
struct FetchJob: Sendable {
    enum Kind: Sendable {
        /// A URL of the crawl: recorded once.
        case page
        /// A host's robots.txt: gates the host's other work, and is not recorded.
        case robots
    }

    /// A redirected job's hop to fetch next and the hops before it. Immutable and replaced on every
    /// change, so copies of a job never share a mutation.
    private final class Detour: Sendable {
        let current: WebURL
        let hops: [URLFingerprint]

        init(current: WebURL, hops: [URLFingerprint]) {
            self.current = current
            self.hops = hops
        }
    }

    /// The URL as admitted (fragment removed): the record's `url`.
    let origin: WebURL
    /// The page the link was found on (nil for seeds).
    let parent: String?
    /// The origin's fingerprint (the hops' are in `hops`), to catch loops before the hop limit.
    let originFingerprint: URLFingerprint
    private var detour: Detour?
    /// What the last run learnt of this URL, when it is re-fetched (`--recrawl-after`).
    var revisit: Revisit?
    private var startedAtNanoseconds = Int64.min
    /// The wall-clock time of the first hop's start; set at first dispatch.
    var fetchedAtMs: Int64 = 0
    private var queuedAtNanoseconds: Int64 = 0
    private var rateWaitNanoseconds: Int64 = 0
    private let depthValue: Int32
    private var attemptCount: UInt16 = 0
    /// Counted in a byte: see `maxRedirects`.
    private var redirectCount: UInt8 = 0
    /// Bit 0: a robots.txt job; bit 1: `reportsStart`.
    private var flags: UInt8

    init(url: WebURL, fingerprint: URLFingerprint, depth: Int, parent: String?, kind: Kind = .page) {
        flags = kind == .robots ? 1 : 0
        origin = url
        depthValue = Int32(clamping: depth)
        self.parent = parent
        originFingerprint = fingerprint
    }

    /// A job that never started, rebuilt from what `QueuedJob` keeps of it.
    init(unstarted url: WebURL, fingerprint: URLFingerprint, depth: Int, parent: String?, revisit: Revisit?, queuedAtNanoseconds: Int64) {
        self.init(url: url, fingerprint: fingerprint, depth: depth, parent: parent)
        self.revisit = revisit
        self.queuedAtNanoseconds = queuedAtNanoseconds
    }

    /// For a job that never started (a page job with no attempt, hop, start time or rate wait yet),
    /// when it was queued: the one field it holds beyond its URL, parent, depth, fingerprint and
    /// revisit. Nil for any other job. `QueuedJob` keeps such a job in its compact form.
    var unstartedQueuedAtNanoseconds: Int64? {
        guard flags == 0, detour == nil, attemptCount == 0, redirectCount == 0, startedAtNanoseconds == .min,
              fetchedAtMs == 0, rateWaitNanoseconds == 0 else { return nil }
        return queuedAtNanoseconds
    }

    /// The most redirect hops a job can count; the crawl follows at most this many whatever
    /// `CrawlConfiguration.maxRedirects` says.
    static let maxRedirects = Int(UInt8.max)

    /// Link hops from a seed (0 for seeds).
    var depth: Int { Int(depthValue) }

    var kind: Kind { flags & 1 == 0 ? .page : .robots }

    /// The host is rate-limited: the worker reports when the request really starts.
    var reportsStart: Bool {
        get { flags & 2 != 0 }
        set { flags = newValue ? flags | 2 : flags & ~2 }
    }

    /// The hop to fetch next (the origin, or a redirect target).
    var current: WebURL {
        get { detour?.current ?? origin }
        set { detour = Detour(current: newValue, hops: hops) }
    }

    /// Fingerprints of the redirect hops after the origin (empty for almost every job).
    var hops: [URLFingerprint] {
        get { detour?.hops ?? [] }
        set { detour = Detour(current: current, hops: newValue) }
    }

    var redirects: Int {
        get { Int(redirectCount) }
        set { redirectCount = UInt8(clamping: newValue) }
    }

    /// Requests made for this URL, counting retries but not redirect hops (1 + retries).
    var attempts: Int {
        get { Int(attemptCount) }
        set { attemptCount = UInt16(clamping: newValue) }
    }

    /// When the first hop started (crawl clock); set at first dispatch.
    var startedAt: Duration? {
        get { startedAtNanoseconds == .min ? nil : .nanoseconds(startedAtNanoseconds) }
        set { startedAtNanoseconds = newValue.map(Self.nanoseconds) ?? .min }
    }

    /// When the job last entered a host queue (crawl clock).
    var queuedAt: Duration {
        get { .nanoseconds(queuedAtNanoseconds) }
        set { queuedAtNanoseconds = Self.nanoseconds(newValue) }
    }

    /// Time its requests waited for their host's politeness (token, Crawl-delay, Retry-After,
    /// backoff) after being queued.
    var rateWait: Duration {
        get { .nanoseconds(rateWaitNanoseconds) }
        set { rateWaitNanoseconds = Self.nanoseconds(newValue) }
    }

    /// A crawl-clock instant in whole nanoseconds, saturating (292 years either way).
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min + 1 : .max }
        let (sum, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min + 1 : .max }
        return sum == .min ? .min + 1 : sum
    }

    /// Whether this chain already went through `fingerprint`.
    func visited(_ fingerprint: URLFingerprint) -> Bool {
        fingerprint == originFingerprint || hops.contains(fingerprint)
    }

    /// The politeness key of the hop to fetch next.
    var hostKey: String { current.hostKey }

    /// The robots.txt fetch that gates `url`'s host.
    static func robots(for url: WebURL) -> FetchJob? {
        guard let robotsURL = WebURL.parse("/robots.txt", base: url) else { return nil }
        return FetchJob(url: robotsURL, fingerprint: URLFingerprint(rawValue: 0), depth: 0, parent: nil, kind: .robots)
    }
}
