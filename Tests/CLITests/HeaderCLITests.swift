import DemoSite
import Foundation
import Testing

/// `--header`, through the binary, against two local servers under two host names.
@Suite("The crawl binary's --header", .serialized)
struct HeaderCLITests {
    /// Every request carries the headers, robots.txt included; `Cookie` and `Authorization` reach
    /// only the seed's host, not a second host its pages link to.
    @Test(.timeLimit(.minutes(1)))
    func headersReachEveryHostAndCredentialsOnlyTheSeeds() async throws {
        let crawl = try await TwoHostCrawl.run(
            ["--header", "Cookie: session=s3cret", "--header", "Authorization: Bearer t0ken", "--header", "Accept-Language: de-CH"],
            seed: { otherURL, request in
                switch request.path {
                case "/robots.txt": return .notFound()
                case "/": return .html(#"<a href="/a">a</a> <a href="\#(otherURL)/b">b</a>"#)
                default: return .html("<title>leaf</title>")
                }
            },
            other: { request in request.path == "/robots.txt" ? .notFound() : .html("<title>other</title>") })
        #expect(crawl.result.status == 0, "\(crawl.result.stderr)")
        let value = TwoHostCrawl.header
        #expect(Set(crawl.seedLog.map(\.path)) == ["/robots.txt", "/", "/a"])
        #expect(Set(crawl.otherLog.map(\.path)) == ["/robots.txt", "/b"])
        for entry in crawl.seedLog {
            #expect(value("Cookie", entry) == "session=s3cret", "\(entry.path)")
            #expect(value("Authorization", entry) == "Bearer t0ken", "\(entry.path)")
            #expect(value("Accept-Language", entry) == "de-CH", "\(entry.path)")
            #expect(value("User-Agent", entry)?.hasPrefix("crawl/") == true)
        }
        for entry in crawl.otherLog {
            #expect(value("Cookie", entry) == nil, "\(entry.path)")
            #expect(value("Authorization", entry) == nil, "\(entry.path)")
            #expect(value("Accept-Language", entry) == "de-CH", "\(entry.path)")
        }
    }

    @Test(arguments: [
        (["--header", "User-Agent: me"], "--header 'User-Agent': User-Agent is set by crawl itself (use --user-agent)."),
        (["--header", "X-Split: a\r\nInjected: 1"], "--header 'X-Split': the value holds a control character"),
        (["--header", "Bad Name: x"], "--header 'Bad Name': 'Bad Name' is not a header name"),
    ])
    func aHeaderThatCannotBeSentIsAUsageError(arguments: [String], message: String) async throws {
        let result = try await BinaryRunner.run(["--seeds", "x"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// A refused header's value, which may be a secret, is never printed; nor is a text without a
    /// colon (a pasted token).
    @Test func aRefusedHeadersValueIsNotPrinted() async throws {
        let control = try await BinaryRunner.run(["--seeds", "x", "--header", "Cookie: s3cret\u{7}"])
        #expect(control.status == 64)
        #expect(control.stderr.contains("--header 'Cookie': the value holds a control character"), "\(control.stderr)")
        #expect(!control.stderr.contains("s3cret"))
        let pasted = try await BinaryRunner.run(["--seeds", "x", "--header", "eyJhbGciOiJIUzI1NiJ9.s3cret"])
        #expect(pasted.status == 64)
        #expect(pasted.stderr.contains("--header: expected 'Name: value'."), "\(pasted.stderr)")
        #expect(!pasted.stderr.contains("s3cret"))
    }
}
