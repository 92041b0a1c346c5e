import Testing
@testable import CrawlURL

/// Passwords never reach the output (WebURL+Credentials): record fields and the dedup key.
@Suite("Passwords in URLs")
struct CredentialsTests {
    @Test(arguments: [
        ("http://user:secret@example.com/a", "http://user:***@example.com/a"),
        ("https://u:p@h:8443/x?q=1#f", "https://u:***@h:8443/x?q=1#f"),
        ("http://:secret@h/", "http://:***@h/"),
        ("http://u:pa%40ss%3A@h/", "http://u:***@h/"),  // encoded "@" and ":" stay inside the password
        ("http://u:a:b@h/", "http://u:***@h/"),  // raw text (a Location): everything after the first ":"
        ("http://u:p@h/path@x", "http://u:***@h/path@x"),  // an "@" in the path is not the authority's
        ("http://u:p@h?q=a@b", "http://u:***@h?q=a@b"),
    ])
    func thePasswordIsReplaced(text: String, expected: String) {
        #expect(WebURL.redactingPassword(in: text) == expected)
    }

    @Test(arguments: [
        "http://example.com/a", "http://user@example.com/", "http://u:@h/", "http://u:***@h/",
        "http://h/a:b@c", "http://h/?u:p@x", "http://h#u:p@x", "mailto:u:p@h", "not a url", "", "http:",
        "http://", "://u:p@h/", "http:\\\\u:p@h/",
    ])
    func otherTextIsUnchanged(text: String) {
        #expect(WebURL.redactingPassword(in: text) == text)
    }

    @Test func theDedupKeyHasNoPasswordAndIsStable() throws {
        let url = try #require(WebURL.parse("http://user:secret@example.com/%7ea#f"))
        #expect(url.href == "http://user:secret@example.com/%7ea#f")  // requests use it as given
        #expect(url.password == "secret")
        #expect(url.hrefWithoutPassword == "http://user:***@example.com/%7ea#f")
        #expect(url.dedupKey == "http://user:***@example.com/~a")
        // The key of the redacted URL (as a record holds it, and recovery reads it back) is the same.
        #expect(try #require(WebURL.parse(url.hrefWithoutPassword)).dedupKey == url.dedupKey)
        #expect(try #require(WebURL.parse(url.dedupKey)).dedupKey == url.dedupKey)
        // Two URLs that differ only in the password are one resource; another user is another.
        #expect(try #require(WebURL.parse("http://user:other@example.com/~a")).dedupKey == url.dedupKey)
        #expect(try #require(WebURL.parse("http://bob:secret@example.com/~a")).dedupKey != url.dedupKey)
        #expect(try #require(WebURL.parse("http://example.com/~a")).dedupKey != url.dedupKey)
    }

    /// Regression (Fuzz/Regressions/url/password-redaction-recursion): a scheme of more than 32
    /// characters was not scanned, so the key's redaction parsed the same URL again without end.
    @Test func aLongSchemeIsRedactedToo() throws {
        let scheme = "http" + String(repeating: "q", count: 40)
        let url = try #require(WebURL.parse(scheme + "://::@cxample.org/x"))
        #expect(url.password == "%3A")
        #expect(url.dedupKey == scheme + "://:***@cxample.org/x")
        #expect(WebURL.redactingPassword(in: url.href) == url.hrefWithoutPassword)
    }

    @Test func linksResolvedOnAPageWithAPasswordKeepItForRequestsOnly() throws {
        let base = try #require(WebURL.parse("http://u:pw@h.test/dir/page"))
        let link = try #require(base.resolve("next?x=1"))
        #expect(link.href == "http://u:pw@h.test/dir/next?x=1")
        #expect(link.hrefWithoutPassword == "http://u:***@h.test/dir/next?x=1")
        #expect(WebURL.redactingPassword(in: link.href) == link.hrefWithoutPassword)
    }
}
