import CrawlRuntime
import CrawlURL
import CrawlerCore
import Foundation
import Synchronization
import TestTiming
import Testing

/// The scenario file's test-scale config, mapped onto the crawler's settings.
///
/// | config key                | crawler knob                                                        |
/// |---------------------------|---------------------------------------------------------------------|
/// | max_redirects 5           | `CrawlConfiguration.maxRedirects`                                   |
/// | connect_timeout_s 2       | `FetchSettings.connectTimeout`                                      |
/// | total_timeout_s 10        | `FetchSettings.timeout`                                             |
/// | low_speed_bytes_per_s 1000 / low_speed_window_s 3 | `FetchSettings.lowSpeedLimit` / `.lowSpeedTime` |
/// | max_body_raw_bytes / max_body_decoded_bytes 2,000,000 | one knob for both: `FetchSettings.maxBodyBytes` |
/// | max_depth 10              | `CrawlConfiguration.maxDepth`                                       |
/// | host_error_budget 5       | `ErrorBudgetSettings.hostMaxErrors`                                 |
/// | retry_max 2               | `PolitenessSettings.retries`                                        |
/// | retry_after_cap_s 30      | `PolitenessSettings.maxRetryDelay`                                  |
/// | robots_max_bytes 512000   | the constant `FetchRequest.robotsMaxBytes` (no knob; checked equal) |
/// | robots_max_redirects 5    | the internal constant `Crawler.robotsMaxRedirects` (no knob)        |
/// | max_url_length 2083, max_path_segments 20, max_path_segment_repeats 2, max_outlinks_per_page 1000, max_pages_per_host 200 | `CrawlConfiguration.linkLimits` (`LinkLimits`, the lead's trap limits) |
///
/// Politeness defaults for the scenarios: no rate limit and no robots.txt (our own servers), unless a
/// scenario is about them; retries and their 1 s base backoff are the crawler's defaults.
enum ScenarioConfig {
    static var maxRedirects: Int { Int(HostileFixture.knob("max_redirects") ?? 5) }
    static var hostErrorBudget: Int { Int(HostileFixture.knob("host_error_budget") ?? 5) }
    static var retryMax: Int { Int(HostileFixture.knob("retry_max") ?? 2) }
    static var maxBodyBytes: Int { Int(HostileFixture.knob("max_body_raw_bytes") ?? 2_000_000) }

    static func configuration(seeds: [String]) -> CrawlConfiguration {
        var configuration = CrawlConfiguration(
            seeds: seeds.compactMap { WebURL.parse($0) }, concurrency: 8, parseWorkers: 2,
            maxDepth: Int(HostileFixture.knob("max_depth") ?? 10), scope: .host, maxRedirects: maxRedirects,
            politeness: PolitenessSettings(
                hostRate: 0, obeyRobots: false, retries: retryMax,
                maxRetryDelay: .seconds(HostileFixture.knob("retry_after_cap_s") ?? 30)),
            errorBudget: ErrorBudgetSettings(hostMaxErrors: hostErrorBudget))
        configuration.linkLimits = linkLimits
        return configuration
    }

    /// The config's trap knobs, as `LinkLimits`.
    static var linkLimits: LinkLimits {
        LinkLimits(
            maxURLLength: Int(HostileFixture.knob("max_url_length") ?? 2083),
            maxPathSegments: Int(HostileFixture.knob("max_path_segments") ?? 20),
            maxSegmentRepeats: Int(HostileFixture.knob("max_path_segment_repeats") ?? 2),
            maxOutlinksPerPage: Int(HostileFixture.knob("max_outlinks_per_page") ?? 1000),
            maxPagesPerHost: Int(HostileFixture.knob("max_pages_per_host") ?? 200))
    }

