import CrawlerCore
import DemoSite
import Foundation
import TestTiming
import Testing

/// Decision for every scenario here: `wall_s_max` is the wall clock of one fetch ("wall clock per
/// fetch"), so these runs set `retries = 0`. With the config's `retry_max` 2 the crawler retries
/// timeouts, too-slow and partial transfers (they are transient), which multiplies the wall time by
/// three plus backoff; retries are asserted in S6, S7, P1 and P3.
// Run in isolation, like IsolatedScenarioTests: the scenarios' wall bounds (e.g. S1's 4 s for a 3 s
// low-speed window, which libcurl checks once a second) have no room for a loaded machine, and a full
// parallel `swift test` once took S1 to 4.003 s. CI runs this suite alone after the main run.
@Suite("Hostile scenarios: timeouts", .enabled(if: TimingBound.isAlone))
struct TimeoutScenarioTests {
    /// libcurl checks the low-speed rule on a one-second tick, so a 3 s window trips 3 to 4 s after
    /// the last byte, and the record is made a few milliseconds after curl gives up: S1 measured
    /// 4.003 s against its 4 s, run alone. The margin covers that bookkeeping, not a slower trip.
    static let lowSpeedTick = Duration.milliseconds(100)

    @Test("S1 server accepts and never answers", .timeLimit(.minutes(1)))
    func s1() async throws {
        let hostile = try HostileServer { _ in [.hang] }
        // A healthy host crawled at the same time: it must keep progressing during the stall.
        let pages = 20
        let healthy = try await startServer { request in
            if request.path == "/" {
                return .html((0..<pages).map { "<a href=/p\($0)>p</a>" }.joined())
            }
            return request.path.hasPrefix("/p") ? .html("<title>page</title>") : nil
        }
        let run = try await Scenario.run(seeds: [hostile.baseURL + "/hang", healthy.baseURL + "/"]) {
            $0.politeness.retries = 0
            $0.hostConcurrency = 2
        }
        await healthy.shutdown()
        let stalled = hostile.snapshot.requests.first?.end
        await hostile.stop()
        let record = try #require(run.record(hostile.baseURL + "/hang"))
        // Decision: a server that sends nothing trips the low-speed rule (1000 B/s over 3 s) before the
        // 10 s total timeout, and the crawler names that `too_slow`; the file says `timeout`. There is
        // no separate first-byte timeout.
        #expect(record.outcome == .tooSlow)
        #expect(run.records.count == pages + 2)
        Scenario.expectWall(run, "S1", margin: Self.lowSpeedTick)
        // The worker was freed and the other host progressed meanwhile: all its pages were fetched
        // before the stalled connection ended.
        #expect(run.records.filter { $0.host.hasPrefix("127.0.0.1:\(healthy.port)") && $0.outcome == .ok }.count == pages + 1)
        if let stalled, let last = healthy.stats.log.map(\.start).max() {
            #expect(last < stalled)
        }
    }

    @Test("S2 connect never completes", .timeLimit(.minutes(1)))
    func s2() async throws {
        let server = try HostileServer(neverAccepts: true) { _ in [] }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"]) { $0.politeness.retries = 0 }
        await server.stop()
        #expect(run.outcome(server.baseURL + "/") == .timeoutConnect)
        #expect(server.acceptedConnections == 0)
        Scenario.expectWall(run, "S2")
    }

    @Test("S3 trickle body (slowloris-style response) 2 bytes/s", .timeLimit(.minutes(1)))
    func s3() async throws {
        let body = Array("<html><a href=/from-trickle>x</a>".utf8) + [UInt8](repeating: 0x20, count: 200)
        let server = try HostileServer { request in
            request.path == "/slow"
                ? [.send(HostileServer.head(200, "OK", [("Content-Type", "text/html"), ("Content-Length", "\(body.count)")])),
                   .trickle(body, step: 1, every: .milliseconds(500))]
                : HostileServer.notFound
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/slow"]) { $0.politeness.retries = 0 }
        await server.stop()
        let record = try #require(run.record(server.baseURL + "/slow"))
        #expect(record.outcome == .tooSlow)
        // The bytes kept are discarded: nothing parsed, no link used.
        #expect(record.linksFound == 0 && record.linksEnqueued == 0)
        #expect(server.hits("/from-trickle") == 0)
        Scenario.expectWall(run, "S3", margin: Self.lowSpeedTick)
    }

    @Test("S4 trickle headers", .timeLimit(.minutes(1)))
    func s4() async throws {
        let head = Array(("HTTP/1.1 200 OK\r\nX-Slow: " + String(repeating: "z", count: 200)).utf8)
        let server = try HostileServer { _ in [.trickle(head, step: 1, every: .milliseconds(500))] }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"]) { $0.politeness.retries = 0 }
        await server.stop()
        #expect(run.outcome(server.baseURL + "/") == .tooSlow)
        Scenario.expectWall(run, "S4", margin: Self.lowSpeedTick)
    }

    @Test("S5 fast trickle that defeats a low-speed limit", .timeLimit(.minutes(1)))
    func s5() async throws {
        // 110 bytes every 100 ms = 1100 B/s, above the 1000 B/s floor, no Content-Length, for longer
        // than the total timeout (and far below the body cap within it).
        let stream = [UInt8](repeating: UInt8(ascii: "a"), count: 40_000)
        let server = try HostileServer { _ in
            [.send(HostileServer.head(200, "OK", [("Content-Type", "text/html")])),
             .trickle(stream, step: 110, every: .milliseconds(100))]
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"]) { $0.politeness.retries = 0 }
        await server.stop()
        let record = try #require(run.record(server.baseURL + "/"))
        // The total deadline exists on top of the low-speed rule: the 10 s timeout ends it.
        #expect(record.outcome == .timeout)
        #expect(run.wall >= .seconds(9))
        Scenario.expectWall(run, "S5")
    }
}
