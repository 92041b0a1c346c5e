import CrawlerCore
import DemoSite
import Foundation
import RobotsTxt
import Testing

@Suite("Hostile scenarios: robots.txt")
struct RobotsScenarioTests {
    /// Crawls `/` and `/page` of a server whose robots.txt answers `robots`; returns the run and how
    /// many non-robots requests the server saw.
    static func crawl(robots: ServerResponse) async throws -> (ScenarioRun, pages: Int, robots: Int, base: String) {
        let server = try await startServer { request in
            switch request.path {
            case "/robots.txt": return robots
            case "/", "/page": return .html("<title>page</title>")
            default: return nil
            }
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/", server.baseURL + "/page"]) {
            $0.politeness.obeyRobots = true
        }
        await server.shutdown()
        let pages = server.stats.log.filter { $0.path != "/robots.txt" }.count
        return (run, pages, server.stats.hits("/robots.txt"), server.baseURL)
    }

    /// RFC 9309 2.3.1.3: 4xx means "unavailable": crawl as if there were no robots.txt.
    static func expectAllowAll(_ status: Int) async throws {
        let (run, pages, robots, _) = try await crawl(robots: .text("nope", status: status))
        #expect(run.records.allSatisfy { $0.outcome == .ok }, "robots.txt \(status)")
        #expect(pages == 2)
        #expect(robots == 1)  // a definitive answer: not retried
    }

    /// Disallow-all: no page is requested, every URL is recorded `robots_unreachable`.
    static func expectDisallowAll(_ run: ScenarioRun, pages: Int) {
        #expect(pages == 0)
        #expect(run.records.count == 2)
        #expect(run.records.allSatisfy { $0.outcome == .robotsUnreachable })
    }

    @Test("B404 robots.txt answers 404", .timeLimit(.minutes(1)))
    func b404() async throws { try await Self.expectAllowAll(404) }

    @Test("B410 robots.txt answers 410", .timeLimit(.minutes(1)))
    func b410() async throws { try await Self.expectAllowAll(410) }

    @Test("B401 robots.txt answers 401", .timeLimit(.minutes(1)))
    func b401() async throws { try await Self.expectAllowAll(401) }

    @Test("B403 robots.txt answers 403", .timeLimit(.minutes(1)))
    func b403() async throws { try await Self.expectAllowAll(403) }

    @Test("B429 robots.txt answers 429", .timeLimit(.minutes(1)))
    func b429() async throws {
        // Decision (Google, Nutch): 429 is treated like 5xx: retried (robotsRetries 2, with backoff),
        // then the host counts as unreachable, i.e. disallow-all.
        let (run, pages, robots, _) = try await Self.crawl(robots: ServerResponse(status: 429, body: .bytes([])))
        Self.expectDisallowAll(run, pages: pages)
        #expect(robots == 3)
    }

    @Test("B500 robots.txt answers 500", .timeLimit(.minutes(1)))
    func b500() async throws {
        let (run, pages, robots, _) = try await Self.crawl(robots: ServerResponse(status: 500, body: .bytes([])))
        Self.expectDisallowAll(run, pages: pages)
        #expect(robots == 3)
    }

    @Test("B503 robots.txt answers 503", .timeLimit(.minutes(1)))
    func b503() async throws {
        let (run, pages, robots, _) = try await Self.crawl(robots: ServerResponse(status: 503, body: .bytes([])))
        Self.expectDisallowAll(run, pages: pages)
        // The host is deferred: robots.txt is tried again with backoff before giving up.
        #expect(robots == 3)
    }

    @Test("B-net robots.txt fetch fails at network level", .timeLimit(.minutes(1)))
    func bNet() async throws {
        // Connection reset on robots.txt (pages would answer); and a name that cannot resolve (see N2).
        let server = try HostileServer { request in
            request.path == "/robots.txt" ? [.reset] : HostileServer.html("<title>page</title>")
        }
        let unresolvable = "http://no~such~host.invalid:\(server.port)"
        let run = try await Scenario.run(seeds: [server.baseURL + "/", server.baseURL + "/page", unresolvable + "/"]) {
            $0.politeness.obeyRobots = true
            $0.scope = .all
        }
        await server.stop()
        #expect(server.totalHits == server.hits("/robots.txt"))  // no page requested
        #expect(run.records.count == 3)
        #expect(run.records.allSatisfy { $0.outcome == .robotsUnreachable })
        // Not cached as permanent after one failure: re-fetched (robotsRetries 2) before giving up.
        #expect(server.hits("/robots.txt") == 3)
    }

