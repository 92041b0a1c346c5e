import CrawlerCore
import Foundation
import Testing

@Suite("Hostile scenarios: network")
struct NetworkScenarioTests {
    @Test("N1 self-signed / expired / wrong-name certificate", .timeLimit(.minutes(1)))
    func n1() async throws {
        // Always: a fake TLS peer that answers the ClientHello with a handshake_failure alert (no
        // openssl needed). Also, when `openssl` is installed: a real TLS server with a throwaway
        // self-signed certificate made at test time, which libcurl must refuse to verify.
        let fake = try HostileServer(greeting: [.sleep(.milliseconds(50)), .send([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), .close]) { _ in [] }
        var seeds = ["https://127.0.0.1:\(fake.port)/"]
        let real = await SelfSignedTLSServer.start()
        if let real { seeds.append("https://127.0.0.1:\(real.port)/") }
        let run = try await Scenario.run(seeds: seeds)
        await fake.stop()
        await real?.stop()
        for seed in seeds {
            let record = try #require(run.record(seed))
            #expect(record.outcome == .tlsError, "\(seed): \(record.error ?? "")")
            // Never silently downgraded: the record is of the https URL, nothing else was fetched.
            #expect(record.finalURL == seed && record.status == nil)
        }
        #expect(run.records.count == seeds.count)
    }

    /// Not in the catalogue: an intranet's own CA, given with `--ca-file`, is trusted; the system's
    /// CAs are then not, so a certificate for the right address from another CA is refused.
    @Test("N1b a private CA with --ca-file", .timeLimit(.minutes(1)),
          .enabled(if: FileManager.default.isExecutableFile(atPath: SelfSignedTLSServer.openssl)))
    func n1b() async throws {
        let server = try #require(await SelfSignedTLSServer.start(subjectAltName: "IP:127.0.0.1"))
        let other = try #require(await SelfSignedTLSServer.start(subjectAltName: "IP:127.0.0.1"))
        let seed = "https://127.0.0.1:\(server.port)/"
        let otherSeed = "https://127.0.0.1:\(other.port)/"
        let trusted = try await Scenario.run(seeds: [seed, otherSeed]) { _ in } fetch: { $0.caFile = server.certificate }
        let untrusted = try await Scenario.run(seeds: [seed])
        await server.stop()
        await other.stop()
        // `openssl s_server -www` answers any GET with an HTML page of its TLS status.
        let record = try #require(trusted.record(seed))
        #expect(record.outcome == .ok, "\(record.error ?? "")")
        #expect(record.status == 200)
        #expect(record.timings?.tlsMs ?? 0 > 0)
        #expect(trusted.record(otherSeed)?.outcome == .tlsError)
        #expect(untrusted.record(seed)?.outcome == .tlsError)
    }

    /// Not in the catalogue: https through `--proxy` goes in a CONNECT tunnel and is verified end to
    /// end. The host name resolves nowhere (`.invalid`), so only the proxy can have reached it; the
    /// certificate is checked against that name and `--ca-file`, through the tunnel: a server with
    /// another certificate for the same name is refused.
    @Test("N1c https through a CONNECT proxy", .timeLimit(.minutes(1)),
          .enabled(if: FileManager.default.isExecutableFile(atPath: SelfSignedTLSServer.openssl)))
    func n1c() async throws {
        let server = try #require(await SelfSignedTLSServer.start(subjectAltName: "DNS:tls.invalid"))
        let other = try #require(await SelfSignedTLSServer.start(subjectAltName: "DNS:tls.invalid"))
        let proxy = try ConnectProxy()
        let seed = "https://tls.invalid:\(server.port)/"
        let otherSeed = "https://tls.invalid:\(other.port)/"
        let run = try await Scenario.run(seeds: [seed, otherSeed]) { _ in } fetch: {
            $0.caFile = server.certificate
            $0.proxy = proxy.url
        }
        let targets = proxy.targets
        proxy.stop()
        await server.stop()
        await other.stop()
        let record = try #require(run.record(seed))
        #expect(record.outcome == .ok, "\(record.error ?? "")")
        #expect(record.status == 200)
        #expect(run.record(otherSeed)?.outcome == .tlsError, "\(run.record(otherSeed)?.error ?? "")")
        #expect(Set(targets) == ["tls.invalid:\(server.port)", "tls.invalid:\(other.port)"], "\(targets)")
    }

    @Test("N2 DNS failure", .timeLimit(.minutes(1)))
    func n2() async throws {
        // Hermetic: `~` is a valid WHATWG host code point but not a valid DNS name character, so
        // glibc's resolver rejects `no~such~host.invalid` before sending any query (checked with
        // strace: no packet leaves), and `.invalid` (RFC 6761) could not resolve anyway. No resolver
        // seam exists in FetchSettings (only CURLOPT_RESOLVE additions).
        let base = "http://no~such~host.invalid"
        let seeds = (0..<7).map { "\(base)/\($0)" }
        let run = try await Scenario.run(seeds: seeds) {
            $0.concurrency = 1
            $0.hostConcurrency = 1
        }
        #expect(run.record(seeds[0])?.host == "no~such~host.invalid")
        let failures = run.records.filter { $0.outcome == .dnsFailure }.count
        // Counts against the host error budget (5 in a row): then the host is cancelled.
        #expect(failures == ScenarioConfig.hostErrorBudget)
        #expect(run.records.filter { $0.outcome == .errorBudgetExhausted }.count == seeds.count - failures)
        #expect(run.summary.hostsCancelled.count == 1)

        // With robots.txt on: the host's robots.txt is unreachable, so every URL is disallowed.
        let withRobots = try await Scenario.run(seeds: Array(seeds.prefix(2))) { $0.politeness.obeyRobots = true }
        #expect(withRobots.records.count == 2)
        #expect(withRobots.records.allSatisfy { $0.outcome == .robotsUnreachable })
    }
}
