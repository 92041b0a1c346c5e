/// Counts kept while the crawl runs, for the summary.
public struct CrawlStatistics: Sendable {
    public var recordsByOutcome: [Outcome: Int] = [:]
    /// Records by HTTP status class ("2xx", "3xx", "4xx", "5xx"); records without status are not counted.
    public var recordsByStatusClass: [String: Int] {
        var classes: [String: Int] = [:]
        for (index, count) in statusClassCounts.enumerated() where count > 0 { classes["\(index + 1)xx"] = count }
        return classes
    }
    /// Counts for 1xx...5xx: counted under the crawl's lock for every record, so no String is built there.
    private var statusClassCounts = [Int](repeating: 0, count: 5)
    public var records = 0
    public var failures = 0
    /// Records whose URL was fetched: a response arrived and the record is not a failure (2xx-4xx,
    /// `not_modified`, redirects, `unsupported_content`).
    public var fetched = 0
    public var bodyBytes = 0
    /// Links found on parsed pages, and what happened to those not admitted.
    public var linksFound = 0
    public var linksEnqueued = 0
    public var linksInvalid = 0
    public var linksDroppedScheme = 0
    public var linksOutOfScope = 0
    /// Links left out by `--include` / `--exclude`.
    public var linksExcluded = 0
    public var linksNofollow = 0
    public var linksBeyondDepth = 0
    /// Links refused by `LinkLimits`: too long, trap-like paths, over the per-page cap, over the
    /// per-host page cap.
    public var linksTooLong = 0
    public var linksTrapSuspected = 0
    public var linksOverOutlinkCap = 0
    public var linksOverHostCap = 0
    /// Links in scope that were not admitted because they were already seen or over `--max-pages`.
    public var linksDuplicateOrOverLimit = 0
    /// robots.txt requests made, and how many found the file unreachable (5xx, 429, network).
    public var robotsFetches = 0
    public var robotsFailures = 0
    /// Lines of the robots.txt files fetched that were not valid rules (an HTML soft-404 page served
    /// as robots.txt has many): the file was still used, with its valid lines.
    public var robotsParseWarnings = 0
    /// `Sitemap:` URLs listed in the robots.txt files fetched (distinct, at most `maxSitemaps`), kept
    /// for later use (the run summary; sitemap-driven discovery).
    public private(set) var sitemaps: [String] = []
    private var sitemapSet = Set<String>()
    public static let maxSitemaps = 10_000

    mutating func addSitemaps(_ urls: [String]) {
        for url in urls where sitemaps.count < Self.maxSitemaps && sitemapSet.insert(url).inserted {
            sitemaps.append(url)
        }
    }

    public init() {}

    /// Per host (the records' `host` field).
    public var hosts: [String: HostTally] = [:]

    mutating func count(_ record: CrawlRecord) {
        records += 1
        hosts[record.host, default: HostTally()].records += 1
        if record.isFailure { hosts[record.host, default: HostTally()].failures += 1 }
        recordsByOutcome[record.outcome, default: 0] += 1
        if let status = record.status, status >= 100, status < 600 {
            statusClassCounts[status / 100 - 1] += 1
        }
        if record.isFailure { failures += 1 }
        if record.status != nil, !record.isFailure { fetched += 1 }
        bodyBytes += record.bytes
    }

    /// Records of URLs the crawl could not fetch: failures, and URLs of hosts it could not crawl
    /// (`robots_unreachable`, `error_budget_exhausted`, neither of them a failure).
    public var unfetchable: Int {
        failures + recordsByOutcome[.robotsUnreachable, default: 0] + recordsByOutcome[.errorBudgetExhausted, default: 0]
    }

    /// When the crawl fetched no URL at all, though it tried (every URL failed, or its host's
    /// robots.txt was unreachable, or its host's budget was spent): the reason, with the outcomes and
    /// their counts, most frequent first. Nil when a URL was fetched, or when nothing was tried (every
    /// seed disallowed by robots.txt, say: the server answered).
    public var nothingFetchedDetail: String? {
        guard fetched == 0, unfetchable > 0 else { return nil }
        let counted = recordsByOutcome
            .filter { $0.key.isTransportFailure || $0.key == .httpError || $0.key == .robotsUnreachable || $0.key == .errorBudgetExhausted }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
        return "no URL could be fetched: " + counted.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }

    mutating func add(_ links: LinkCounts) {
        linksFound += links.found
        linksEnqueued += links.enqueued
        linksInvalid += links.invalid
        linksDroppedScheme += links.droppedScheme
        linksOutOfScope += links.outOfScope
        linksExcluded += links.excluded
        linksNofollow += links.nofollow
        linksBeyondDepth += links.beyondDepth
        linksTooLong += links.tooLong
        linksTrapSuspected += links.trap
        linksOverOutlinkCap += links.outlinkCap
        linksOverHostCap += links.hostCap
        linksDuplicateOrOverLimit += links.candidates - links.enqueued - links.hostCap
    }
}

/// What happened to the links of one page.
public struct LinkCounts: Sendable, Equatable {
    public var found = 0
    public var invalid = 0
    public var droppedScheme = 0
    public var outOfScope = 0
    /// Left out by `--include` / `--exclude`.
    public var excluded = 0
    public var nofollow = 0
    public var beyondDepth = 0
    public var tooLong = 0
    public var trap = 0
    public var outlinkCap = 0
    /// Candidates refused because their host reached `--max-pages-per-host`.
    public var hostCap = 0
    /// Links that passed every filter (then admitted, or already seen / over `--max-pages`).
    public var candidates = 0
    public var enqueued = 0

    public init() {}

    /// Candidates not admitted because they were seen before or over `--max-pages`.
    public var seenOrOverLimit: Int { max(0, candidates - enqueued - hostCap) }
}

/// Records and failures of one host (its `host` field).
public struct HostTally: Sendable {
    public var records = 0
    public var failures = 0
}