    static func fetchSettings() -> FetchSettings {
        var settings = FetchSettings(
            maxTransfers: 8,
            timeout: .seconds(HostileFixture.knob("total_timeout_s") ?? 10),
            connectTimeout: .seconds(HostileFixture.knob("connect_timeout_s") ?? 2),
            maxBodyBytes: maxBodyBytes,
            lowSpeedLimit: Int(HostileFixture.knob("low_speed_bytes_per_s") ?? 1000),
            lowSpeedTime: .seconds(HostileFixture.knob("low_speed_window_s") ?? 3))
        // Every scenario server is on loopback, and other names are mapped there with CURLOPT_RESOLVE:
        // the address policy (`blocked_address`, the lead's U-scenarios) must let them through.
        settings.allowPrivateAddresses = true
        return settings
    }
}

/// What one scenario run produced, read back from the JSONL file the real writer wrote.
struct ScenarioRun: Sendable {
    var records: [CrawlRecord]
    /// Each output line, decoded as JSON (the file was checked: one valid UTF-8 JSON object per line).
    var lines: [JSONValue]
    /// The JSONL file's bytes as written.
    var output: [UInt8]
    var summary: CrawlSummary
    var wall: Duration

    func record(_ url: String) -> CrawlRecord? { records.first { $0.url == url } }
    func outcome(_ url: String) -> Outcome? { record(url)?.outcome }
}

/// Runs the real pipeline (libcurl fetch pool, libxml2 parse pool) for one scenario, writing records
/// through `JSONLWriter` into a temporary file, and checks that output.
enum Scenario {
    static func run(
        seeds: [String], resolve: [String] = [], exclusive: Bool = false,
        configure: (inout CrawlConfiguration) -> Void = { _ in },
        fetch: (inout FetchSettings) -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ScenarioRun {
        var configuration = ScenarioConfig.configuration(seeds: seeds)
        configure(&configuration)
        var settings = ScenarioConfig.fetchSettings()
        settings.resolve = resolve
        fetch(&settings)

        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("hostile-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        await ScenarioGate.shared.enter(exclusive: exclusive)
        let writer: JSONLWriter
        do {
            writer = try JSONLWriter(path: path)
        } catch {
            await ScenarioGate.shared.leave(exclusive: exclusive)
            throw error
        }
        let collector = CollectingRecordSink()
        let sink = TeeSink(first: writer, second: collector)
        let started = ContinuousClock.now
        let summary: CrawlSummary
        do {
            summary = try await CrawlSession.run(configuration, fetch: settings, sink: sink)
            try await writer.finish()
        } catch {
            await ScenarioGate.shared.leave(exclusive: exclusive)
            throw error
        }
        let wall = ContinuousClock.now - started
        await ScenarioGate.shared.leave(exclusive: exclusive)

        let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
        let lines = validateJSONL(bytes, records: collector.all, sourceLocation: sourceLocation)
        if ProcessInfo.processInfo.environment["HOSTILE_VERBOSE"] != nil {
            // Diagnostics on demand: each record's outcome, and the run's wall time.
            for record in collector.all {
                print("hostile \(sourceLocation.fileName):\(sourceLocation.line) \(record.url.prefix(120)) -> \(record.outcome.rawValue)"
                      + " status=\(record.status.map(String.init) ?? "-") attempts=\(record.attempts) bytes=\(record.bytes)"
                      + " error=\(record.error ?? "-") wall=\(wall)")
            }
        }
        return ScenarioRun(records: collector.all, lines: lines, output: bytes, summary: summary, wall: wall)
    }

    /// The output checks every scenario makes: the file is whole lines split on 0x0A only, each valid
    /// UTF-8 and one JSON object; as many lines as records; one record per URL, the same URLs and
    /// outcomes as the records handed to the sink.
    static func validateJSONL(_ bytes: [UInt8], records: [CrawlRecord], sourceLocation: SourceLocation) -> [JSONValue] {
        #expect(bytes.isEmpty || bytes.last == 0x0A, "output ends with a newline", sourceLocation: sourceLocation)
        let raw = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        var lines: [JSONValue] = []
        for line in raw {
            guard String(validating: line, as: UTF8.self) != nil else {
                Issue.record("a JSONL line is not valid UTF-8", sourceLocation: sourceLocation)
                continue
            }
            #expect((try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any],
                    "a JSONL line is not a JSON object", sourceLocation: sourceLocation)
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line)) else { continue }
            lines.append(value)
        }
        #expect(raw.count == records.count, "lines == records", sourceLocation: sourceLocation)
        let urls = lines.compactMap { $0["url"]?.string }
        #expect(Set(urls).count == urls.count, "one record per URL", sourceLocation: sourceLocation)
        // (The file shows a password as "***": WebURL+Credentials.)
        let recordURLs = records.map { WebURL.redactingPassword(in: $0.url) }
        #expect(Set(urls) == Set(recordURLs), "the file holds the sink's records", sourceLocation: sourceLocation)
        let fileOutcomes = Dictionary(lines.compactMap { l in l["url"]?.string.map { ($0, l["outcome"]?.string ?? "") } },
                                      uniquingKeysWith: { a, _ in a })
        for (record, url) in zip(records, recordURLs) {
            #expect(fileOutcomes[url] == record.outcome.rawValue, sourceLocation: sourceLocation)
        }
        return lines
    }

    /// Checks a run against the scenario's `wall_s_max` (plus `margin`, documented per use). The limit
    /// is the scenario's "wall clock per fetch": every record's `time_ms` (first request to record)
    /// must be within it. The whole run (client start-up, threads, shutdown) gets 1.5 s more, since
    /// on a loaded 2-core machine those alone have taken 0.1 s.
    static func expectWall(_ run: ScenarioRun, _ id: String, margin: Duration = .zero,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        guard let limit = HostileFixture.scenario(id)?.wallMax else {
            Issue.record("\(id) has no wall_s_max", sourceLocation: sourceLocation)
            return
        }
        let slowest = Duration.milliseconds(Int64(run.records.map(\.timeMs).max() ?? 0))
        #expect(slowest <= limit + margin, "\(id): a fetch took \(slowest) > \(limit) + \(margin)", sourceLocation: sourceLocation)
        // The whole run's 1.5 s of slack holds with the suite alone (`CRAWL_TIMING_TESTS=1`, as CI runs
        // these suites after the main run). Beside the parallel suites on two cores, Z1's run took 3.3
        // and 4.2 s with its fetch within bounds: there the slack is 5 s, still far below a fetch left
        // to its 30 s timeout.
        let slack = TimingBound.wall(alone: .milliseconds(1500), parallel: .seconds(5))
        #expect(run.wall <= limit + margin + slack, "\(id): the run took \(run.wall)", sourceLocation: sourceLocation)
    }

}

