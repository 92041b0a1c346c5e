import CrawlURL
import CrawlerCore
import DemoSite
import Foundation
import Testing

@Suite("Hostile scenarios: URLs")
struct URLScenarioTests {
    @Test("U1 non-http schemes in links", .timeLimit(.minutes(1)))
    func u1() async throws {
        let hrefs = [
            "javascript:alert(1)", "mailto:a@b", "data:text/html,<a href=/x>", "tel:+15551234", "ftp://127.0.0.1/f",
            "file:///etc/passwd", "blob:http://127.0.0.1/uuid", "about:blank",
        ]
        let server = try await startServer { request in
            request.path == "/" ? .html(hrefs.map { "<a href='\($0)'>x</a>" }.joined() + "<a href=/ok>ok</a>") : .html("ok")
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        #expect(Set(run.records.map(\.url)) == [server.baseURL + "/", server.baseURL + "/ok"])
        #expect(run.summary.statistics.linksDroppedScheme == hrefs.count)
        #expect(TrapScenarioTests.dropped(run, server.baseURL + "/", "dropped_scheme") == hrefs.count)
        #expect(Set(server.stats.log.map(\.path)) == ["/", "/ok"])
    }

    @Test("U3 very long URLs", .timeLimit(.minutes(1)))
    func u3() async throws {
        let maxLength = Int(HostileFixture.knob("max_url_length") ?? 2083)
        @Sendable func href(length: Int) -> String {
            let prefix = "/long?"
            return prefix + String(repeating: "q", count: length - prefix.utf8.count)
        }
        let server = try await startServer { request in
            switch request.path {
            case "/":
                // Relative hrefs whose resolved URLs are just over the limit, and far over it.
                let base = "http://127.0.0.1:\(request.serverPort)"
                let lengths = [maxLength + 1 - base.utf8.count, 8_001, 100_000]
                return .html(lengths.map { "<a href='\(href(length: $0))'>x</a>" }.joined() + "<a href='\(href(length: 100))'>short</a>")
            case "/huge":
                return .html("<a href='\(href(length: 8_000_001))'>x</a><a href=/after>after</a>")
            case "/long", "/after": return .html("<title>fine</title>")
            default: return nil
            }
        }
        let run = try await Scenario.run(
            seeds: [server.baseURL + "/", server.baseURL + "/huge"], exclusive: true,
            fetch: { $0.maxBodyBytes = 16 << 20 })  // so the 8 MB href is delivered and parsed
        await server.shutdown()
        #expect(TrapScenarioTests.dropped(run, server.baseURL + "/", "url_too_long") == 3)
        #expect(run.record(server.baseURL + "/")?.outcome == .ok)
        #expect(run.record(server.baseURL + "/huge")?.outcome == .ok)
        #expect(run.record(server.baseURL + "/after")?.outcome == .ok)  // links after the huge one survive
        // Only the short /long link was fetched; nothing longer than the limit reached the server.
        #expect(server.stats.log.filter { $0.path == "/long" }.count == 1)
        #expect(server.stats.log.allSatisfy { $0.uri.utf8.count < maxLength })
        #expect(run.records.allSatisfy { $0.url.utf8.count <= maxLength })
        // The 8,000,001-byte href is refused too (counted, or dropped by libxml2's attribute limit).
        #expect(run.summary.statistics.linksTooLong >= 3)
        #expect(run.wall < .seconds(10))
    }

    @Test("U4 URL parser differential: one URL string from parser to libcurl", .timeLimit(.minutes(1)))
    func u4() async throws {
        // hrefs on which parsers disagree (url_cases.json): each is resolved by our WHATWG parser,
        // and the request line libcurl sends must carry exactly the stored URL's path and query:
        // libcurl does not re-interpret the string (no second parse, no re-encoding).
        let hrefs = [
            " /a b ", "/c%2fd", "/e/../f", "/g?h i", "\\\\j\\k", "/%7euser", "/x/./y", "/ü", "/q?ü=ä", "/t\tab",
            "/%zz", "/sp%20ace", "//127.0.0.1:PORT/auth", "/semi;col", "/brack[et]", "/pipe|x", "/back`tick",
        ]
        let server = try await startServer { request in
            request.path == "/" ? .html(hrefs.map { "<a href='\($0.replacingOccurrences(of: "PORT", with: String(request.serverPort)))'>x</a>" }.joined())
                : .html("<title>\(request.path)</title>")
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        let requested = Set(server.stats.log.map(\.uri))
        for record in run.records {
            let url = try #require(WebURL.parse(record.url))
            #expect(requested.contains(url.requestTarget), "\(record.url): the server never saw \(url.requestTarget)")
            #expect(record.finalURL == record.url)
            // What was stored is what the parser gives again (one serialisation).
            #expect(url.href == record.url)
        }
        #expect(run.records.count >= hrefs.count - 3)  // a few spellings resolve to the same URL
        #expect(requested.count == run.records.count)
    }

    @Test("U5 IDN and homograph hosts", .timeLimit(.minutes(1)))
    func u5() async throws {
        // Unicode and punycode spellings of one host give one key, and the host is ASCII.
        let spellings = ["http://bücher.example/", "http://xn--bcher-kva.example/", "http://BÜCHER.example/", "http://bücher。example/"]
        let keys = Set(try spellings.map { try #require(WebURL.parse($0), "\($0)").dedupKey })
        #expect(keys == ["http://xn--bcher-kva.example/"])
        #expect(WebURL.parse("http://ｇｏ.com/")?.host == "go.com")  // fullwidth letters fold (UTS-46 mapping)
        #expect(WebURL.parse("http://a。b.com/")?.host == "a.b.com")  // U+3002 is a label separator

        // End to end: a link in Unicode form to the seed's punycode host is the same URL, and the
        // host's robots.txt is fetched once, keyed on the ASCII name.
        let server = try await startServer { request in
            switch request.path {
            case "/robots.txt": return .text("User-agent: *\nDisallow: /private\n")
            case "/": return .html("<a href='http://bücher.test:\(request.serverPort)/'>self</a><a href='http://BÜCHER.test:\(request.serverPort)/page'>page</a><a href='/private'>no</a>")
            default: return .html("<title>\(request.path)</title>")
            }
        }
        let port = server.port
        let run = try await Scenario.run(
            seeds: ["http://xn--bcher-kva.test:\(port)/"], resolve: ["xn--bcher-kva.test:\(port):127.0.0.1"],
            configure: { $0.politeness.obeyRobots = true })
        await server.shutdown()
        #expect(Set(run.records.map(\.url)) == [
            "http://xn--bcher-kva.test:\(port)/", "http://xn--bcher-kva.test:\(port)/page", "http://xn--bcher-kva.test:\(port)/private",
        ])
        #expect(run.outcome("http://xn--bcher-kva.test:\(port)/private") == .robotsDisallowed)
        #expect(server.stats.log.filter { $0.path == "/robots.txt" }.count == 1)
        #expect(server.stats.log.allSatisfy { $0.host == "xn--bcher-kva.test:\(port)" })
        #expect(server.stats.log.filter { $0.path == "/" }.count == 1)
    }
}
