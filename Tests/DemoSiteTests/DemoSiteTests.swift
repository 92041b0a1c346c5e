import DemoSite
import Foundation
import Testing

/// Splits "http://host:port/path" into (host, port, path).
private func split(_ url: String) -> (host: String, port: Int, path: String)? {
    guard let r = url.range(of: "://") else { return nil }
    let rest = url[r.upperBound...]
    let slash = rest.firstIndex(of: "/") ?? rest.endIndex
    let authority = rest[..<slash]
    guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else { return nil }
    return (String(authority[..<colon]), port, slash == rest.endIndex ? "/" : String(rest[slash...]))
}

/// A small resolver for the link forms the demo site writes (not a general URL parser).
private func resolve(_ href: String, base: String) -> String {
    var href = href
    if let hash = href.firstIndex(of: "#") { href = String(href[..<hash]) }
    let b = split(base)!
    var host = b.host, port = b.port, path: String
    if href.contains("://"), let a = split(href) {
        (host, port, path) = (a.host, a.port, a.path)
    } else if href.hasPrefix("/") {
        path = href
    } else {
        path = String(b.path[...b.path.lastIndex(of: "/")!]) + href
    }
    var out: [Substring] = []
    let segs = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    for (i, s) in segs.enumerated() {
        let last = i == segs.count - 1
        if s == "." {
            if last { out.append("") }
        } else if s == ".." {
            _ = out.popLast()
            if last { out.append("") }
        } else {
            out.append(s)
        }
    }
    return "http://\(host.lowercased()):\(port)/" + out.joined(separator: "/")
}

