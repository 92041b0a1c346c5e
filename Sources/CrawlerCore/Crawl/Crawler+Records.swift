import CrawlURL

/// Every URL's one record goes through here.
extension Crawler {
    func record(
        _ job: FetchJob, outcome: Outcome, status: Int?, contentType: String?, bytes: Int,
        timings: FetchTimings?, title: String? = nil, linkCounts: LinkCounts? = nil,
        redirectTarget: String? = nil, error: String?, page: PageFacts? = nil
    ) {
        let record = makeRecord(
            job, outcome: outcome, status: status, contentType: contentType, bytes: bytes, timings: timings,
            title: title, linkCounts: linkCounts, redirectTarget: redirectTarget, error: error, page: page)
        sink.write(record)
        let outputFailed = sink.failure != nil
        let hostKey = job.hostKey
        update { dispatch, _ in
            Self.account(record, linkCounts: linkCounts, hostKey: hostKey, in: &dispatch)
            if outputFailed { Self.stopForOutput(&dispatch) }
        }
    }

    /// Writes a record already counted (`account`); stops the crawl if the output has failed.
    func write(_ record: CrawlRecord) {
        sink.write(record)
        if sink.failure != nil {
            update { dispatch, _ in Self.stopForOutput(&dispatch) }
        }
    }

    /// The crawl's bookkeeping for one record, under the lock: statistics, the hosts recorded, and
    /// its URL finished.
    static func account(_ record: CrawlRecord, linkCounts: LinkCounts?, hostKey: String, in dispatch: inout Dispatch) {
        dispatch.statistics.count(record)
        dispatch.hostsRecorded.insert(hostKey)
        if let linkCounts { dispatch.statistics.add(linkCounts) }
        dispatch.state.finish()
    }

    private static func stopForOutput(_ dispatch: inout Dispatch) {
        if dispatch.stopReason == nil {
            dispatch.stopReason = .outputFailed
            _ = dispatch.state.stop()
        }
    }

    /// A URL's record, not yet written or counted.
    func makeRecord(
        _ job: FetchJob, outcome: Outcome, status: Int?, contentType: String?, bytes: Int,
        timings: FetchTimings?, title: String? = nil, linkCounts: LinkCounts? = nil,
        redirectTarget: String? = nil, error: String?, page: PageFacts? = nil
    ) -> CrawlRecord {
        let now = clock.now()
        let elapsed = now - (job.startedAt ?? now)
        var record = CrawlRecord(
            url: job.origin.href, finalURL: job.current.href, host: job.current.hostDisplay,
            depth: job.depth, parent: job.parent, status: status, outcome: outcome,
            contentType: contentType, bytes: bytes, title: title,
            linksFound: linkCounts?.found ?? 0, linksEnqueued: linkCounts?.enqueued ?? 0,
            redirects: job.redirects, redirectTarget: redirectTarget, attempts: job.attempts,
            rateWaitMs: job.rateWait.milliseconds,
            fetchedAtMs: job.startedAt == nil ? clock.wallClockMilliseconds() : job.fetchedAtMs,
            timeMs: elapsed.milliseconds, timings: timings, error: error
        )
        record.runID = configuration.runID
        record.dedupKey = key(of: job.origin)
        record.contentHash = page?.contentHash
        record.changed = page?.changed
        record.duplicateOf = page?.duplicateOf
        record.linksDropped = linkCounts
        if journal != nil {
            record.journalMark = JournalMark(
                fingerprint: job.originFingerprint, hops: job.hops, disposition: JournalMark.disposition(for: outcome),
                status: status, outcome: outcome, fetchedAtMs: record.fetchedAtMs, etag: page?.etag,
                lastModified: page?.lastModified, contentHash: page?.contentHash, links: page?.links)
        }
        return record
    }

    /// Records URLs decided without a (further) fetch: robots.txt disallows them, or their host was
    /// given up or skipped.
    func recordUnfetched(_ decided: [(FetchJob, Outcome)]) {
        // The cause of an unreachable robots.txt (a certificate refused, a 503) is what the user can
        // act on; looked up in one lock trip for the batch (a dropped host's whole queue).
        let reasons = decided.contains { $0.1 == .robotsUnreachable } ? dispatch.withLock { $0.robotsFailureReasons } : [:]
        for (job, outcome) in decided {
            let error: String?
            switch outcome {
            case .robotsUnreachable:
                let reason = reasons[job.hostKey]
                error = "robots.txt unreachable" + (reason.map { " (\($0))" } ?? "") + ": RFC 9309 treats the host as disallowed"
            case .crawlDelayTooLong: error = "robots.txt Crawl-delay exceeds --max-crawl-delay"
            default: error = nil
            }
            record(job, outcome: outcome, status: nil, contentType: nil, bytes: 0, timings: nil, error: error)
        }
    }
}

/// What a record says of a fetched page beyond its status: its body's hash, whether it changed since
/// the last run, and (with `--state`) the validators and links to keep for the next re-fetch.
struct PageFacts {
    var contentHash: UInt64?
    var changed: Bool?
    var etag: String?
    var lastModified: String?
    var links: String?
    var duplicateOf: String?
}

extension WebURL {
    /// Host and non-default port, as in the URL's authority (`example.com:8080`).
    var hostDisplay: String {
        guard let host else { return "" }
        if let port { return "\(host):\(port)" }
        return host
    }
}
