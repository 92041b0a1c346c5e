import CrawlURL

/// Parse-thread work: extract a page's links, admit the new ones, record the page.
extension Crawler {
    func parse(_ work: ParseWork, with parser: any PageParser) {
        let response = work.response
        let charset = response.contentType.flatMap(ContentType.charset)
        let page = parser.parse(response.body, charset: charset)
        // The body is done with: its memory-budget bytes go back before the links are admitted.
        response.lease?.release()
        var (candidates, counts) = linkCandidates(of: page, on: work.job)
        let (enqueued, decided) = update { dispatch, now in
            var admitted = 0
            var decided: [(FetchJob, Outcome)] = []
            for (job, fingerprint) in candidates {
                switch dispatch.state.admit(job, fingerprint: fingerprint, now: now) {
                case .queued:
                    admitted += 1
                case .record(let job, let outcome):
                    admitted += 1
                    decided.append((job, outcome))
                case .rejected:
                    break
                }
            }
            return (admitted, decided)
        }
        candidates.removeAll()
        counts.enqueued = enqueued
        record(work.job, outcome: .ok, status: response.status, contentType: response.contentType,
               bytes: response.body.count, timings: response.timings, title: page.title,
               linkCounts: counts, error: nil)
        recordUnfetched(decided)
    }

    /// Resolves, filters and fingerprints a page's links (outside the lock: this is the per-link work).
    func linkCandidates(of page: ParsedPage, on job: FetchJob) -> ([(FetchJob, URLFingerprint)], LinkCounts) {
        var counts = LinkCounts()
        counts.found = page.links.count
        if page.nofollow {
            counts.nofollow = counts.found
            return ([], counts)
        }
        let childDepth = job.depth + 1
        if let maxDepth = configuration.maxDepth, childDepth > maxDepth {
            counts.beyondDepth = counts.found
            return ([], counts)
        }
        let base = page.baseHref.flatMap { WebURL.parse($0, base: job.current) } ?? job.current
        let parent = job.current.href
        var candidates: [(FetchJob, URLFingerprint)] = []
        candidates.reserveCapacity(page.links.count)
        for link in page.links {
            if link.nofollow {
                counts.nofollow += 1
                continue
            }
            guard let url = WebURL.parse(link.href, base: base) else {
                counts.invalid += 1
                continue
            }
            guard url.isHTTP else {
                counts.droppedScheme += 1
                continue
            }
            guard scope.contains(url) else {
                counts.outOfScope += 1
                continue
            }
            let clean = url.removingFragment
            let fingerprint = URLFingerprint(key: clean.dedupKey)
            candidates.append((FetchJob(url: clean, fingerprint: fingerprint, depth: childDepth, parent: parent), fingerprint))
        }
        counts.candidates = candidates.count
        return (candidates, counts)
    }
}
