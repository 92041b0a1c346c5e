import CrawlURL
import CrawlerCore
import CurlTransport
import DemoSite
import Foundation
import Testing

/// The address policy: hosts other than the seeds' may not resolve to loopback, private, link-local
/// or otherwise non-public addresses; the check is on the resolved address, when the socket opens.
/// Everything runs on loopback: 127.0.0.1 is the seeds' (trusted) address, 127.0.0.2 stands for an
/// address a hostile page points the crawler at.
@Suite("Hostile scenarios: address policy")
struct AddressPolicyScenarioTests {
    /// Starts a well-formed server on 127.0.0.2 and counts what reaches it.
    private func inwardServer() async throws -> LocalHTTPServer {
        try await LocalHTTPServer.start(host: "127.0.0.2", port: 0, stats: RequestStats()) { request in
            request.path == "/admin" ? .html("<title>admin</title>") : .notFound()
        }
    }

    @Test("R6 redirect to a loopback/private address from a seeded page", .timeLimit(.minutes(1)))
    func r6() async throws {
        let inward = try await inwardServer()
        let port = inward.port
        let seed = try await startServer { request in
            switch request.path {
            case "/": return .html("<a href=/x>x</a><a href=/y>y</a>")
            case "/x": return .redirect(to: "http://127.0.0.2:\(port)/admin")
            // A name that resolves to loopback (mapped with CURLOPT_RESOLVE, as DNS would).
            case "/y": return .redirect(to: "http://inward.test:\(port)/admin")
            default: return nil
            }
        }
        let base = seed.baseURL
        let run = try await Scenario.run(
            seeds: [base + "/"], resolve: ["inward.test:\(port):127.0.0.2"],
            configure: { $0.scope = .all },  // so the offsite redirect is followed, not refused by scope
            fetch: { $0.allowPrivateAddresses = false })
        let requestsWhileBlocked = inward.stats.totalRequests
        // Control: with --allow-private-addresses the same hop is followed.
        let allowed = try await Scenario.run(seeds: [base + "/"], resolve: ["inward.test:\(port):127.0.0.2"],
                                             configure: { $0.scope = .all })
        await seed.shutdown()
        await inward.shutdown()

        for path in ["/x", "/y"] {
            let record = try #require(run.record(base + path))
            #expect(record.outcome == .blockedAddress, "\(path): \(record.outcome)")
            #expect(record.redirects == 1)
            #expect(record.error?.contains("127.0.0.2 (loopback)") == true, "\(record.error ?? "")")
            // Not a failure of the host: the error budget is not spent on policy refusals.
            #expect(!record.isFailure)
        }
        #expect(run.record(base + "/")?.outcome == .ok)  // the seed's own host is trusted
        #expect(requestsWhileBlocked == 0, "connections reached the blocked listener")
        #expect(allowed.record(base + "/x")?.outcome == .ok)
        #expect(allowed.record(base + "/x")?.title == "admin")
    }

    @Test("U2 links to private/loopback/link-local addresses", .timeLimit(.minutes(1)))
    func u2() async throws {
        // The classifier on the literal forms, as the URL parser normalises them (no network).
        let forms: [(String, AddressScope)] = [
            ("http://127.0.0.1/", .loopback), ("http://[::1]/", .loopback), ("http://0x7f.1/", .loopback),
            ("http://2130706433/", .loopback), ("http://169.254.169.254/", .linkLocal),
            ("http://[::ffff:127.0.0.1]/", .loopback), ("http://10.0.0.1/", .privateUse),
            ("http://0.0.0.0/", .unspecified), ("http://[fd00::1]/", .privateUse), ("http://[fe80::1]/", .linkLocal),
            ("http://192.168.1.1/", .privateUse), ("http://172.16.0.1/", .privateUse), ("http://100.64.0.1/", .privateUse),
            ("http://[64:ff9b::7f00:1]/", .loopback), ("http://[2002:7f00:1::]/", .loopback),
            ("http://224.0.0.1/", .multicast), ("http://255.255.255.255/", .reserved),
            ("http://93.184.215.14/", .global), ("http://[2606:4700::1111]/", .global), ("http://1.1.1.1/", .global),
        ]
        for (text, expected) in forms {
            let url = try #require(WebURL.parse(text), "\(text)")
            var host = try #require(url.host)
            if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
            #expect(AddressScope.of(literal: host) == expected, "\(text) → \(host)")
        }

        // End to end, on loopback only: every spelling of 127.0.0.2 and a name mapped to it is
        // refused before connecting; the listener there sees nothing.
        let inward = try await inwardServer()
        let port = inward.port
        let hrefs = [
            "http://127.0.0.2:\(port)/admin", "http://0x7f.0.0.2:\(port)/admin", "http://2130706434:\(port)/admin",
            "http://[::ffff:127.0.0.2]:\(port)/admin", "http://localhost.test:\(port)/admin",
        ]
        let seed = try await startServer { request in
            request.path == "/" ? .html(hrefs.map { "<a href='\($0)'>x</a>" }.joined()) : nil
        }
        let run = try await Scenario.run(
            seeds: [seed.baseURL + "/"], resolve: ["localhost.test:\(port):127.0.0.2"],
            configure: { $0.scope = .all }, fetch: { $0.allowPrivateAddresses = false })
        await seed.shutdown()
        let reached = inward.stats.totalRequests
        await inward.shutdown()
        // The numeric spellings normalise to one URL (so one record); the IPv6-mapped and the name
        // are further hosts.
        let blocked = run.records.filter { $0.outcome == .blockedAddress }.map(\.url)
        #expect(Set(blocked) == [
            "http://127.0.0.2:\(port)/admin", "http://[::ffff:7f00:2]:\(port)/admin", "http://localhost.test:\(port)/admin",
        ], "\(run.records.map { "\($0.url) \($0.outcome)" })")
        #expect(run.records.count == 4)
        #expect(reached == 0, "connections reached the blocked listener")
    }
}
