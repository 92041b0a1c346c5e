import CrawlRuntime
import Testing

/// `--header` values as the crawl parses them.
@Suite("--header")
struct RequestHeaderTests {
    @Test func aHeaderIsANameAndATrimmedValue() throws {
        let header = try RequestHeader(parsing: "Accept-Language:  de-CH, de;q=0.9 \t")
        #expect(header.name == "Accept-Language")
        #expect(header.value == "de-CH, de;q=0.9")
        #expect(header.line == "Accept-Language: de-CH, de;q=0.9")
        #expect(!header.isCredential)
        #expect(try RequestHeader(parsing: "X-Token:a:b").value == "a:b")
        #expect(try RequestHeader(parsing: "X-Name: Zürich").value == "Zürich")
    }

    @Test func cookiesAndAuthorizationAreCredentials() throws {
        #expect(try RequestHeader(parsing: "Cookie: session=abc").isCredential)
        #expect(try RequestHeader(parsing: "authorization: Bearer x").isCredential)
        #expect(try !RequestHeader(parsing: "X-Cookie: y").isCredential)
    }

    @Test(arguments: [
        ("no colon here", "expected 'Name: value'"),
        (": value", "is not a header name"),
        ("Bad Name: x", "is not a header name"),
        ("X-Empty:   ", "no value"),
        ("User-Agent: me", "User-Agent is set by crawl itself (use --user-agent)"),
        ("host: elsewhere.test", "host is set by crawl itself"),
        ("Accept-Encoding: identity", "Accept-Encoding is set by crawl itself"),
        ("If-None-Match: \"x\"", "If-None-Match is set by crawl itself"),
        ("X-Split: a\r\nInjected: 1", "control character"),
        ("X-Nul: a\u{0}b", "control character"),
    ])
    func aHeaderThatCannotBeSentSaysWhy(text: String, reason: String) {
        do {
            _ = try RequestHeader(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}