/// Extracts href values (the demo site writes them as `href="..."`), scanning bytes: large pages are
/// 200 KB and this runs for every page.
private func hrefs(_ html: [UInt8]) -> [String] {
    let marker = Array("href=\"".utf8)
    var out: [String] = []
    var i = 0
    while i + marker.count <= html.count {
        if html[i] == marker[0], html[i..<(i + marker.count)].elementsEqual(marker) {
            let start = i + marker.count
            guard let end = html[start...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            out.append(String(decoding: html[start..<end], as: UTF8.self))
            i = end + 1
        } else {
            i += 1
        }
    }
    return out
}

/// Fetches every URL over keep-alive connections on `workers` threads; returns URL -> response.
private func fetchAll(_ urls: [String], workers: Int = 4) async throws -> [String: RawHTTPClient.Response] {
    try await withThrowingTaskGroup(of: [(String, RawHTTPClient.Response)].self) { group in
        for w in 0..<workers {
            let mine = urls.enumerated().filter { $0.offset % workers == w }.map(\.element)
            group.addTask {
                try await offPool {
                    var conns: [Int: RawHTTPClient] = [:]
                    var got: [(String, RawHTTPClient.Response)] = []
                    for url in mine {
                        let u = split(url)!
                        let c = try conns[u.port] ?? RawHTTPClient(port: u.port)
                        conns[u.port] = c
                        try c.sendGet(u.path, host: "\(u.host):\(u.port)")
                        let r = try c.readResponse()
                        got.append((url, r))
                        if r.header("Connection") == "close" { conns[u.port] = nil }
                    }
                    return got
                }
            }
        }
        var all: [String: RawHTTPClient.Response] = [:]
        for try await part in group { for (u, r) in part { all[u] = r } }
        return all
    }
}

@Suite("DemoSite", .timeLimit(.minutes(1)))
struct DemoSiteTests {
    static let small = DemoSiteConfig(
        hosts: 3, pagesPerHost: 60, slowPageEvery: 25, slowDelay: .milliseconds(50), largePageEvery: 20,
        largePageBytes: 200_000, hostName: "localhost")

    @Test("every manifest URL is served as expected, and every link resolves into the manifest")
    func manifestMatchesServedSite() async throws {
        let site = try await DemoSite.start(Self.small)
        defer { Task { await site.shutdown() } }
        let m = site.manifest
        #expect(site.seeds == ["http://localhost:\(site.servers[0].port)/"])
        #expect(m.pages[site.seeds[0]]?.depth == 0)

        // Every HTML page of every host is reachable.
        for base in site.canonicalBaseURLs {
            #expect(m.pages[base + "/"]?.status == 200)
            for n in 1..<60 { #expect(m.pages[base + "/page/\(n)"]?.status == 200, "\(base)/page/\(n)") }
        }
        // The manifest holds each kind of resource.
        let statuses = Set(m.pages.values.map(\.status))
        #expect(statuses.isSuperset(of: [200, 301, 302, 404]))
        #expect(m.pages.values.contains { $0.contentType == "application/pdf" && !$0.isHTML })
        #expect(m.pages.values.contains { $0.contentType == "image/png" })
        #expect(!m.robotsDisallowed.isEmpty)
        #expect(m.robotsDisallowed.allSatisfy { $0.contains("/private/") && m.pages[$0] != nil })
        #expect(m.expectedURLs(respectingRobots: true).count == m.pages.count - m.robotsDisallowed.count)

        let responses = try await fetchAll(Array(m.pages.keys))
        #expect(responses.count == m.pages.count)
        var variantForms = 0
        for (url, expected) in m.pages {
            let r = try #require(responses[url])
            #expect(r.status == expected.status, "\(url)")
            #expect(r.header("Content-Type") == expected.contentType, "\(url)")
            if let to = expected.redirectsTo {
                let loc = try #require(r.header("Location"))
                #expect(resolve(loc, base: url) == to, "\(url) -> \(loc)")
                #expect(m.pages[to]?.depth ?? .max <= expected.depth)
            }
            if let title = expected.title {
                #expect(String(decoding: r.body.prefix(300), as: UTF8.self).contains("<title>\(title)</title>"), "\(url)")
            }
            guard expected.status == 200, expected.isHTML else { continue }
            // Every link resolves to a URL of the manifest at most one level deeper.
            for href in hrefs(r.body) {
                let target = resolve(href, base: url)
                let page = m.pages[target]
                #expect(page != nil, "\(url): \(href) -> \(target)")
                #expect((page?.depth ?? .max) <= expected.depth + 1, "\(url): \(href)")
                if href.contains("#") || href.hasPrefix(".") || href.contains("/../") || href.hasPrefix("HTTP:")
                    || href.contains("LOCALHOST")
                {
                    variantForms += 1
                }
            }
        }
        #expect(variantForms > 100)
        // The stats saw exactly one request per URL (plus nothing else).
        #expect(site.stats.totalRequests == m.pages.count)
        #expect(site.stats.log.allSatisfy { $0.completed })
    }

    @Test("pageLinks agrees with the served HTML and the resolver")
    func pageLinksAgree() async throws {
        let site = try await DemoSite.start(Self.small)
        defer { Task { await site.shutdown() } }
        for (host, page) in [(0, 0), (1, 7), (2, 20), (2, 59)] {
            let links = try #require(site.pageLinks(host: host, page: page))
            let body = try #require(site.pageBody(host: host, page: page))
            #expect(hrefs(body) == links.map(\.href))
            let base = site.canonicalBaseURLs[host] + (page == 0 ? "/" : "/page/\(page)")
            for l in links { #expect(resolve(l.href, base: base) == l.canonicalURL, "\(l.href)") }
        }
        #expect(site.pageBody(host: 2, page: 20)?.count == 200_000)
        #expect(site.pageBody(host: 3, page: 0) == nil)
    }

    @Test("same seed gives the same site; another seed a different one")
    func deterministic() async throws {
        func normalized(_ site: DemoSite) -> [String: DemoManifest.ExpectedPage] {
            func norm(_ s: String) -> String {
                var s = s
                for (i, b) in site.canonicalBaseURLs.enumerated() { s = s.replacingOccurrences(of: b, with: "H\(i)") }
                return s
            }
            var out: [String: DemoManifest.ExpectedPage] = [:]
            for (k, var v) in site.manifest.pages {
                v.redirectsTo = v.redirectsTo.map(norm)
                out[norm(k)] = v
            }
            return out
        }
        let a = try await DemoSite.start(Self.small)
        let b = try await DemoSite.start(Self.small)
        var other = Self.small
        other.seed = 2
        let c = try await DemoSite.start(other)
        #expect(normalized(a) == normalized(b))
        #expect(normalized(a) != normalized(c))
        func links(_ site: DemoSite) -> [String] {
            site.pageLinks(host: 1, page: 5)!.map { l in
                var s = l.canonicalURL
                for (i, b) in site.canonicalBaseURLs.enumerated() { s = s.replacingOccurrences(of: b, with: "H\(i)") }
                return s
            }
        }
        let (pa, pb) = (links(a), links(b))
        #expect(!pa.isEmpty)
        #expect(pa == pb)
        await a.shutdown()
        await b.shutdown()
        await c.shutdown()
    }

    @Test("robots.txt, slow pages, unknown paths")
    func specialRoutes() async throws {
        let site = try await DemoSite.start(Self.small)
        defer { Task { await site.shutdown() } }
        let port = site.servers[1].port
        let (robots, slowTime, missing, pageZero) = try await offPool {
            let robots = try RawHTTPClient.get(port: port, "/robots.txt")
            let t0 = ContinuousClock.now
            _ = try RawHTTPClient.get(port: port, "/page/25")
            let slow = ContinuousClock.now - t0
            return (robots, slow, try RawHTTPClient.get(port: port, "/nope"), try RawHTTPClient.get(port: port, "/page/0"))
        }
        #expect(robots.status == 200)
        #expect(robots.text.contains("Disallow: /private/"))
        #expect(slowTime >= .milliseconds(50))
        #expect(missing.status == 404)
        #expect(missing.text.contains("Not Found"))
        #expect(pageZero.status == 404)  // page 0 is only "/", so no alias exists
        #expect(site.stats.hits("/robots.txt", port: port) == 1)
    }

    @Test("defaults: a few hundred pages, all reachable; 4 x 600 pages works")
    func sizes() async throws {
        let d = try await DemoSite.start(DemoSiteConfig())
        #expect(d.manifest.okHTMLCount >= 400)
        #expect(d.manifest.pages.count < 700)
        await d.shutdown()
        let big = try await DemoSite.start(DemoSiteConfig(hosts: 4, pagesPerHost: 600))
        #expect(big.manifest.okHTMLCount >= 2400)
        #expect(big.manifest.pages.values.map(\.depth).max() ?? 0 > 2)
        await big.shutdown()
    }
}
