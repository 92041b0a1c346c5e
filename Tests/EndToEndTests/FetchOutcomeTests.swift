import CrawlRuntime
import CrawlerCore
import DemoSite
import Foundation
import Testing

@Suite("End to end: outcomes of single fetches", .serialized)
struct FetchOutcomeTests {
    @Test(.timeLimit(.minutes(1)))
    func bodiesOverTheCapAreTooLarge() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 2_000_000)
        let server = try await startServer { request in
            switch request.path {
            case "/": return .html("<a href=/big>big</a> <a href=/endless>endless</a> <a href=/small>small</a>")
            case "/big": return ServerResponse(status: 200, headers: [("Content-Type", "text/html")], body: .bytes(big))
            case "/endless":
                return ServerResponse(status: 200, headers: [("Content-Type", "text/html")],
                                      body: .stream(chunk: [UInt8](repeating: 0x61, count: 16_384), count: nil, interval: nil))
            case "/small": return .html("<title>small</title>")
            default: return nil
            }
        }
        let started = ContinuousClock.now
        let (sink, _) = try await runCrawl(seeds: [server.baseURL + "/"], fetch: { $0.maxBodyBytes = 100_000 })
        await server.shutdown()
        #expect(ContinuousClock.now - started < .seconds(10))
        let records = sink.byURL()
        #expect(records[server.baseURL + "/big"]?.outcome == .tooLarge)
        #expect(records[server.baseURL + "/endless"]?.outcome == .tooLarge)
        #expect((records[server.baseURL + "/endless"]?.bytes ?? .max) <= 100_000)
        #expect(records[server.baseURL + "/small"]?.outcome == .ok)
        #expect(records[server.baseURL + "/big"]?.isFailure == true)
    }

    /// A Shift_JIS page's link `?q=日本` is requested as the browser requests it, with the query in
    /// Shift_JIS (93 FA 96 7B), not in UTF-8; its path stays UTF-8.
    @Test(.timeLimit(.minutes(1)))
    func linkQueriesAreRequestedInThePagesEncoding() async throws {
        // <a href="/日/s?q=日本">, in Shift_JIS.
        let page = Array("<a href=\"/".utf8) + [0x93, 0xFA] + Array("/s?q=".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array("\">x</a>".utf8)
        let server = try await startServer { request in
            request.path == "/"
                ? ServerResponse(headers: [("Content-Type", "text/html; charset=Shift_JIS")], body: .bytes(page))
                : .html("<title>found</title>")
        }
        let (sink, _) = try await runCrawl(seeds: [server.baseURL + "/"])
        await server.shutdown()
        let requested = server.stats.log.map(\.uri)
        #expect(requested.contains("/%E6%97%A5/s?q=%93%FA%96{"), "\(requested)")
        #expect(sink.byURL()[server.baseURL + "/%E6%97%A5/s?q=%93%FA%96{"]?.title == "found")
    }

    /// A page whose `X-Robots-Tag` (for every agent, or for `crawl`) or `<meta name=crawl>` says
    /// nofollow has its links counted, not followed; rules for another agent do not apply.
    @Test(.timeLimit(.minutes(1)))
    func xRobotsTagAndMetaForTheCrawlerKeepLinksUnfollowed() async throws {
        let server = try await startServer { request in
            func page(_ links: [String], _ headers: [(String, String)] = [], head: String = "") -> ServerResponse {
                ServerResponse(headers: [("Content-Type", "text/html")] + headers,
                               body: .bytes(Array((head + links.map { "<a href=\($0)>\($0)</a>" }.joined()).utf8)))
            }
            switch request.path {
            case "/all": return page(["/a1", "/a2"], [("X-Robots-Tag", "noarchive"), ("X-Robots-Tag", "nofollow")])
            case "/ours": return page(["/b1"], [("X-Robots-Tag", "googlebot: noindex, crawl: nofollow")])
            case "/theirs": return page(["/c1"], [("X-Robots-Tag", "googlebot: nofollow")])
            case "/meta": return page(["/d1"], head: "<meta name=Crawl content=\"noindex,nofollow\">")
            case "/a1", "/a2", "/b1", "/c1", "/d1": return .html("<title>leaf</title>")
            default: return nil
            }
        }
        let seeds = ["/all", "/ours", "/theirs", "/meta"].map { server.baseURL + $0 }
        let (sink, _) = try await runCrawl(seeds: seeds)
        await server.shutdown()
        let requested = Set(server.stats.log.map(\.path))
        #expect(requested.isDisjoint(with: ["/a1", "/a2", "/b1", "/d1"]), "\(requested.sorted())")
        #expect(requested.contains("/c1"))
        let records = sink.byURL()
        #expect(records[server.baseURL + "/all"]?.linksDropped?.nofollow == 2)
        #expect(records[server.baseURL + "/ours"]?.linksDropped?.nofollow == 1)
        #expect(records[server.baseURL + "/meta"]?.linksDropped?.nofollow == 1)
        #expect(records[server.baseURL + "/theirs"]?.linksEnqueued == 1)
        #expect(records[server.baseURL + "/c1"]?.outcome == .ok)
    }

    @Test(.timeLimit(.minutes(1)))
    func nonHTMLBodiesAreNotDownloaded() async throws {
        let pdf = [UInt8](repeating: 0x25, count: 8_000_000)
        let server = try await startServer { request in
            switch request.path {
            case "/": return .html("<a href=/doc.pdf>pdf</a><a href=/page>page</a>")
            case "/doc.pdf": return ServerResponse(headers: [("Content-Type", "application/pdf")], body: .bytes(pdf))
            case "/page": return .html("<title>page</title>")
            default: return nil
            }
        }
        let (sink, summary) = try await runCrawl(seeds: [server.baseURL + "/"], fetch: { $0.maxBodyBytes = 20_000_000 })
        await server.shutdown()
        let record = try #require(sink.byURL()[server.baseURL + "/doc.pdf"])
        #expect(record.outcome == .unsupportedContent)
        #expect(record.status == 200 && record.contentType == "application/pdf")
        #expect(record.bytes == 0)
        #expect(record.error == nil)
        // The transfer was ended after the headers: the server could not finish sending 8 MB.
        #expect(server.stats.log.first { $0.path == "/doc.pdf" }?.completed == false)
        #expect(summary.statistics.bodyBytes < 100_000)
        #expect(sink.byURL()[server.baseURL + "/page"]?.outcome == .ok)
    }

    @Test(.timeLimit(.minutes(1)))
    func redirectsAreFollowedToTheLimit() async throws {
        let server = try await startServer { request in
            if request.path == "/" {
                return .html("<a href=/chain/0>chain</a><a href=/hop/0>hop</a><a href=/loop>loop</a>")
            }
            if request.path.hasPrefix("/chain/"), let n = Int(request.path.dropFirst(7)) {
                return .redirect(to: "/chain/\(n + 1)")
            }
            if request.path.hasPrefix("/hop/"), let n = Int(request.path.dropFirst(5)) {
                return n < 2 ? .redirect(to: "/hop/\(n + 1)", status: 301) : .html("<title>landed</title>")
            }
            if request.path == "/loop" { return .redirect(to: "/loop") }
            return nil
        }
        let (sink, _) = try await runCrawl(seeds: [server.baseURL + "/"]) { $0.maxRedirects = 3 }
        await server.shutdown()
        let records = sink.byURL()
        let chain = try #require(records[server.baseURL + "/chain/0"])
        #expect(chain.outcome == .redirectLimit)
        #expect(chain.redirects == 3)
        #expect(chain.redirectTarget == server.baseURL + "/chain/4")
        #expect((0...3).allSatisfy { server.stats.hits("/chain/\($0)") == 1 })
        #expect(server.stats.hits("/chain/4") == 0)
        let hop = try #require(records[server.baseURL + "/hop/0"])
        #expect(hop.outcome == .ok && hop.redirects == 2 && hop.title == "landed")
        #expect(hop.finalURL == server.baseURL + "/hop/2")
        #expect(records[server.baseURL + "/loop"]?.outcome == .redirectLimit)
        #expect(server.stats.hits("/loop") == 1)
        #expect(records.count == 4)
    }

    @Test(.timeLimit(.minutes(1)))
    func scopeHostKeepsToTheSeedHostName() async throws {
        // 127.0.0.2 is another host name on the loopback interface (Linux answers all of 127/8).
        let other = try await startServer(host: "127.0.0.2") { request in
            request.path == "/" ? .html("<title>other</title>") : nil
        }
        let otherURL = other.baseURL + "/"
        let seedHost = try await startServer { request in
            request.path == "/" ? .html("<a href='\(otherURL)'>x</a><a href=/local>y</a>") : .html("<title>local</title>")
        }
        let (hostOnly, hostSummary) = try await runCrawl(seeds: [seedHost.baseURL + "/"])
        #expect(Set(hostOnly.all.map(\.url)) == [seedHost.baseURL + "/", seedHost.baseURL + "/local"])
        #expect(other.stats.totalRequests == 0)
        #expect(hostSummary.statistics.linksOutOfScope == 1)
        // Scope all, default address policy: 127.0.0.2 is not a seed's host and is not public, so
        // the connection is refused at connect time.
        let (blocked, _) = try await runCrawl(seeds: [seedHost.baseURL + "/"]) { $0.scope = .all }
        #expect(blocked.byURL()[otherURL]?.outcome == .blockedAddress)
        #expect(other.stats.totalRequests == 0)
        let (all, _) = try await runCrawl(seeds: [seedHost.baseURL + "/"], configure: { $0.scope = .all },
                                          fetch: { $0.allowPrivateAddresses = true })
        #expect(all.byURL()[otherURL]?.title == "other")
        await other.shutdown()
        await seedHost.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func networkFailuresAreRecorded() async throws {
        // A port with no listener: bind one, note it, close it.
        let closed = try await startServer { _ in nil }
        let closedURL = closed.baseURL + "/"
        await closed.shutdown()
        let server = try await startServer { request in
            switch request.path {
            case "/": return .html("<a href='\(closedURL)'>gone</a><a href=/slow>slow</a><a href=/text>t</a>")
            case "/slow": return ServerResponse(status: 200, headers: [("Content-Type", "text/html")], body: .bytes([]), headerDelay: .seconds(5))
            case "/text": return .text("plain")
            default: return nil
            }
        }
        let (sink, summary) = try await runCrawl(seeds: [server.baseURL + "/"], configure: { $0.scope = .all },
                                                 fetch: { $0.timeout = .seconds(1) })
        await server.shutdown()
        let records = sink.byURL()
        #expect(records[closedURL]?.outcome == .connectionRefused)
        #expect(records[closedURL]?.status == nil)
        #expect(records[server.baseURL + "/slow"]?.outcome == .timeout)
        #expect(records[server.baseURL + "/text"]?.outcome == .unsupportedContent)
        #expect(summary.statistics.failures == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func jsonlFileHasOneValidRecordPerURL() async throws {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 2, pagesPerHost: 60, slowPageEvery: 0, largePageEvery: 0))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JSONLWriter(path: path)
        let configuration = CrawlConfiguration(
            seeds: site.seeds.compactMap { .parse($0) }, concurrency: 8, parseWorkers: 2, politeness: .unlimited)
        let summary = try await CrawlSession.run(configuration, fetch: FetchSettings(maxTransfers: 8), sink: writer)
        try await writer.finish()
        await site.shutdown()

        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.last == 0x0A)
        let lines = data.split(separator: 0x0A)
        #expect(lines.count == summary.statistics.records)
        let required = ["schema_version", "url", "final_url", "host", "depth", "parent", "status", "outcome",
                        "content_type", "bytes", "title", "links_found", "links_enqueued", "redirects",
                        "redirect_target", "attempts", "rate_wait_ms", "fetched_at", "time_ms", "timings", "error"]
        var urls = Set<String>()
        for line in lines {
            #expect(String(validating: Array(line), as: UTF8.self) != nil)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            for key in required { #expect(object.keys.contains(key), "missing \(key)") }
            urls.insert(object["url"] as? String ?? "")
            let fetchedAt = object["fetched_at"] as? String ?? ""
            #expect(fetchedAt.hasSuffix("Z") && fetchedAt.count == 24)
            if object["outcome"] as? String == "ok" {
                let timings = try #require(object["timings"] as? [String: Any])
                #expect(timings["ttfb_ms"] is Double)
            }
        }
        #expect(urls.count == lines.count)
    }
}
