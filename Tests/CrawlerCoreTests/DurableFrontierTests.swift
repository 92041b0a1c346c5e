import CrawlURL
import CrawlerCore
import Foundation
import Synchronization
import Testing

/// An in-memory `CrawlJournal`, as the SQLite store behaves: rows by fingerprint, queue order by
/// sequence, done marks from the sink.
final class MemoryJournal: CrawlJournal {
    struct Row {
        var sequence: Int64
        var url: String
        var depth: Int
        var parent: String?
        var done = false
    }

    struct Contents {
        var rows: [UInt64: Row] = [:]
        var loads = 0
        var largestLoad = 0
    }

    let contents = Mutex(Contents())

    func admitted(_ entries: [JournalAdmission]) {
        contents.withLock { contents in
            for entry in entries where contents.rows[entry.fingerprint.rawValue] == nil {
                contents.rows[entry.fingerprint.rawValue] = Row(
                    sequence: entry.sequence, url: entry.url, depth: entry.depth, parent: entry.parent)
            }
        }
    }

    func commitPending() -> (any Error)? { nil }

    func recordsWritten(_ marks: [JournalMark], outputBytes: Int64) {
        contents.withLock { contents in
            for mark in marks where mark.disposition == .done {
                contents.rows[mark.fingerprint.rawValue]?.done = true
            }
        }
    }

    func loadQueued(after cursor: QueueCursor, limit: Int, completion: @escaping @Sendable ([RestoredURL]) -> Void) {
        let rows = contents.withLock { contents -> [RestoredURL] in
            let queued = contents.rows.filter { !$0.value.done && $0.value.sequence > cursor.sequence }
                .sorted { $0.value.sequence < $1.value.sequence }.prefix(limit)
            contents.loads += 1
            contents.largestLoad = max(contents.largestLoad, queued.count)
            return queued.map { fingerprint, row in
                RestoredURL(
                    fingerprint: URLFingerprint(rawValue: fingerprint), url: row.url, depth: row.depth, parent: row.parent,
                    cursor: QueueCursor(sequence: row.sequence, fingerprint: 0), revisit: nil)
            }
        }
        // Answered from another thread, as the store's thread does.
        Thread { completion(rows) }.start()
    }

    func robotsFetched(host: String, body: [UInt8], fetchedAtMs: Int64) {}

    func storedLinks(of fingerprint: URLFingerprint, completion: @escaping @Sendable ([String]) -> Void) {
        completion([])
    }

    /// What a new run starts from.
    func plan(memoryQueueLimit: Int) -> ResumePlan {
        contents.withLock { contents in
            var seen = SeenSet()
            for fingerprint in contents.rows.keys { seen.insert(URLFingerprint(rawValue: fingerprint)) }
            return ResumePlan(
                journal: self, seen: seen, queuedInStore: contents.rows.values.filter { !$0.done }.count,
                firstSequence: (contents.rows.values.map(\.sequence).max() ?? 0) + 1, memoryQueueLimit: memoryQueueLimit)
        }
    }
}

/// Hands each record's journal mark over at once (the JSONL writer does it after `write(2)`).
final class JournalingSink: RecordSink {
    let records = CollectingRecordSink()
    let journal: MemoryJournal

    init(journal: MemoryJournal) {
        self.journal = journal
    }

    var failure: (any Error)? { nil }
    func write(_ record: CrawlRecord) {
        records.write(record)
        if let mark = record.journalMark { journal.recordsWritten([mark], outputBytes: 0) }
    }
    func finish() async throws {}
}

@Suite("The durable frontier (--state)")
struct DurableFrontierTests {
    /// 400 pages, each linking to ten others: the frontier grows far past a small memory limit.
    static func site() -> [String: FakePage] {
        var pages: [String: FakePage] = [:]
        for n in 0..<400 {
            pages["http://a.test/\(n)"] = FakePage(lines: (1...10).map { "/\((n * 7 + $0 * 37) % 400)" })
        }
        pages["http://a.test/robots.txt"] = FakePage(status: 404)
        return pages
    }

    func run(
        _ pages: [String: FakePage], journal: MemoryJournal, memoryQueueLimit: Int, maxPages: Int? = nil,
        maxPagesPerHost: Int? = nil, urlFilter: URLFilter = .none
    ) async -> (JournalingSink, FakeFetcher, CrawlSummary) {
        var configuration = CrawlConfiguration(
            seeds: [WebURL.parse("http://a.test/0")!], concurrency: 4, parseWorkers: 2, politeness: .unlimited)
        configuration.maxPages = maxPages
        configuration.linkLimits.maxPagesPerHost = maxPagesPerHost
        configuration.runID = "test"
        configuration.urlFilter = urlFilter
        let fetcher = FakeFetcher(pages)
        let sink = JournalingSink(journal: journal)
        let crawler = Crawler(
            configuration: configuration, fetcher: fetcher, makeParser: { LineParser() }, sink: sink,
            resume: journal.plan(memoryQueueLimit: memoryQueueLimit))
        return (sink, fetcher, await crawler.run())
    }

