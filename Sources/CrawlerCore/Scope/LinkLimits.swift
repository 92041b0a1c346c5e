import CrawlURL

/// Limits that keep spider traps, absurd URLs and link-farm pages from exhausting a crawl.
/// A link refused by one of them is not fetched; the page that carried it counts it in its record's
/// `links_dropped` (see docs/jsonl-schema.md) and the run summary counts it too.
public struct LinkLimits: Sendable {
    /// Longest URL (UTF-8 bytes of the serialised URL) admitted; longer links count as `url_too_long`.
    /// 2,083 is the limit of Scrapy, Heritrix and old Internet Explorer.
    public var maxURLLength: Int
    /// Most path segments a URL may have (`trap_suspected` beyond); Heritrix's default, 20.
    public var maxPathSegments: Int
    /// Most times one path segment may occur in a URL's path (`/a/a/a/` has `a` three times):
    /// the signature of relative links that keep extending the path (`trap_suspected` beyond).
    public var maxSegmentRepeats: Int
    /// Most links of one page admitted (`outlink_cap` beyond), so one page of a million links cannot
    /// flood the frontier.
    public var maxOutlinksPerPage: Int
    /// Most URLs admitted per host (scheme + host + port) in one run; nil = no limit. URLs over the
    /// limit count as `skipped_budget`, and with `--state` wait for the next run.
    public var maxPagesPerHost: Int?
    /// Parameters removed from the duplicate-detection key (session ids).
    public var sessionParameters: SessionParameters

    public init(
        maxURLLength: Int = 2083, maxPathSegments: Int = 20, maxSegmentRepeats: Int = 2,
        maxOutlinksPerPage: Int = 5000, maxPagesPerHost: Int? = nil, sessionParameters: SessionParameters = .default
    ) {
        self.maxURLLength = max(16, maxURLLength)
        self.maxPathSegments = max(1, maxPathSegments)
        self.maxSegmentRepeats = max(1, maxSegmentRepeats)
        self.maxOutlinksPerPage = max(0, maxOutlinksPerPage)
        self.maxPagesPerHost = maxPagesPerHost.map { max(0, $0) }
        self.sessionParameters = sessionParameters
    }

    /// Whether a path looks like a trap: too many segments, or one segment repeated too often.
    /// Empty segments (`//`) count as segments but never as repeats. Byte-level, and without heap
    /// allocation (this runs for every link); the pairwise comparison is quadratic only in the
    /// segment count, which is at most `maxPathSegments` by then.
    public func isTrapPath(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var count = 0
        for byte in path where byte == UInt8(ascii: "/") {
            count += 1
            if count > maxPathSegments { return true }
        }
        guard count > maxSegmentRepeats else { return false }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { starts in
            var n = 0
            for i in 0..<path.count where path[i] == UInt8(ascii: "/") {
                starts[n] = i + 1
                n += 1
            }
            func segment(_ k: Int) -> Range<Int> {
                starts[k]..<(k + 1 < n ? starts[k + 1] - 1 : path.count)
            }
            for a in 0..<n {
                let first = segment(a)
                guard !first.isEmpty else { continue }
                var occurrences = 1
                for b in (a + 1)..<n {
                    let other = segment(b)
                    guard other.count == first.count, equal(path, first, other) else { continue }
                    occurrences += 1
                    if occurrences > maxSegmentRepeats { return true }
                }
            }
            return false
        }
    }

    /// `isTrapPath` on a path string (for tests and callers without the bytes at hand).
    public func isTrapPath(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { isTrapPath($0) }
    }

    private func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        var i = a.lowerBound
        var j = b.lowerBound
        while i < a.upperBound {
            if bytes[i] != bytes[j] { return false }
            i += 1
            j += 1
        }
        return true
    }
}
