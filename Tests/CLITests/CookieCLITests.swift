import DemoSite
import Foundation
import Testing

/// `--cookies`, through the binary, against a cookie wall.
@Suite("The crawl binary's --cookies", .serialized)
struct CookieCLITests {
    /// A site behind a cookie wall: `/` without the cookie redirects to `/consent`, which sets it and
    /// redirects back to `/`; `/a` answers 403 without it. `/` links to `/a` and to a second host.
    func crawlCookieWall(_ extra: [String]) async throws -> TwoHostCrawl {
        try await TwoHostCrawl.run(
            extra,
            seed: { otherURL, request in
                let cookie = request.headers.first { $0.name.lowercased() == "cookie" }?.value ?? ""
                let consented = cookie.contains("consent=yes")
                switch request.path {
                case "/robots.txt": return .notFound()
                case "/consent":
                    var response = ServerResponse.redirect(to: "/")
                    response.headers.append((name: "Set-Cookie", value: "consent=yes; Path=/"))
                    return response
                case "/": return consented ? .html(#"<title>home</title><a href="/a">a</a> <a href="\#(otherURL)/b">b</a>"#) : .redirect(to: "/consent")
                case "/a": return consented ? .html("<title>a</title>") : .html("no", status: 403)
                default: return .notFound()
                }
            },
            other: { request in request.path == "/robots.txt" ? .notFound() : .html("<title>other</title>") })
    }

    @Test(.timeLimit(.minutes(1)))
    func withCookiesACookieWallIsPassedAndTheCookieStaysWithItsHost() async throws {
        // A `--header` cookie too: it joins the jar's in one Cookie line (RFC 6265 5.4 allows one).
        let run = try await crawlCookieWall(["--cookies", "--header", "Cookie: mine=2"])
        #expect(run.result.status == 0, "\(run.result.stderr)")
        let home = try #require(run.records.first { $0.key.hasSuffix(":\(run.seedLog.first?.port ?? 0)/") }?.value)
        #expect(home["outcome"] as? String == "ok", "\(home)")
        #expect(home["title"] as? String == "home")
        #expect(home["redirects"] as? Int == 2)
        #expect(run.records.values.contains { ($0["url"] as? String ?? "").hasSuffix("/a") && $0["status"] as? Int == 200 })
        #expect(run.records.values.contains { ($0["url"] as? String ?? "").hasSuffix("/b") && $0["outcome"] as? String == "ok" })
        // Sent back to the host that set it, on every request after /consent, with the --header one in
        // the same line; never to the other host.
        func cookieLines(_ entry: RequestLogEntry) -> [String] {
            entry.headers.filter { $0.name.lowercased() == "cookie" }.map(\.value)
        }
        #expect(run.seedLog.allSatisfy { cookieLines($0).count == 1 }, "\(run.seedLog.map(cookieLines))")
        let beforeConsent = run.seedLog.prefix { $0.path != "/consent" }
        let afterConsent = run.seedLog.drop { $0.path != "/consent" }.dropFirst()
        #expect(!afterConsent.isEmpty)
        #expect(beforeConsent.allSatisfy { cookieLines($0) == ["mine=2"] })
        #expect(afterConsent.allSatisfy { entry in
            let line = cookieLines(entry).first ?? ""
            return line.contains("consent=yes") && line.contains("mine=2")
        }, "\(afterConsent.map(cookieLines))")
        #expect(run.otherLog.count == 2)
        #expect(run.otherLog.allSatisfy { entry in !entry.headers.contains { $0.name.lowercased() == "cookie" } })
    }

    /// Without `--cookies` (the default) nothing is kept: the wall sends the crawl round in a loop,
    /// which is stopped at once.
    @Test(.timeLimit(.minutes(1)))
    func withoutCookiesTheWallIsARedirectLoop() async throws {
        let run = try await crawlCookieWall([])
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.records.count == 1)
        let home = try #require(run.records.values.first)
        #expect(home["outcome"] as? String == "redirect_limit")
        #expect(home["error"] as? String == "redirect loop")
        #expect(run.seedLog.filter { $0.path == "/consent" }.count == 1)
        #expect(run.seedLog.allSatisfy { entry in !entry.headers.contains { $0.name.lowercased() == "cookie" } })
        #expect(run.otherLog.isEmpty)
    }
}
