import DemoSite
import Foundation
import Testing

/// `--proxy`, through the binary, with a local server acting as the proxy.
@Suite("The crawl binary through a proxy", .serialized)
struct ProxyCLITests {
    /// A forward proxy for http URLs, as far as the crawl can tell: it answers the absolute-form
    /// requests (`GET http://site.invalid/a HTTP/1.1`) a client sends to a proxy, for a host name that
    /// does not resolve anywhere (`.invalid`), so only the proxy can have reached it. The proxy is on
    /// loopback, and a second host (not a seed's) is reached through it too: the address policy sees
    /// only the proxy's address, which the user chose.
    @Test(.timeLimit(.minutes(1)))
    func everyRequestGoesThroughTheProxy() async throws {
        let proxy = try await LocalHTTPServer.start { request in
            switch request.uri {
            case "http://site.invalid/robots.txt": return .text("User-agent: *\nDisallow: /private\n")
            case "http://site.invalid/": return .html(#"<a href="/a">a</a> <a href="/private/x">p</a> <a href="http://other.invalid/b">b</a>"#)
            case "http://site.invalid/a", "http://other.invalid/b": return .html("<title>leaf</title>")
            case "http://other.invalid/robots.txt": return .notFound()
            default: return .notFound()
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://site.invalid/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "out.jsonl", "--host-rate", "0", "--quiet", "--scope", "all", "--proxy", proxy.baseURL],
            in: directory)
        let requested = proxy.stats.log.map(\.uri)
        await proxy.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Set(requested) == [
            "http://site.invalid/robots.txt", "http://site.invalid/", "http://site.invalid/a",
            "http://other.invalid/robots.txt", "http://other.invalid/b",
        ], "\(requested)")
        #expect(requested.count == 5)
        let outcomes = try Data(contentsOf: directory.appendingPathComponent("out.jsonl")).split(separator: 0x0A).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            return "\(object["url"] as? String ?? "") \(object["outcome"] as? String ?? "")"
        }
        #expect(Set(outcomes) == [
            "http://site.invalid/ ok", "http://site.invalid/a ok", "http://other.invalid/b ok",
            "http://site.invalid/private/x robots_disallowed",
        ])
    }

    /// Without `--proxy`, the environment's `http_proxy` is not used: a cron job's environment does
    /// not reroute the crawl.
    @Test(.timeLimit(.minutes(1)))
    func theEnvironmentsProxyIsIgnored() async throws {
        let site = try await LocalHTTPServer.start { request in
            request.uri == "/" ? .html("<title>home</title>") : .notFound()
        }
        let proxy = try await LocalHTTPServer.start { _ in .html("<title>from the proxy</title>") }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\(site.baseURL)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["-c", "http_proxy=\(proxy.baseURL) HTTP_PROXY=\(proxy.baseURL) ALL_PROXY=\(proxy.baseURL) exec \"$0\" \"$@\"",
             BinaryRunner.binaryURL.path, "--seeds", "seeds.txt", "--output", "out.jsonl", "--quiet"],
            in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        let proxied = proxy.stats.totalRequests
        let direct = site.stats.totalRequests
        await proxy.shutdown()
        await site.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(proxied == 0)
        #expect(direct == 2)  // robots.txt and /
    }

    @Test(arguments: [
        ("proxy.example:3128", "no scheme (e.g. http://proxy.example:3128)"),
        ("ftp://proxy.example", "scheme 'ftp' is not one of http, https, socks4, socks4a, socks5, socks5h"),
        ("http://", "no host"),
        ("http://:3128", "no host"),
        ("http://proxy example:3128", "a blank or control character"),
    ])
    func aProxyThatCannotBeUsedIsAUsageError(proxy: String, reason: String) async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://a.test/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--proxy", proxy], in: directory)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--proxy '\(proxy)': \(reason)."), "\(result.stderr)")
    }

    /// The message never shows the proxy's password.
    @Test func aRefusedProxysPasswordIsNotPrinted() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://a.test/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--proxy", "gopher://me:s3cret@proxy.example"], in: directory)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--proxy 'gopher://me:***@proxy.example'"), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret"))
    }
}
