import Testing
@testable import CrawlURL

@Suite("dedupKey")
struct DedupKeyTests {
    static func key(_ s: String) throws -> String {
        try #require(WebURL.parse(s), "\(s) should parse").dedupKey
    }

    @Test("drops the fragment")
    func dropsFragment() throws {
        #expect(try Self.key("http://example.com/a#section") == "http://example.com/a")
        #expect(try Self.key("http://example.com/a?q=1#") == "http://example.com/a?q=1")
        #expect(try Self.key("http://example.com/a#x") == Self.key("http://example.com/a#y"))
    }

    @Test("case, default port and dot segments")
    func wellKnownNormalisations() throws {
        #expect(try Self.key("HTTP://EXAMPLE.com:80/a/./b/../c") == "http://example.com/a/c")
        #expect(try Self.key("HTTP://EXAMPLE.com:80/a/./b/../c") == Self.key("http://example.com/a/c"))
        #expect(try Self.key("https://example.com:443/") == "https://example.com/")
        #expect(try Self.key("https://example.com:8443/") == "https://example.com:8443/")
        #expect(try Self.key("http://example.com/a/%2e/b/%2E%2e/c") == "http://example.com/a/c")
    }

    @Test("decodes only unreserved characters and uppercases the rest")
    func percentEncoding() throws {
        #expect(try Self.key("http://example.com/%7euser") == "http://example.com/~user")
        #expect(try Self.key("http://example.com/%7Euser") == Self.key("http://example.com/~user"))
        #expect(try Self.key("http://example.com/%41%62%2D%5f%2E%30") == "http://example.com/Ab-_.0")
        #expect(try Self.key("http://example.com/a%2fb") == "http://example.com/a%2Fb")
        #expect(try Self.key("http://example.com/a%2fb") != Self.key("http://example.com/a/b"))
        #expect(try Self.key("http://example.com/?q=a%3db%26c") == "http://example.com/?q=a%3Db%26c")
        #expect(try Self.key("http://example.com/%c3%a9") == "http://example.com/%C3%A9")
        #expect(try Self.key("http://example.com/é") == Self.key("http://example.com/%c3%a9"))
        // "%25" is "%" itself: it stays encoded, and what follows is not decoded a second time.
        #expect(try Self.key("http://example.com/%2541") == "http://example.com/%2541")
        // A "%" without two hex digits is left alone.
        #expect(try Self.key("http://example.com/100%/%zz/%4") == "http://example.com/100%/%zz/%4")
        #expect(try Self.key("http://u%7e@example.com/") == "http://u~@example.com/")
        #expect(try Self.key("http://u%7e:p%3a@example.com/") == "http://u~:***@example.com/")  // (WebURL+Credentials)
    }

    /// Regression (Fuzz/Regressions/url): decoding must not join a stray "%" with decoded hex
    /// digits into an escape the URL did not have, or two URLs a server decodes differently share
    /// a key ("/a%2Fb" is "a/b" to a server, "/a%%32Fb" is "a%2Fb").
    @Test("decoded hex digits never complete a stray percent sign")
    func strayPercentStaysStray() throws {
        #expect(try Self.key("http://h/a%%32Fb") == "http://h/a%%32Fb")
        #expect(try Self.key("http://h/a%%32Fb") != Self.key("http://h/a%2Fb"))
        #expect(try Self.key("http://h/%%34%31") == "http://h/%%341")
        #expect(try Self.key("http://h/%%34%31") != Self.key("http://h/%41"))
        #expect(try Self.key("http://h/%4%31") == "http://h/%4%31")
        #expect(try Self.key("http://h/%%333/") == "http://h/%%333/")
        // Decoding still happens where no stray "%" is involved, or where it cannot form an escape.
        #expect(try Self.key("http://h/%%7e%41") == "http://h/%~A")
        #expect(try Self.key("http://h/%zz%41") == "http://h/%zzA")
        // The key is a fixed point: read back as a URL, it has itself as key.
        for input in ["http://h/a%%32Fb", "http://h/%%34%31", "http://h/%4%31", "http://h/%%%34%31%32"] {
            let key = try Self.key(input)
            #expect(try Self.key(key) == key, "\(input) -> \(key)")
        }
    }

    @Test("keeps what a server may distinguish")
    func keepsDistinctions() throws {
        #expect(try Self.key("http://example.com/?b=2&a=1") == "http://example.com/?b=2&a=1")
        #expect(try Self.key("http://example.com/?b=2&a=1") != Self.key("http://example.com/?a=1&b=2"))
        #expect(try Self.key("http://example.com/a?") == "http://example.com/a?")
        #expect(try Self.key("http://example.com/a?") != Self.key("http://example.com/a"))
        #expect(try Self.key("http://example.com/a/") != Self.key("http://example.com/a"))
        #expect(try Self.key("http://example.com/A") != Self.key("http://example.com/a"))
        #expect(try Self.key("http://example.com/a+b") != Self.key("http://example.com/a%20b"))
        #expect(try Self.key("http://example.com/?q=%2B") != Self.key("http://example.com/?q=+"))
        #expect(try Self.key("http://example.com/") != Self.key("https://example.com/"))
        #expect(try Self.key("http://example.com:8080/") != Self.key("http://example.com/"))
    }

    @Test("a URL without percent-escapes or fragment is its own key")
    func unchanged() throws {
        let url = try #require(WebURL.parse("https://example.com/a/b?c=d"))
        #expect(url.dedupKey == url.href)
    }
}
