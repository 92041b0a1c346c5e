import CrawlURL
import Testing

@Suite("Session parameters are left out of the dedup key")
struct SessionParametersTests {
    private func key(_ text: String, _ parameters: SessionParameters = .default) throws -> String {
        try #require(WebURL.parse(text), "\(text)").dedupKey(stripping: parameters)
    }

    @Test func queryParametersAreRemovedCaseInsensitively() throws {
        #expect(try key("http://h/p?PHPSESSID=abc") == "http://h/p")
        #expect(try key("http://h/p?a=1&phpsessid=abc&b=2") == "http://h/p?a=1&b=2")
        #expect(try key("http://h/p?sessionid=1&SessionId=2&x") == "http://h/p?x")
        #expect(try key("http://h/p?JSESSIONID") == "http://h/p")  // a bare name too
    }

    @Test func pathParametersAreRemoved() throws {
        #expect(try key("http://h/shop;jsessionid=8F3A9?item=2") == "http://h/shop?item=2")
        #expect(try key("http://h/a;jsessionid=1/b;x=2") == "http://h/a/b;x=2")
        #expect(try key("http://h/a;JSESSIONID=1;v=3") == "http://h/a;v=3")
    }

    @Test func otherURLsAreUntouched() throws {
        // Nothing to remove: the key is exactly dedupKey (query order, empty parameters and all).
        for text in ["http://h/p?b=2&a=1&", "http://h/p?", "http://h/p?sid=1", "http://h/;p", "http://h/p?x=phpsessid",
                     "http://h/p?phpsessidx=1", "http://h:8080/a;b=c?d"] {
            let url = try #require(WebURL.parse(text))
            #expect(url.dedupKey(stripping: .default) == url.dedupKey, "\(text)")
        }
        #expect(try key("http://h/p?PHPSESSID=1", .none) == "http://h/p?PHPSESSID=1")
    }

    @Test func theListIsConfigurable() throws {
        let custom = SessionParameters(names: ["SID", "", "utm_source"])
        #expect(custom.nameList == ["sid", "utm_source"])
        #expect(try key("http://h/p?sid=9&q=1&utm_source=x", custom) == "http://h/p?q=1")
        #expect(try key("http://h/p?phpsessid=1", custom) == "http://h/p?phpsessid=1")
    }
}
