import CrawlerCore
import Foundation
import Testing

@Suite("Hostile scenarios: broken servers")
struct BrokenServerScenarioTests {
    @Test("S6 connection closed mid-body (Content-Length lie)", .timeLimit(.minutes(1)))
    func s6() async throws {
        let partial = Array("<html><a href=/from-partial>x</a>".utf8) + [UInt8](repeating: 0x20, count: 967)
        let server = try HostileServer { request in
            request.path == "/cut"
                ? [.send(HostileServer.head(200, "OK", [("Content-Type", "text/html"), ("Content-Length", "100000")]) + partial), .close]
                : HostileServer.notFound
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/cut"])
        await server.stop()
        let record = try #require(run.record(server.baseURL + "/cut"))
        #expect(record.outcome == .partialBody)
        #expect(run.records.count == 1)
        // Links of the partial body are not used.
        #expect(record.linksFound == 0 && server.hits("/from-partial") == 0)
        // partial_body is transient: retried up to retry_max, each attempt cut again.
        #expect(record.attempts == ScenarioConfig.retryMax + 1)
        #expect(server.hits("/cut") == ScenarioConfig.retryMax + 1)
    }

    @Test("S7 TCP RST mid-body", .timeLimit(.minutes(1)))
    func s7() async throws {
        let server = try HostileServer { _ in
            [.send(HostileServer.head(200, "OK", [("Content-Type", "text/html"), ("Content-Length", "100000")])
                   + [UInt8](repeating: 0x61, count: 1000)),
             .sleep(.milliseconds(50)), .reset]
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.stop()
        let record = try #require(run.record(server.baseURL + "/"))
        #expect(record.outcome == .connectionReset)
        let max = HostileFixture.scenario("S7")?.int("server_requests_for_path_max") ?? 3
        #expect(server.hits("/") <= max)
        #expect(server.hits("/") == ScenarioConfig.retryMax + 1)
        #expect(record.attempts == ScenarioConfig.retryMax + 1)
        // With backoff: 1 s base, doubled, jitter 0.5...1.5, so gaps of at least 0.5 s and 1 s.
        let starts = server.snapshot.requests.map(\.at)
        if starts.count == 3 {
            #expect(starts[1] - starts[0] >= .milliseconds(500))
            #expect(starts[2] - starts[1] >= .milliseconds(1000))
        }
    }

    @Test("S8 Content-Length smaller than body", .timeLimit(.minutes(1)))
    func s8() async throws {
        let body = Array("<title>abc".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 5000)
        // No `Connection: close`: a client that kept this connection would read the excess bytes as
        // the next response; the server leaves it open (and reads no second request) for 2 s.
        let server = try HostileServer { request in
            let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\n".utf8)
            return request.path == "/lie" ? [.send(head + body), .sleep(.seconds(2))] : HostileServer.html("<title>next</title>")
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/lie", server.baseURL + "/next"]) {
            $0.concurrency = 1
        } fetch: {
            $0.maxTransfers = 1
        }
        await server.stop()
        let record = try #require(run.record(server.baseURL + "/lie"))
        // HTTP framing wins: exactly 10 body bytes.
        #expect(record.outcome == .ok && record.bytes == 10)
        #expect(record.title == "abc")
        // The connection was not reused for /next: a second connection carried it.
        #expect(run.outcome(server.baseURL + "/next") == .ok)
        #expect(server.acceptedConnections == 2)
    }

    @Test("S9 connection refused / nothing listening", .timeLimit(.minutes(1)))
    func s9() async throws {
        // Decision: a port the test holds bound (not listening) rather than 127.0.0.1:1, so the test
        // never depends on what the machine runs on port 1, and no parallel test's server takes it.
        let refusing = try RefusingPort()
        let base = "http://127.0.0.1:\(refusing.port)"
        let seeds = (0..<7).map { "\(base)/\($0)" }
        let run = try await Scenario.run(seeds: seeds) {
            $0.concurrency = 1
            $0.hostConcurrency = 1
        }
        withExtendedLifetime(refusing) {}  // held (refusing) until the crawl is over
        #expect(run.outcome(seeds[0]) == .connectionRefused)
        // Counts against the host's error budget (5): then the host is cancelled.
        let refused = run.records.filter { $0.outcome == .connectionRefused }.count
        #expect(refused == ScenarioConfig.hostErrorBudget)
        #expect(run.records.filter { $0.outcome == .errorBudgetExhausted }.count == seeds.count - refused)
        #expect(run.summary.hostsCancelled.count == 1)
        #expect(run.records.allSatisfy { $0.attempts <= 1 })  // refused is not retried
    }

    @Test("S10 garbage instead of HTTP", .timeLimit(.minutes(1)))
    func s10() async throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // What a TLS server answers to plaintext: a TLS alert record (handshake failure).
        let tlsAlert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]
        let server = try HostileServer { request in
            switch request.path {
            case "/random": return [.send(random), .close]
            case "/tls": return [.send(tlsAlert), .close]
            case "/wat": return [.send(Array("HTTP/1.1 999 WAT\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".utf8)), .close]
            case "/badstatus": return [.send(Array("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n".utf8)), .close]
            default: return HostileServer.notFound
            }
        }
        let base = server.baseURL
        let run = try await Scenario.run(seeds: ["/random", "/tls", "/wat", "/badstatus"].map { base + $0 })
        await server.stop()
        #expect(run.outcome(base + "/random") == .protocolError)
        #expect(run.outcome(base + "/tls") == .protocolError)
        #expect(run.outcome(base + "/badstatus") == .protocolError)
        let wat = try #require(run.record(base + "/wat"))
        #expect(wat.outcome == .protocolError)
    }
}
