import DemoSite
import Foundation
import Testing

/// A crawl by the binary of two local servers under two host names: `seed.test` (the seed, `/`) and
/// `other.test`, both on 127.0.0.1 through `--resolve`, with `--scope all` so the seed's links to the
/// other host are followed. The servers are shut down before it returns.
struct TwoHostCrawl {
    var result: BinaryRunner.Result
    /// The output's records by URL.
    var records: [String: [String: Any]]
    var seedLog: [RequestLogEntry]
    var otherLog: [RequestLogEntry]

    /// `handlers`: the seed's, given the other host's base URL; then the other host's.
    static func run(
        _ extra: [String],
        seed seedHandler: @escaping @Sendable (_ otherURL: String, ServerRequest) -> ServerResponse,
        other otherHandler: @escaping @Sendable (ServerRequest) -> ServerResponse
    ) async throws -> TwoHostCrawl {
        let other = try await LocalHTTPServer.start(handler: otherHandler)
        let otherURL = "http://other.test:\(other.port)"
        let seed = try await LocalHTTPServer.start { seedHandler(otherURL, $0) }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://seed.test:\(seed.port)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "out.jsonl", "--host-rate", "0", "--quiet", "--scope", "all",
             "--allow-private-addresses",
             "--resolve", "seed.test:\(seed.port):127.0.0.1", "--resolve", "other.test:\(other.port):127.0.0.1"] + extra,
            in: directory)
        let seedLog = seed.stats.log
        let otherLog = other.stats.log
        await seed.shutdown()
        await other.shutdown()
        var records: [String: [String: Any]] = [:]
        for line in ((try? Data(contentsOf: directory.appendingPathComponent("out.jsonl"))) ?? Data()).split(separator: 0x0A) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            records[try #require(object["url"] as? String)] = object
        }
        return TwoHostCrawl(result: result, records: records, seedLog: seedLog, otherLog: otherLog)
    }

    /// A request's header value (the first of that name, any case).
    static func header(_ name: String, of entry: RequestLogEntry) -> String? {
        entry.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
