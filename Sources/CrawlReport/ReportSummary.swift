/// Everything `crawl report` shows, aggregated from one or more JSONL files.
public struct ReportSummary: Sendable {
    /// Per-file reading statistics, in the order given.
    public var files: [FileStats] = []
    /// Records aggregated (valid lines).
    public var records = 0
    /// Invalid lines that were not the last line of their file (corrupt data), all files.
    public var invalidLines = 0
    /// Partial last lines skipped (no trailing newline, or an invalid last line), all files.
    public var partialLastLines = 0
    /// Records by `outcome`.
    public var outcomes: [String: Int] = [:]
    /// Records by HTTP `status`; records with a null status are counted in `statusClasses["none"]`.
    public var statuses: [Int: Int] = [:]
    /// Records by status class: "1xx" ... "5xx", "other", and "none" for a null status.
    public var statusClasses: [String: Int] = [:]
    /// Records that count as failures (`FailurePolicy.isFailure`).
    public var failures = 0
    /// Sum of `bytes`.
    public var totalBytes = 0
    /// Earliest and latest `fetched_at` (Unix milliseconds).
    public var firstFetchMs: Int64?
    public var lastFetchMs: Int64?
    /// Records without a parsable `fetched_at` (left out of the timeline).
    public var untimedRecords = 0
    /// Records and outcomes per time bucket.
    public var timeline = Timeline()
    /// `time_ms` of records that made at least one request (`attempts > 0`).
    public var timeMs: LatencyStats?
    /// `timings.ttfb_ms` of records whose `timings` is not null.
    public var ttfbMs: LatencyStats?
    /// Every host, most records first.
    public var hosts: [HostSummary] = []
    /// The 10 records with the largest `time_ms`, slowest first.
    public var slowest: [PageEntry] = []
    /// The 10 records with the largest `bytes`, largest first.
    public var largest: [PageEntry] = []
    /// Records by `depth`.
    public var depths: [Int: Int] = [:]
    /// Media types (lowercased, parameters removed; "(none)" when absent), most bytes first.
    public var contentTypes: [ContentTypeStats] = []

    /// Hosts with at least one failure, most failures first.
    public var failingHosts: [HostSummary] {
        hosts.filter { $0.failures > 0 }.sorted { ($0.failures, $1.host) > ($1.failures, $0.host) }
    }

    /// Seconds from the first to the last `fetched_at`.
    public var spanSeconds: Double? {
        guard let a = firstFetchMs, let b = lastFetchMs else { return nil }
        return Double(b - a) / 1000
    }

    /// Fetches started per second: the intervals between the first and the last `fetched_at` over
    /// the span (n starts make n-1 intervals: a crawl at one request a second over 3 URLs spans 2 s
    /// and is 1.0, not 1.5, which would exceed its own peak). Over one bucket when the span is 0.
    public var averageRatePerSecond: Double? {
        guard let span = spanSeconds else { return nil }
        let timed = records - untimedRecords
        return span > 0 ? Double(max(0, timed - 1)) / span : Double(timed) / Double(timeline.bucketSeconds)
    }

    public init() {}
}

/// How one input file was read.
public struct FileStats: Sendable, Equatable {
    public var path: String
    public var bytesRead = 0
    public var records = 0
    /// Invalid lines other than the last one.
    public var invalidLines = 0
    /// 1 when the last line was partial (no newline, or invalid JSON) and was skipped.
    public var partialLastLines = 0

    public init(path: String) { self.path = path }
}

/// Quantiles of a latency, in milliseconds, from a `LogHistogram` (±1% relative error) except
/// `min`, `max` and `mean`, which are exact.
public struct LatencyStats: Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var p25: Double
    public var p50: Double
    public var p75: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
    public var mean: Double

    init?(_ h: LogHistogram) {
        guard h.count > 0, let p25 = h.quantile(0.25), let p50 = h.quantile(0.5), let p75 = h.quantile(0.75),
              let p90 = h.quantile(0.9), let p99 = h.quantile(0.99), let mean = h.mean else { return nil }
        self.count = h.count
        self.min = h.min
        self.p25 = p25
        self.p50 = p50
        self.p75 = p75
        self.p90 = p90
        self.p99 = p99
        self.max = h.max
        self.mean = mean
    }
}

/// Per-host aggregates.
public struct HostSummary: Sendable {
    public var host: String
    public var records = 0
    public var failures = 0
    public var bytes = 0
    /// Records by outcome, for this host.
    public var outcomes: [String: Int] = [:]
    /// Failures by kind: the failing outcome, or "http_5xx" for a status >= 500 with another outcome.
    public var failureKinds: [String: Int] = [:]
    public var timeMs: LatencyStats?
    public var ttfbMs: LatencyStats?

    /// The most frequent failure kind, for the failing-hosts table.
    public var topFailure: String? {
        failureKinds.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    public init(host: String) { self.host = host }
}

/// One page in the slowest / largest lists.
public struct PageEntry: Sendable, Equatable {
    public var url: String
    public var host: String
    public var outcome: String
    public var status: Int?
    public var timeMs: Double
    public var bytes: Int
}

/// Records and bytes for one media type.
public struct ContentTypeStats: Sendable, Equatable {
    public var mediaType: String
    public var count: Int
    public var bytes: Int
}

/// Records per time bucket (from `fetched_at`), overall and by outcome.
public struct Timeline: Sendable {
    /// Width of a bucket: 1 s unless the files span more than `TimelineAccumulator.maxBuckets`
    /// seconds, in which case it doubles until they fit.
    public var bucketSeconds = 1
    /// Unix time (seconds) of the first bucket's start.
    public var startUnixSeconds: Int64 = 0
    /// Records per bucket.
    public var totals: [Int] = []
    /// Records per bucket for each outcome (same length as `totals`).
    public var outcomes: [String: [Int]] = [:]

    /// URLs per second in each bucket.
    public var ratePerSecond: [Double] { totals.map { Double($0) / Double(bucketSeconds) } }

    /// The highest URLs per second of a bucket that lies wholly between the first and the last fetch.
    /// An edge bucket the records only partly fill would understate its rate: a 0.4 s crawl's one
    /// bucket shows 0.4 s of work as a second's, a "peak" below the average. Nil when no bucket is
    /// whole (a span shorter than two buckets, say).
    public func peakRatePerSecond(firstFetchMs: Int64, lastFetchMs: Int64) -> Double? {
        let width = Int64(bucketSeconds)
        var peak: Double?
        for (index, count) in totals.enumerated() {
            let startMs = (startUnixSeconds + Int64(index) * width) * 1000
            guard startMs >= firstFetchMs, startMs + width * 1000 <= lastFetchMs else { continue }
            let rate = Double(count) / Double(bucketSeconds)
            peak = max(peak ?? rate, rate)
        }
        return peak
    }
}

/// Which records count as failures (docs/jsonl-schema.md, "counts as a failure").
public enum FailurePolicy {
    /// Outcomes that are failures whatever the status.
    public static let failureOutcomes: Set<String> = [
        "timeout", "timeout_connect", "too_slow", "partial_body", "connection_reset", "connection_refused",
        "protocol_error", "too_large", "decode_error", "tls_error", "dns_failure", "fetch_error", "rate_limited",
    ]
    /// Pseudo-outcome used in per-host failure breakdowns for a status >= 500 with another outcome.
    public static let http5xx = "http_5xx"

    /// A failure: a failing outcome, or a status of 500 or more.
    public static func isFailure(outcome: String, status: Int?) -> Bool {
        failureOutcomes.contains(outcome) || (status ?? 0) >= 500
    }
}
