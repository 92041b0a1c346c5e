import CrawlURL

/// The durable state (`--state`): reading queued URLs back from the store, and the records' journal
/// marks.
extension Crawler {
    /// Reads the next batch of queued URLs from the store; they join the frontier when they arrive
    /// (on the store's thread, which only takes the dispatch lock briefly).
    func loadFromStore(after cursor: QueueCursor) {
        guard let journal else { return }
        let batch = dispatch.withLock { $0.state.store?.batchSize ?? 1 }
        journal.loadQueued(after: cursor, limit: batch) { [self] rows in
            restore(rows)
        }
    }

    private func restore(_ rows: [RestoredURL]) {
        // URLs are parsed outside the lock. A stored URL that no longer parses (a parser change) is
        // skipped, but still moves the cursor and the counts. One that this run's `--include` /
        // `--exclude` leave out (they may differ from the run that queued it) is recorded as
        // `excluded`, and so done; a seed (depth 0) is fetched whatever they say, as on the command line.
        let filter = configuration.urlFilter
        let jobs = rows.map { row -> RestoredJob in
            guard let url = WebURL.parse(row.url) else { return RestoredJob(job: nil, cursor: row.cursor) }
            var job = FetchJob(url: url, fingerprint: row.fingerprint, depth: row.depth, parent: row.parent)
            job.revisit = row.revisit
            return RestoredJob(job: job, cursor: row.cursor, excluded: row.depth > 0 && !filter.allows(url.href))
        }
        let decided = update { dispatch, now in
            dispatch.state.restore(jobs, now: now)
        }
        recordUnfetched(decided)
    }

    /// The links stored at the page's last parse, read on the store's thread.
    func storedLinks(of fingerprint: URLFingerprint) async -> [String] {
        guard let journal else { return [] }
        return await withCheckedContinuation { continuation in
            journal.storedLinks(of: fingerprint) { continuation.resume(returning: $0) }
        }
    }

    /// A page's in-scope links as stored for a later 304: one per line, each distinct, those on the
    /// page's own origin without it (`/path?q`), so they cost a few dozen bytes each.
    static func storedLinkText(_ candidates: [(FetchJob, URLFingerprint)], page: WebURL) -> String {
        let href = page.href
        var prefix = ""
        if let schemeEnd = href.range(of: "://"),
           let pathStart = href[schemeEnd.upperBound...].firstIndex(of: "/") {
            prefix = String(href[...pathStart])  // "http://host:port/"
        }
        // hrefs are ASCII (the WHATWG serialisation percent-encodes and punycodes), so counting
        // Characters is counting bytes; keep the prefix's "/".
        let originLength = max(0, prefix.count - 1)
        var seen = Set<UInt64>()
        var text = ""
        text.reserveCapacity(candidates.count * 40)
        for (job, fingerprint) in candidates where seen.insert(fingerprint.rawValue).inserted {
            let link = job.origin.href
            if !text.isEmpty { text.append("\n") }
            if !prefix.isEmpty, link.hasPrefix(prefix) {
                text.append(contentsOf: link.dropFirst(originLength))
            } else {
                text.append(link)
            }
        }
        return text
    }
}
