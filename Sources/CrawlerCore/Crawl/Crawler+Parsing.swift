import CrawlURL

/// Parse-thread work: extract a page's links, admit the new ones, record the page.
extension Crawler {
    func parse(_ work: ParseWork, with parser: any PageParser) {
        let response = work.response
        let job = work.job
        let charset = response.contentType.flatMap(ContentType.charset)
        let page = parser.parse(response.body, charset: charset)
        let hash = ContentHash.of(response.body)
        // The body is done with: its memory-budget bytes go back before the links are admitted.
        response.lease?.release()
        var (candidates, counts) = linkCandidates(of: page, on: job)
        var facts = PageFacts(contentHash: hash)
        if let revisit = job.revisit { facts.changed = revisit.contentHash != hash }
        if journal != nil {
            facts.etag = response.etag
            facts.lastModified = response.lastModified
            facts.links = Self.storedLinkText(candidates, page: job.current)
        }
        let (enqueued, decided) = admitLinks(candidates)
        candidates.removeAll()
        counts.enqueued = enqueued
        record(job, outcome: .ok, status: response.status, contentType: response.contentType,
               bytes: response.body.count, timings: response.timings, title: page.title,
               linkCounts: counts, error: nil, page: facts)
        recordUnfetched(decided)
    }

    /// A conditional re-fetch answered 304: the page is unchanged, and its links are those stored at
    /// its last parse (admitted again, so a link the last run could not admit is not lost).
    func recordNotModified(_ job: FetchJob, response: FetchResponse, revisit: Revisit) async {
        let links = revisit.hasLinks ? await storedLinks(of: job.originFingerprint) : []
        var (candidates, counts) = linkCandidates(of: ParsedPage(links: links.map { ParsedLink(href: $0) }), on: job)
        let (enqueued, decided) = admitLinks(candidates)
        candidates.removeAll()
        counts.enqueued = enqueued
        let facts = PageFacts(
            contentHash: revisit.contentHash, changed: false, etag: response.etag ?? revisit.etag,
            lastModified: response.lastModified ?? revisit.lastModified, links: nil)
        record(job, outcome: .notModified, status: response.status, contentType: response.contentType,
               bytes: response.body.count, timings: response.timings, linkCounts: counts, error: nil, page: facts)
        recordUnfetched(decided)
    }

    /// Admits a page's link candidates; returns how many were admitted and those decided at once.
    func admitLinks(_ candidates: [(FetchJob, URLFingerprint)]) -> (Int, [(FetchJob, Outcome)]) {
        update { dispatch, now in
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
