import CrawlURL

/// What a parse thread keeps across pages: its parser (thread-confined) and its link memo.
final class ParseThread {
    let parser: any PageParser
    /// Nil when admission has side effects the memo would skip (see `LinkMemo`).
    let linkMemo: LinkMemo?

    init(parser: any PageParser, linkMemo: LinkMemo?) {
        self.parser = parser
        self.linkMemo = linkMemo
    }
}

@available(*, unavailable)
extension ParseThread: Sendable {}

/// Parse-thread work: extract a page's links, admit the new ones, record the page.
extension Crawler {
    func parse(_ work: ParseWork, on thread: ParseThread) {
        let response = work.response
        let job = work.job
        let charset = response.contentType.flatMap(ContentType.charset)
        var page = thread.parser.parse(response.body, charset: charset)
        if !response.robotsTags.isEmpty, XRobotsTag.forbidsFollowing(response.robotsTags, agent: configuration.politeness.robotsAgent) {
            page.nofollow = true
        }
        let hash = ContentHash.of(response.body)
        // The body is done with: its memory-budget bytes go back before the links are admitted.
        response.lease?.release()
        var (candidates, counts) = linkCandidates(of: page, on: job, memo: thread.linkMemo)
        var facts = PageFacts(contentHash: hash)
        // Nil (unknown) when the last fetch left no hash to compare with.
        facts.changed = job.revisit?.contentHash.map { $0 != hash }
        if journal != nil {
            facts.etag = response.etag
            facts.lastModified = response.lastModified
            facts.links = Self.storedLinkText(candidates, page: job.current)
        }
        var record = makeRecord(
            job, outcome: .ok, status: response.status, contentType: response.contentType, bytes: response.body.count,
            timings: response.timings, title: page.title, linkCounts: counts, error: nil, page: facts)
        let hostKey = job.hostKey
        // One lock trip: the links are admitted, and the page's record (completed with what admission
        // found) is counted and its URL finished. It is written just after, before this thread takes
        // other work, so it is in the sink before the crawl can end (`run` joins the parse threads).
        let decided = update { dispatch, now in
            let admission = Self.admit(candidates, content: (hash, job.origin.href), in: &dispatch, now: now)
            counts.enqueued = admission.admitted
            counts.hostCap = admission.overHostLimit
            record.linksEnqueued = counts.enqueued
            record.linksDropped = counts
            record.duplicateOf = admission.duplicateOf
            Self.account(record, linkCounts: counts, hostKey: hostKey, in: &dispatch)
            return admission.decided
        }
        // Admitted or refused for good: later occurrences are rejected too (see `LinkMemo`).
        thread.linkMemo?.rememberCandidates()
        candidates.removeAll()
        write(record)
        recordUnfetched(decided)
    }

    /// A conditional re-fetch answered 304: the page is unchanged, and its links are those stored at
    /// its last parse (admitted again, so a link the last run could not admit is not lost).
    func recordNotModified(_ job: FetchJob, response: FetchResponse, revisit: Revisit) async {
        let links = revisit.hasLinks ? await storedLinks(of: job.originFingerprint) : []
        var (candidates, counts) = linkCandidates(of: ParsedPage(links: links.map { ParsedLink(href: $0) }), on: job)
        let (enqueued, overHostLimit, decided, _) = admitLinks(candidates)
        candidates.removeAll()
        counts.enqueued = enqueued
        counts.hostCap = overHostLimit
        let facts = PageFacts(
            contentHash: revisit.contentHash, changed: false, etag: response.etag ?? revisit.etag,
            lastModified: response.lastModified ?? revisit.lastModified, links: nil)
        record(job, outcome: .notModified, status: response.status, contentType: response.contentType,
               bytes: response.body.count, timings: response.timings, linkCounts: counts, error: nil, page: facts)
        recordUnfetched(decided)
    }

    /// Admits a page's link candidates. Returns the counts of those admitted and of those refused by
    /// `--max-pages-per-host`, and those decided at once. Given the page's body hash and URL (`admit`),
    /// also returns the URL of an earlier page with the same body (in the same lock trip).
    func admitLinks(
        _ candidates: [(FetchJob, URLFingerprint)]
    ) -> (admitted: Int, overHostLimit: Int, decided: [(FetchJob, Outcome)], duplicateOf: String?) {
        update { dispatch, now in Self.admit(candidates, content: nil, in: &dispatch, now: now) }
    }