    @Test(.timeLimit(.minutes(1)))
    func aFrontierLargerThanTheMemoryLimitWaitsInTheStoreAndEveryPageIsFetchedOnce() async {
        let journal = MemoryJournal()
        let (sink, fetcher, summary) = await run(Self.site(), journal: journal, memoryQueueLimit: 8)
        #expect(summary.stopReason == .finished)
        let pages = fetcher.hits.filter { !$0.key.hasSuffix("robots.txt") }
        #expect(pages.count == 400)
        #expect(pages.values.allSatisfy { $0 == 1 })
        #expect(sink.records.all.count == 400)
        #expect(Set(sink.records.all.compactMap(\.dedupKey)).count == 400)
        let contents = journal.contents.withLock { $0 }
        #expect(contents.rows.values.allSatisfy { $0.done })
        // The store was read in batches of at most half the memory limit, many times.
        #expect(contents.loads > 10)
        #expect(contents.largestLoad <= 4)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondRunFetchesWhatTheFirstLeftQueuedAndNothingElse() async {
        let journal = MemoryJournal()
        let (first, firstFetcher, firstSummary) = await run(Self.site(), journal: journal, memoryQueueLimit: 50, maxPages: 120)
        #expect(firstSummary.stopReason == .finished)
        #expect(first.records.all.count == 120)
        let queuedAfterFirst = journal.contents.withLock { $0.rows.values.filter { !$0.done }.count }
        #expect(queuedAfterFirst > 0)

        let (second, secondFetcher, _) = await run(Self.site(), journal: journal, memoryQueueLimit: 50)
        let firstURLs = Set(first.records.all.map(\.url))
        let secondURLs = Set(second.records.all.map(\.url))
        #expect(firstURLs.isDisjoint(with: secondURLs), "a URL done in the first run was fetched again")
        #expect(firstURLs.union(secondURLs).count == 400)
        let fetchedTwice = Set(firstFetcher.hits.keys).intersection(secondFetcher.hits.keys).filter { !$0.hasSuffix("robots.txt") }
        #expect(fetchedTwice.isEmpty)
    }

    /// A run's `--exclude` also applies to what an earlier run left queued: those URLs are recorded as
    /// `excluded` (so done, never fetched), and a third run has nothing left.
    @Test(.timeLimit(.minutes(1)))
    func urlsQueuedByAnEarlierRunAreFilteredByThisRunsPatterns() async {
        let journal = MemoryJournal()
        let (first, _, _) = await run(Self.site(), journal: journal, memoryQueueLimit: 50, maxPages: 120)
        let queued = journal.contents.withLock { $0.rows.values.filter { !$0.done }.map(\.url) }
        let endingIn7 = queued.filter { $0.hasSuffix("7") }
        #expect(endingIn7.count > 3 && endingIn7.count < queued.count)

        let filter = URLFilter(includes: [], excludes: [EndsWith("7")])
        let (second, secondFetcher, summary) = await run(Self.site(), journal: journal, memoryQueueLimit: 50, urlFilter: filter)
        let records = second.records.byURL()
        for url in endingIn7 {
            #expect(records[url]?.outcome == .excluded, "\(url)")
            #expect(secondFetcher.hits[url] == nil, "\(url) was fetched")
        }
        #expect(secondFetcher.hits.keys.allSatisfy { !$0.hasSuffix("7") })
        #expect(summary.admitted == second.records.all.count)
        #expect(journal.contents.withLock { $0.rows.values.allSatisfy(\.done) })
        // Every URL has exactly one record over the runs.
        let firstURLs = Set(first.records.all.map(\.url))
        #expect(firstURLs.isDisjoint(with: Set(records.keys)))

        let (third, thirdFetcher, _) = await run(Self.site(), journal: journal, memoryQueueLimit: 50, urlFilter: filter)
        #expect(third.records.all.isEmpty)
        #expect(thirdFetcher.hits.keys.allSatisfy { $0.hasSuffix("robots.txt") })
    }

    @Test(.timeLimit(.minutes(1)))
    func urlsOverThePerHostCapWaitForTheNextRun() async {
        let journal = MemoryJournal()
        var done: Set<String> = []
        // Three runs capped at 150 URLs for the host: 150 + 150 + the last 100, each URL once.
        for (run, expected) in [150, 150, 100].enumerated() {
            let (sink, _, summary) = await self.run(Self.site(), journal: journal, memoryQueueLimit: 50, maxPagesPerHost: 150)
            let urls = Set(sink.records.all.map(\.url))
            #expect(urls.count == expected, "run \(run)")
            #expect(done.isDisjoint(with: urls), "run \(run) fetched a URL again")
            done.formUnion(urls)
            if run == 0 { #expect(summary.statistics.linksOverHostCap > 0) }
        }
        #expect(done.count == 400)
    }
}

/// A fake pattern: a suffix.
struct EndsWith: URLPattern {
    let suffix: String
    init(_ suffix: String) { self.suffix = suffix }
    func matches(_ href: String) -> Bool { href.hasSuffix(suffix) }
}