/// Hands every record to two sinks: the real JSONL writer and a collector (typed access in tests).
struct TeeSink: RecordSink {
    let first: any RecordSink
    let second: any RecordSink

    func write(_ record: CrawlRecord) {
        first.write(record)
        second.write(record)
    }

    func finish() async throws {
        try await first.finish()
        try await second.finish()
    }

    var failure: (any Error)? { first.failure ?? second.failure }
}

/// Limits how many scenario crawls run at once (each starts a curl thread, parse threads and a
/// writer thread on a 2-core machine; at 6, other suites' timing checks in the same parallel run
/// flaked), and lets timing-sensitive scenarios run alone.
/// FIFO: a waiting exclusive run is not overtaken by later shared ones.
actor ScenarioGate {
    static let shared = ScenarioGate()
    static let maxShared = 4

    private var running = 0
    private var exclusiveRunning = false
    private var queue: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    func enter(exclusive: Bool) async {
        if queue.isEmpty, canStart(exclusive) {
            start(exclusive)
            return
        }
        await withCheckedContinuation { queue.append((exclusive, $0)) }
    }

    func leave(exclusive: Bool) {
        if exclusive { exclusiveRunning = false } else { running -= 1 }
        while let first = queue.first, canStart(first.exclusive) {
            queue.removeFirst()
            start(first.exclusive)
            first.continuation.resume()
        }
    }

    private func canStart(_ exclusive: Bool) -> Bool {
        if exclusiveRunning { return false }
        return exclusive ? running == 0 : running < Self.maxShared
    }

    private func start(_ exclusive: Bool) {
        if exclusive { exclusiveRunning = true } else { running += 1 }
    }
}
