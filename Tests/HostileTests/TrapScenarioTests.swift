import CrawlURL
import CrawlerCore
import DemoSite
import Foundation
import Synchronization
import Testing

/// Spider traps: pages that generate endless URLs. Each test uses the scenario file's test-scale
/// limits (`ScenarioConfig.linkLimits`, set on every scenario's configuration).
@Suite("Hostile scenarios: traps")
struct TrapScenarioTests {
    /// `links_dropped[key]` of a record's JSONL line (0 when absent).
    static func dropped(_ run: ScenarioRun, _ url: String, _ key: String) -> Int {
        let line = run.lines.first { $0["url"]?.string == url }
        return Int(line?["links_dropped"]?[key]?.number ?? 0)
    }

    @Test("T1 infinite calendar", .timeLimit(.minutes(1)))
    func t1() async throws {
        let server = try await startServer { request in
            guard request.path == "/cal" else { return nil }
            let month = Int(request.query?.split(separator: "=").last ?? "0") ?? 0
            return .html("<title>month \(month)</title><a href='/cal?month=\(month + 1)'>next</a>")
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/cal?month=0"])
        await server.shutdown()
        let maxRequests = HostileFixture.scenario("T1")?.int("server_requests_max") ?? 200
        #expect(server.stats.totalRequests <= maxRequests)
        // The walk ends at max_depth (10): months 0...10 fetched, month 11 counted beyond depth.
        let maxDepth = Int(HostileFixture.knob("max_depth") ?? 10)
        #expect(server.stats.totalRequests == maxDepth + 1)
        #expect(run.records.count == maxDepth + 1)
        #expect(run.summary.statistics.linksBeyondDepth == 1)
        #expect(Self.dropped(run, server.baseURL + "/cal?month=\(maxDepth)", "beyond_depth") == 1)
        // Without a depth limit, --max-pages-per-host ends it at 200.
        let server2 = try await startServer { request in
            guard request.path == "/cal" else { return nil }
            let month = Int(request.query?.split(separator: "=").last ?? "0") ?? 0
            return .html("<a href='/cal?month=\(month + 1)'>next</a>")
        }
        let unbounded = try await Scenario.run(seeds: [server2.baseURL + "/cal?month=0"], configure: {
            $0.maxDepth = nil
        })
        await server2.shutdown()
        #expect(server2.stats.totalRequests == maxRequests)
        #expect(unbounded.summary.statistics.linksOverHostCap == 1)
        #expect(Self.dropped(unbounded, server2.baseURL + "/cal?month=\(maxRequests - 1)", "host_page_cap") == 1)
    }

    @Test("T2 ever-growing path", .timeLimit(.minutes(1)))
    func t2() async throws {
        // Every page links to "a/" and "x/" relative to itself: /a/, /a/a/, /a/x/, /a/a/a/ ...
        let server = try await startServer { request in
            guard request.path.hasPrefix("/") else { return nil }
            return .html("<a href='a/'>deeper</a><a href='x/'>sideways</a>")
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/a/"], configure: {
            $0.maxDepth = nil
        })
        await server.shutdown()
        let paths = Set(server.stats.log.map(\.path))
        // Allowed: /a/, /a/a/, /a/x/, /a/a/x/, /a/x/a/, /a/x/x/, ... every path in which no segment
        // occurs more than twice; /a/a/a/ and /a/x/a/a/ are traps. Bounded: at most 2 a's and 2 x's.
        #expect(paths.allSatisfy { path in
            let segments = path.split(separator: "/")
            return segments.filter { $0 == "a" }.count <= 2 && segments.filter { $0 == "x" }.count <= 2
        }, "\(paths.sorted())")
        #expect(!paths.contains("/a/a/a/"))
        #expect(run.summary.statistics.linksTrapSuspected > 0)
        // The file expects at most 4 requests for a pure "/a/a/a/..." chain; with a second relative
        // link per page the bound is the number of paths that start with "a" and hold at most two
        // "a" and two "x" segments: 1 + 2 + 3 + 3 = 9 distinct pages, each fetched once.
        #expect(server.stats.totalRequests == paths.count)
        #expect(server.stats.totalRequests == 9)

        // The scenario as the file states it: a pure chain stops after /a/ and /a/a/.
        let chain = try await startServer { request in
            request.path.hasPrefix("/") ? .html("<a href='a/'>deeper</a>") : nil
        }
        let chainRun = try await Scenario.run(seeds: [chain.baseURL + "/a/"], configure: {
            $0.maxDepth = nil
        })
        await chain.shutdown()
        #expect(chain.stats.totalRequests <= HostileFixture.scenario("T2")?.int("server_requests_max") ?? 4)
        #expect(Set(chain.stats.log.map(\.path)) == ["/a/", "/a/a/"])
        #expect(Self.dropped(chainRun, chain.baseURL + "/a/a/", "trap_suspected") == 1)
    }

    @Test("T3 session id in every URL", .timeLimit(.minutes(1)))
    func t3() async throws {
        let counter = Mutex(0)
        let pages = ["/", "/p1", "/p2", "/p3", "/p4"]
        let server = try await startServer { request in
            guard pages.contains(where: { request.path == $0 || request.path.hasPrefix($0 + ";") }) else { return nil }
            let links = pages.map { page -> String in
                let n = counter.withLock { value -> Int in
                    value += 1
                    return value
                }
                let session = String(repeating: String(n, radix: 16), count: 32).prefix(32)
                return n % 2 == 0 ? "<a href='\(page);jsessionid=\(session)'>x</a>" : "<a href='\(page)?PHPSESSID=\(session)'>x</a>"
            }
            return .html(links.joined())
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        // One fetch per distinct page, whatever the session id: the parameter is not in the key.
        var perPage: [String: Int] = [:]
        for entry in server.stats.log {
            let path = String(entry.path.split(separator: ";").first ?? "")
            perPage[path.isEmpty ? "/" : path, default: 0] += 1
        }
        #expect(perPage == Dictionary(uniqueKeysWithValues: pages.map { ($0, 1) }), "\(perPage)")
        #expect(run.records.count == pages.count)
        // The records' dedup keys have no session id; their URLs keep it (the server may need it).
        #expect(run.records.allSatisfy { !($0.dedupKey ?? "").lowercased().contains("sessid") && !($0.dedupKey ?? "").contains("jsessionid") })
        #expect(run.records.contains { $0.url.contains("jsessionid=") || $0.url.contains("PHPSESSID=") })
    }

    @Test("T4 query permutations / faceted navigation", .timeLimit(.minutes(1)))
    func t4() async throws {
        let spellings = ["/f?a=1&b=2", "/f?b=2&a=1", "/f?a=1&b=2&", "/f?&a=1&b=2"]
        let server = try await startServer { request in
            switch request.path {
            case "/": return .html(spellings.map { "<a href='\($0)'>x</a>" }.joined())
            case "/f": return .html("<title>facet</title>" + spellings.map { "<a href='\($0)'>x</a>" }.joined())
            default: return nil
            }
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"], configure: { $0.linkLimits.maxPagesPerHost = 3 })
        await server.shutdown()
        // Decision: the dedup key keeps query parameter order and empty parameters (servers may
        // answer them differently; see WebURL.dedupKey), so the four spellings are four URLs. Each is
        // fetched at most once, and --max-pages-per-host bounds them: "/" plus two of them here.
        let fetched = server.stats.log.filter { $0.path == "/f" }.map(\.uri)
        #expect(Set(fetched).count == fetched.count)
        #expect(server.stats.totalRequests == 3)
        #expect(run.summary.statistics.linksOverHostCap >= 2)
    }

    @Test("T5 duplicate content under many URLs", .timeLimit(.minutes(1)))
    func t5() async throws {
        let variants = ["/p?id=1", "/p?id=1&ref=x", "/P?id=1", "/p/?id=1"]
        let body = "<html><title>same</title><body>identical bytes</body></html>"
        let server = try await startServer { request in
            if request.path == "/" { return .html(variants.map { "<a href='\($0)'>x</a>" }.joined()) }
            if ["/p", "/P", "/p/"].contains(request.path) { return .html(body) }
            return nil
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        let copies = run.records.filter { $0.title == "same" }
        #expect(copies.count == variants.count)
        #expect(Set(copies.compactMap(\.contentHash)).count == 1)
        // One canonical record (no duplicate_of), the rest point at it.
        let canonical = copies.filter { $0.duplicateOf == nil }
        #expect(canonical.count == 1)
        let first = try #require(canonical.first)
        #expect(copies.filter { $0.duplicateOf != nil }.allSatisfy { $0.duplicateOf == first.url })
        let unmarked = run.lines.filter { $0["title"]?.string == "same" && $0["duplicate_of"]?.string == nil }
        #expect(unmarked.count == 1)
    }

    @Test("T6 per-host page explosion", .timeLimit(.minutes(1)))
    func t6() async throws {
        // Page n links to 10n+1 ... 10n+10: a million distinct pages within six levels.
        let server = try await startServer { request in
            guard request.path.hasPrefix("/n/"), let n = Int(request.path.dropFirst(3)) else { return nil }
            return .html("<title>\(n)</title>" + (1...10).map { "<a href='/n/\(n * 10 + $0)'>x</a>" }.joined())
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/n/0"], configure: {
            $0.maxDepth = nil
        })
        await server.shutdown()
        let cap = HostileFixture.scenario("T6")?.int("server_requests_max") ?? 200
        #expect(server.stats.totalRequests == cap)
        #expect(run.records.count == cap)
        // Decision: URLs over the cap are counted on the page that linked them (host_page_cap), not
        // written as records of their own; with --state they wait for the next run.
        #expect(run.summary.statistics.linksOverHostCap > 0)
        let counted = run.lines.reduce(0) { $0 + Int($1["links_dropped"]?["host_page_cap"]?.number ?? 0) }
        #expect(counted == run.summary.statistics.linksOverHostCap)
    }
}
