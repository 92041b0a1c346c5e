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
        let other = try await LocalHTTPServer.start { request in
            request.path == "/robots.txt" ? .notFound() : .html("<title>other</title>")
        }
        let otherURL = "http://other.test:\(other.port)"
        let seed = try await LocalHTTPServer.start { request in
            switch request.path {
            case "/robots.txt": return .notFound()
            case "/": return .html(#"<a href="/a">a</a> <a href="\#(otherURL)/b">b</a>"#)
            default: return .html("<title>leaf</title>")
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://seed.test:\(seed.port)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "out.jsonl", "--host-rate", "0", "--quiet", "--scope", "all",
             "--allow-private-addresses",
             "--resolve", "seed.test:\(seed.port):127.0.0.1", "--resolve", "other.test:\(other.port):127.0.0.1",
             "--header", "Cookie: session=s3cret", "--header", "Authorization: Bearer t0ken",
             "--header", "Accept-Language: de-CH"],
            in: directory)
        let seedLog = seed.stats.log
        let otherLog = other.stats.log
        await seed.shutdown()
        await other.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        func value(_ name: String, _ entry: RequestLogEntry) -> String? {
            entry.headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        #expect(Set(seedLog.map(\.path)) == ["/robots.txt", "/", "/a"])
        #expect(Set(otherLog.map(\.path)) == ["/robots.txt", "/b"])
        for entry in seedLog {
            #expect(value("Cookie", entry) == "session=s3cret", "\(entry.path)")
            #expect(value("Authorization", entry) == "Bearer t0ken", "\(entry.path)")
            #expect(value("Accept-Language", entry) == "de-CH", "\(entry.path)")
            #expect(value("User-Agent", entry)?.hasPrefix("crawl/") == true)
        }
        for entry in otherLog {
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
