import Synchronization

/// Keeps records in memory: for embedding the crawler in a program, and for tests.
public final class CollectingRecordSink: RecordSink {
    private let records = Mutex<[CrawlRecord]>([])

    public init() {}

    public var all: [CrawlRecord] { records.withLock { $0 } }
    public var failure: (any Error)? { nil }

    public func write(_ record: CrawlRecord) {
        records.withLock { $0.append(record) }
    }

    public func finish() async throws {}

    /// Records keyed by their `url` (each URL has one record).
    public func byURL() -> [String: CrawlRecord] {
        Dictionary(all.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
