import Testing
@testable import CrawlURL

/// `WebURL.Layout`: what the crawl's host queues keep of a URL must unpack to the same URL.
@Suite("Packed URLs")
struct PackedURLTests {
    /// Every component, so a wrong offset shows whichever component it shifts.
    private static func components(_ url: WebURL) -> [String?] {
        [url.href, url.scheme, url.username, url.password, url.host, url.port.map(String.init), url.path,
         url.query, url.fragment, url.requestTarget, url.hostKey, String(url.hasOpaquePathComponent)]
    }

    /// Packs `url` beside `hostKey` ("" packs it whole) and unpacks it again; also returns the bytes
    /// packing kept. Nil when the URL does not pack.
    private static func roundTrip(_ url: WebURL, hostKey: String) -> (url: WebURL, stored: String)? {
        url.withPacked(omittingOrigin: hostKey) { layout, stored in
            (WebURL(unpacking: layout, hostKey: hostKey, storedUTF8: stored), String(decoding: stored, as: UTF8.self))
        }
    }

    private static let urls = [
        "http://127.0.0.1:18080/p/00001.html",
        "https://example.com/",
        "https://example.com:443/a/b?c=d#e",
        "http://example.com:8080/?#",
        "http://user:pass@example.com/secret",
        "http://user@example.com:81/x",
        "http://[::1]:8080/v6?q",
        "https://xn--bcher-kva.example/%C3%BC?%20#frag",
        "http://example.com/" + String(repeating: "long/", count: 4_000),
        "file:///etc/hosts",
        "mailto:someone@example.com",
        "web+demo:/.//not-a-host/",
    ]

    @Test func packedWholeAndBesideTheHostKeyUnpackToTheSameURL() throws {
        var cases = Self.urls.compactMap { WebURL.parse($0) }
        // And every WPT/RFC case of the fixture that parses.
        for testCase in try URLCaseFixture.load() {
            let base = testCase.base.flatMap { WebURL.parse($0) }
            if let url = WebURL.parse(testCase.input, base: base) { cases.append(url) }
        }
        #expect(cases.count > 300)
        for url in cases {
            let whole = try #require(Self.roundTrip(url, hostKey: ""))
            #expect(Self.components(whole.url) == Self.components(url))
            #expect(whole.stored == url.href)
            let beside = try #require(Self.roundTrip(url, hostKey: url.hostKey))
            #expect(Self.components(beside.url) == Self.components(url), "\(url.href)")
        }
    }

    @Test func theOriginIsLeftOutOnlyWhenTheHostKeyHoldsIt() throws {
        let plain = try #require(WebURL.parse("https://example.com/a"))
        #expect(try #require(Self.roundTrip(plain, hostKey: plain.hostKey)).stored == "/a")  // key ends ":443"
        let credentials = try #require(WebURL.parse("http://user:pass@example.com/a"))
        let packed = try #require(Self.roundTrip(credentials, hostKey: credentials.hostKey))
        #expect(packed.stored == credentials.href)
        #expect(packed.url.href == credentials.href)
    }

    @Test func aURLOf64KiBOrMoreDoesNotPack() throws {
        let long = try #require(WebURL.parse("http://example.com/" + String(repeating: "a", count: 70_000)))
        #expect(Self.roundTrip(long, hostKey: "") == nil)
        #expect(Self.roundTrip(long, hostKey: long.hostKey) == nil)
        let short = try #require(WebURL.parse("http://example.com/" + String(repeating: "a", count: 65_000)))
        #expect(Self.roundTrip(short, hostKey: "") != nil)
    }
}
