import CrawlURL

/// Timings of the last request of a URL's redirect chain, as libcurl measured them (milliseconds).
public struct FetchTimings: Sendable, Equatable {
    public var dnsMs: Double
    public var connectMs: Double
    public var tlsMs: Double
    public var ttfbMs: Double

    public init(dnsMs: Double = 0, connectMs: Double = 0, tlsMs: Double = 0, ttfbMs: Double = 0) {
        self.dnsMs = dnsMs
        self.connectMs = connectMs
        self.tlsMs = tlsMs
        self.ttfbMs = ttfbMs
    }
}

/// One JSONL line: the outcome of one URL. Field meanings are documented in docs/jsonl-schema.md.
public struct CrawlRecord: Sendable {
    /// Bumped whenever a field changes meaning or is removed; additions keep the version.
    public static let schemaVersion = 1

    public var url: String
    public var finalURL: String
    public var host: String
    public var depth: Int
    public var parent: String?
    public var status: Int?
    public var outcome: Outcome
    public var contentType: String?
    public var bytes: Int
    public var title: String?
    public var linksFound: Int
    public var linksEnqueued: Int
    public var redirects: Int
    /// When the chain stopped at a redirect that was not followed (loop, limit, offsite, duplicate,
    /// blocked scheme): the resolved `Location` (or the raw one when it did not parse).
    public var redirectTarget: String?
    /// Requests made for the URL, counting retries but not redirect hops (0 when never fetched).
    public var attempts: Int
    /// Milliseconds its requests waited for their host's politeness after being queued.
    public var rateWaitMs: Double
    /// Wall-clock time of the first request, milliseconds since the Unix epoch (UTC).
    public var fetchedAtMs: Int64
    public var timeMs: Double
    public var timings: FetchTimings?
    public var error: String?
    /// The run that wrote the record (one id per `crawl` invocation).
    public var runID: String?
    /// The URL's duplicate-detection key: the union of several runs' outputs is deduplicated on it.
    public var dedupKey: String?
    /// A hash of the body of a parsed page (16 hex digits in JSONL), to tell changed pages.
    public var contentHash: UInt64?
    /// On a re-fetch (`--recrawl-after`): whether the page changed since the last fetch (false for
    /// `not_modified`); nil when there was no earlier fetch to compare with.
    public var changed: Bool?
    /// For a parsed page: what happened to its links that were not admitted, by reason.
    public var linksDropped: LinkCounts?
    /// For a parsed page whose body is byte-identical (same `content_hash`) to a page recorded
    /// earlier in this run: that page's URL. nil for the first page with that body.
    public var duplicateOf: String?
    /// What the record means for the durable state (`--state`); not written to the output.
    public var journalMark: JournalMark?

    public init(
        url: String, finalURL: String, host: String, depth: Int, parent: String?, status: Int?,
        outcome: Outcome, contentType: String? = nil, bytes: Int = 0, title: String? = nil,
        linksFound: Int = 0, linksEnqueued: Int = 0, redirects: Int = 0, redirectTarget: String? = nil, attempts: Int = 1, rateWaitMs: Double = 0, fetchedAtMs: Int64,
        timeMs: Double, timings: FetchTimings? = nil, error: String? = nil
    ) {
        self.url = url
        self.finalURL = finalURL
        self.host = host
        self.depth = depth
        self.parent = parent
        self.status = status
        self.outcome = outcome
        self.contentType = contentType
        self.bytes = bytes
        self.title = title
        self.linksFound = linksFound
        self.linksEnqueued = linksEnqueued
        self.redirects = redirects
        self.redirectTarget = redirectTarget
        self.attempts = attempts
        self.rateWaitMs = rateWaitMs
        self.fetchedAtMs = fetchedAtMs
        self.timeMs = timeMs
        self.timings = timings
        self.error = error
    }

    /// A failure for error accounting: transport failures and 5xx answers. A 4xx is an outcome.
    public var isFailure: Bool {
        if outcome.isTransportFailure { return true }
        if let status, status >= 500 { return true }
        return false
    }
}

extension CrawlRecord {
    /// Encodes the record as one JSON object followed by "\n", appended to `out`.
    /// Hand-written rather than JSONEncoder: it runs once per URL on the hot path, must escape
    /// U+2028/U+2029 (JSONEncoder writes them raw), and keeps the field order stable for readers.
    public func encodeLine(into out: inout [UInt8]) {
        var json = JSONObjectWriter(into: out)
        out = []
        json.field("schema_version", Self.schemaVersion)
        json.field("url", WebURL.redactingPassword(in: url))
        json.field("final_url", WebURL.redactingPassword(in: finalURL))
        json.field("host", host)
        json.field("depth", depth)
        json.field("parent", parent.map(WebURL.redactingPassword(in:)))
        json.field("status", status)
        json.field("outcome", outcome.rawValue)
        json.field("content_type", contentType)
        json.field("bytes", bytes)
        json.field("title", title)
        json.field("links_found", linksFound)
        json.field("links_enqueued", linksEnqueued)
        json.field("redirects", redirects)
        json.field("redirect_target", redirectTarget.map(WebURL.redactingPassword(in:)))
        json.field("attempts", attempts)
        json.field("rate_wait_ms", rateWaitMs)
        json.field("fetched_at", RFC3339.format(millisecondsSinceEpoch: fetchedAtMs))
        json.field("time_ms", timeMs)
        if let timings {
            json.beginObjectField("timings")
            json.field("dns_ms", timings.dnsMs)
            json.field("connect_ms", timings.connectMs)
            json.field("tls_ms", timings.tlsMs)
            json.field("ttfb_ms", timings.ttfbMs)
            json.endObject()
        } else {
            json.nullField("timings")
        }
        json.field("error", error)
        json.field("run_id", runID)
        json.field("dedup_key", dedupKey)
        json.field("content_hash", hex: contentHash)
        json.field("changed", changed)
        if let dropped = linksDropped {
            // Only the reasons that occurred, keyed by the outcome vocabulary where one applies.
            // (Field by field: an array of the pairs would be an allocation per page record.)
            func nonZero(_ key: StaticString, _ count: Int) { if count > 0 { json.field(key, count) } }
            json.beginObjectField("links_dropped")
            nonZero("seen", dropped.seenOrOverLimit)
            nonZero("out_of_scope", dropped.outOfScope)
            nonZero("excluded", dropped.excluded)
            nonZero("nofollow", dropped.nofollow)
            nonZero("beyond_depth", dropped.beyondDepth)
            nonZero("url_invalid", dropped.invalid)
            nonZero("dropped_scheme", dropped.droppedScheme)
            nonZero("url_too_long", dropped.tooLong)
            nonZero("trap_suspected", dropped.trap)
            nonZero("outlink_cap", dropped.outlinkCap)
            nonZero("host_page_cap", dropped.hostCap)
            json.endObject()
        } else {
            json.nullField("links_dropped")
        }
        json.field("duplicate_of", duplicateOf.map(WebURL.redactingPassword(in:)))
        out = json.finishLine()
    }
}
