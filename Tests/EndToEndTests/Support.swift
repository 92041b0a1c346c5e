import CrawlRuntime
import CrawlURL
import CrawlerCore
import DemoSite
import Foundation

/// Runs the production pipeline (libcurl + libxml2) against local servers.
func runCrawl(
    seeds: [String], concurrency: Int = 16, parseWorkers: Int = 2,
    configure: (inout CrawlConfiguration) -> Void = { _ in },
    fetch: (inout FetchSettings) -> Void = { _ in }
) async throws -> (CollectingRecordSink, CrawlSummary) {
    var configuration = CrawlConfiguration(
        seeds: seeds.compactMap { WebURL.parse($0) }, concurrency: concurrency, parseWorkers: parseWorkers,
        politeness: .unlimited)
    configure(&configuration)
    var settings = FetchSettings(maxTransfers: concurrency, timeout: .seconds(10), connectTimeout: .seconds(2))
    fetch(&settings)
    let sink = CollectingRecordSink()
    let summary = try await CrawlSession.run(configuration, fetch: settings, sink: sink)
    return (sink, summary)
}

/// Requests the servers received, per absolute URL (`http://host:port/uri`).
func hitsByURL(_ stats: RequestStats, hostName: String = "127.0.0.1") -> [String: Int] {
    var hits: [String: Int] = [:]
    for entry in stats.log {
        hits["http://\(hostName):\(entry.port)\(entry.uri)", default: 0] += 1
    }
    return hits
}

/// Starts one server answering from a route table (exact path -> response); other paths are 404.
func startServer(host: String = "127.0.0.1", stats: RequestStats = RequestStats(),
                 routes: @escaping @Sendable (ServerRequest) -> ServerResponse?) async throws -> LocalHTTPServer {
    try await LocalHTTPServer.start(host: host, port: 0, stats: stats) { request in
        routes(request) ?? .notFound()
    }
}