    @Test("B-redirect robots.txt redirects", .timeLimit(.minutes(1)))
    func bRedirect() async throws {
        // Three original hosts. five.test's robots.txt redirects through 5 hops on hop.test to a file
        // disallowing /private; six.test's needs 6 hops; loop.test's redirects to itself.
        let server = try await startServer { request in
            let host = request.header("Host")?.split(separator: ":").first.map(String.init) ?? ""
            let port = request.serverPort
            switch (host, request.path) {
            case ("five.test", "/robots.txt"): return .redirect(to: "http://hop.test:\(port)/r/5/1", status: 301)
            case ("six.test", "/robots.txt"): return .redirect(to: "http://hop.test:\(port)/r/6/1", status: 301)
            case ("loop.test", "/robots.txt"): return .redirect(to: "http://hop.test:\(port)/loop", status: 301)
            case ("hop.test", "/loop"): return .redirect(to: "http://loop.test:\(port)/robots.txt", status: 301)
            case ("hop.test", _) where request.path.hasPrefix("/r/"):
                let parts = request.path.split(separator: "/").compactMap { Int($0) }
                guard parts.count == 2 else { return nil }
                return parts[1] < parts[0] ? .redirect(to: "/r/\(parts[0])/\(parts[1] + 1)", status: 301)
                                           : .text("User-agent: *\nDisallow: /private\n")
            case (_, "/private"), (_, "/public"): return .html("<title>page</title>")
            default: return nil
            }
        }
        let names = ["five.test", "six.test", "loop.test", "hop.test"]
        let seeds = ["five.test", "six.test", "loop.test"].flatMap { h in ["/private", "/public"].map { "http://\(h):\(server.port)\($0)" } }
        let run = try await Scenario.run(seeds: seeds, resolve: names.map { "\($0):\(server.port):127.0.0.1" }) {
            $0.politeness.obeyRobots = true
        }
        await server.shutdown()
        func outcome(_ host: String, _ path: String) -> Outcome? { run.outcome("http://\(host):\(server.port)\(path)") }
        // <= 5 hops: the final file's rules apply to the ORIGINAL host.
        #expect(outcome("five.test", "/private") == .robotsDisallowed)
        #expect(outcome("five.test", "/public") == .ok)
        // > 5 hops and a loop: unavailable, allow-all (RFC 9309 2.3.1.2 / 2.3.1.3).
        #expect(outcome("six.test", "/private") == .ok)
        #expect(outcome("loop.test", "/private") == .ok)
        // The chain was followed no further than 5 redirects (6 requests) per robots.txt.
        let sixChain = server.stats.log.filter { $0.path.hasPrefix("/r/6/") || ($0.host?.hasPrefix("six.test") == true && $0.path == "/robots.txt") }
        #expect(sixChain.count == 6)
        let loopChain = server.stats.log.filter { $0.path == "/loop" || ($0.host?.hasPrefix("loop.test") == true && $0.path == "/robots.txt") }
        #expect(loopChain.count == 6)
    }

    @Test("B-cache robots.txt changes during the run", .timeLimit(.minutes(1)))
    func bCache() async throws {
        try await RobotsCacheScenario.run()
    }

    @Test("B-html robots.txt served as HTML 200 (soft 404)", .timeLimit(.minutes(1)))
    func bHTML() async throws {
        let soft404 = "<html><head><title>Not found</title></head><body>Not found</body></html>"
        let (run, pages, _, _) = try await Self.crawl(robots: .html(soft404))
        // Parsed: no valid line, so allow-all.
        #expect(run.records.allSatisfy { $0.outcome == .ok })
        #expect(pages == 2)
        // The parser counts the warnings...
        #expect(RobotsTxt(parsing: soft404).warnings > 0)
        // ...and the crawl reports them (the run summary's robots.parse_warnings).
        #expect(run.summary.statistics.robotsParseWarnings == RobotsTxt(parsing: soft404).warnings)
    }
}
