/// Where records go. Called from fetch workers and parse threads concurrently, once per URL.
public protocol RecordSink: Sendable {
    /// Accepts one record. Must not block for long: it runs on parse threads and on the cooperative pool.
    func write(_ record: CrawlRecord)
    /// Flushes and closes. Throws if any write failed.
    func finish() async throws
    /// The first write error, if one happened (the crawl stops dispatching when it sees one).
    var failure: (any Error)? { get }
}