    /// `admitLinks` under the lock the caller holds.
    static func admit(
        _ candidates: [(FetchJob, URLFingerprint)], content: (hash: UInt64, url: String)?, in dispatch: inout Dispatch, now: Duration
    ) -> (admitted: Int, overHostLimit: Int, decided: [(FetchJob, Outcome)], duplicateOf: String?) {
        let duplicateOf = content.flatMap { dispatch.firstURLs.firstURL(for: $0.hash, recording: $0.url) }
        var admitted = 0
        var overHostLimit = 0
        var decided: [(FetchJob, Outcome)] = []
        for (job, fingerprint) in candidates {
            switch dispatch.state.admit(job, fingerprint: fingerprint, now: now) {
            case .queued:
                admitted += 1
            case .record(let job, let outcome):
                admitted += 1
                decided.append((job, outcome))
            case .overHostLimit:
                overHostLimit += 1
            case .rejected:
                break
            }
        }
        return (admitted, overHostLimit, decided, duplicateOf)
    }

    /// The URL's duplicate-detection key: `dedupKey` without the configured session parameters.
    func key(of url: WebURL) -> String {
        url.dedupKey(stripping: configuration.linkLimits.sessionParameters)
    }

    /// The link limit a URL breaks (`url_too_long`, `trap_suspected`), or nil.
    func limitOutcome(for url: WebURL) -> Outcome? {
        let limits = configuration.linkLimits
        if url.href.utf8.count > limits.maxURLLength { return .urlTooLong }
        // A closure, not `limits.isTrapPath`: the method reference boxed `limits` on the heap per link.
        if url.withPathUTF8({ limits.isTrapPath($0) }) { return .trapSuspected }
        return nil
    }

    /// Resolves, filters and fingerprints a page's links (outside the lock: this is the per-link work).
    ///
    /// With a `memo`, a link it holds is counted as a candidate but not returned (admission would
    /// reject it), and the candidates returned are told to it, for the caller to have it remember them
    /// once they went through admission (`rememberCandidates`).
    func linkCandidates(of page: ParsedPage, on job: FetchJob, memo: LinkMemo? = nil) -> ([(FetchJob, URLFingerprint)], LinkCounts) {
        var counts = LinkCounts()
        counts.found = page.links.count + page.linksTruncated
        let limits = configuration.linkLimits
        if page.nofollow {
            counts.nofollow = counts.found
            return ([], counts)
        }
        let childDepth = job.depth + 1
        if let maxDepth = configuration.maxDepth, childDepth > maxDepth {
            counts.beyondDepth = counts.found
            return ([], counts)
        }
        // The first <base href> counts only if it is an http(s) URL: a `javascript:` or unparsable
        // base is ignored (the document URL is used), so it cannot turn every link into a dead one.
        let base = page.baseHref.flatMap { WebURL.parse($0, base: job.current) }.flatMap { $0.isHTTP ? $0 : nil } ?? job.current
        let parent = job.current.href
        var candidates: [(FetchJob, URLFingerprint)] = []
        candidates.reserveCapacity(page.links.count)
        // Candidates so far, those the memo answered included (they count against the outlink cap).
        var candidateCount = 0
        // Every link looked up before the loop: the lookups then run back to back and their cache
        // misses overlap. (An over-long href is refused below unread; it is not hashed either.)
        memo?.lookUp(page.links, base: base, maxHrefLength: limits.maxURLLength)
        let filter = configuration.urlFilter
        for (index, link) in page.links.enumerated() {
            if link.nofollow {
                counts.nofollow += 1
                continue
            }
            if memo?.isRemembered(index) == true {
                // Passed every check below before (the same href resolves to the same URL here), and
                // was admitted or refused for good then.
                guard candidateCount < limits.maxOutlinksPerPage else {
                    counts.outlinkCap += 1
                    continue
                }
                candidateCount += 1
                continue
            }
            // An href far longer than any admitted URL is refused unparsed: parsing a 20 MB
            // attribute only to measure it would cost a copy per link.
            guard link.href.utf8.count <= limits.maxURLLength else {
                counts.tooLong += 1
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
            if let refused = limitOutcome(for: clean) {
                if refused == .urlTooLong { counts.tooLong += 1 } else { counts.trap += 1 }
                continue
            }
            guard filter.isEmpty || filter.allows(clean.href) else {
                counts.excluded += 1
                continue
            }
            guard candidateCount < limits.maxOutlinksPerPage else {
                counts.outlinkCap += 1
                continue
            }
            candidateCount += 1
            let fingerprint = URLFingerprint(key: key(of: clean))
            candidates.append((FetchJob(url: clean, fingerprint: fingerprint, depth: childDepth, parent: parent), fingerprint))
            memo?.becameCandidate(index)
        }
        counts.outlinkCap += page.linksTruncated
        counts.candidates = candidateCount
        return (candidates, counts)
    }
}
