import Testing
@testable import CrawlURL

@Suite("Components")
struct ComponentTests {
    @Test("all components of a full http URL")
    func fullURL() throws {
        let url = try #require(WebURL.parse("HTTPS://us%65r:p@ss@Example.COM:8443/a/b;c?x=1&y=%7e#frag"))
        #expect(url.href == "https://us%65r:p%40ss@example.com:8443/a/b;c?x=1&y=%7e#frag")
        #expect(url.scheme == "https")
        #expect(url.isSpecial && url.isHTTP)
        #expect(url.username == "us%65r")
        #expect(url.password == "p%40ss")
        #expect(url.host == "example.com")
        #expect(url.port == 8443)
        #expect(url.effectivePort == 8443)
        #expect(url.path == "/a/b;c")
        #expect(url.query == "x=1&y=%7e")
        #expect(url.fragment == "frag")
        #expect(url.requestTarget == "/a/b;c?x=1&y=%7e")
        #expect(url.hostKey == "https://example.com:8443")
        #expect(url.description == url.href)
    }

    @Test("default ports, empty query and missing parts")
    func defaults() throws {
        let url = try #require(WebURL.parse("http://example.com:80"))
        #expect(url.href == "http://example.com/")
        #expect(url.port == nil)
        #expect(url.effectivePort == 80)
        #expect(url.hostKey == "http://example.com:80")
        #expect(url.username.isEmpty && url.password.isEmpty)
        #expect(url.query == nil && url.fragment == nil)
        #expect(url.requestTarget == "/")

        let https = try #require(WebURL.parse("https://Example.com/p?#"))
        #expect(https.hostKey == "https://example.com:443")
        #expect(https.query == "")
        #expect(https.fragment == "")
        #expect(https.requestTarget == "/p?")

        let userOnly = try #require(WebURL.parse("http://user:@h/"))
        #expect(userOnly.href == "http://user@h/")
        #expect(userOnly.username == "user" && userOnly.password.isEmpty)
        let passwordOnly = try #require(WebURL.parse("http://:secret@h/"))
        #expect(passwordOnly.username.isEmpty && passwordOnly.password == "secret")
    }

    @Test("IPv4 and IPv6 hosts")
    func ipHosts() throws {
        let v4 = try #require(WebURL.parse("http://0x7f.1:8080/"))
        #expect(v4.host == "127.0.0.1")
        #expect(v4.hostKey == "http://127.0.0.1:8080")
        let v6 = try #require(WebURL.parse("http://[0:0:0:0:0:FFFF:1.2.3.4]/x"))
        #expect(v6.host == "[::ffff:102:304]")
        #expect(v6.hostKey == "http://[::ffff:102:304]:80")
        #expect(WebURL.parse("http://[1:0:0:2::3:0]/")?.host == "[1::2:0:0:3:0]")
        #expect(WebURL.parse("http://[::1]:443/")?.port == 443)
    }

    @Test("opaque paths and non-special schemes")
    func nonSpecial() throws {
        let mail = try #require(WebURL.parse("MailTo:Someone@Example.com?subject=hi"))
        #expect(mail.href == "mailto:Someone@Example.com?subject=hi")
        #expect(mail.scheme == "mailto")
        #expect(!mail.isSpecial && !mail.isHTTP)
        #expect(mail.host == nil)
        #expect(mail.path == "Someone@Example.com")
        #expect(mail.hasOpaquePathComponent)
        #expect(mail.effectivePort == nil)
        #expect(mail.hostKey == "mailto:")

        let custom = try #require(WebURL.parse("git+ssh://git@host:22/repo"))
        #expect(custom.host == "host" && custom.port == 22 && custom.username == "git")
        #expect(custom.hostKey == "git+ssh://host:22")
        let noPort = try #require(WebURL.parse("foo://host/x"))
        #expect(noPort.hostKey == "foo://host")
    }

    @Test("removingFragment and resolve")
    func fragmentsAndResolution() throws {
        let url = try #require(WebURL.parse("https://example.com/a/b?q#f"))
        #expect(url.removingFragment.href == "https://example.com/a/b?q")
        #expect(url.removingFragment.query == "q")
        #expect(url.removingFragment.fragment == nil)
        #expect(url.removingFragment.removingFragment == url.removingFragment)
        #expect(url.resolve("../c")?.href == "https://example.com/c")
        #expect(url.resolve("//other.org")?.href == "https://other.org/")
        #expect(url.resolve("?z")?.href == "https://example.com/a/b?z")
        #expect(url.resolve("#g")?.href == "https://example.com/a/b?q#g")
        #expect(url.resolve("")?.href == "https://example.com/a/b?q")
        #expect(WebURL("relative/only") == nil)
        #expect(WebURL("http://example.com") == WebURL.parse("HTTP://EXAMPLE.COM:80/"))
        #expect(Set([WebURL("http://a/")!, WebURL("http://A:80")!]).count == 1)
    }

    @Test("byte API matches the String API")
    func byteAPI() throws {
        let base = WebURL.parse("http://example.com/dir/page")
        for input in ["x/y?z#w", " \thttp://a/b\n", "../../up", "%2e%2e/q"] {
            let fromString = WebURL.parse(input, base: base)
            let fromArray = WebURL.parse(utf8: Array(input.utf8), base: base)
            let fromView = WebURL.parse(utf8: input.utf8, base: base)
            #expect(fromString != nil)
            #expect(fromString == fromArray)
            #expect(fromString == fromView)
        }
    }

    /// Spec cases outside url_cases.json: non-special hierarchical URLs, "/." insertion, file:.
    @Test("further WHATWG cases", arguments: [
        ("non-special://test:@test/x", nil, "non-special://test@test/x"),
        ("lolscheme:x x#x x", nil, "lolscheme:x x#x%20x"),
        ("foo://", nil, "foo://"),
        ("a:\t foo.com", nil, "a: foo.com"),
        ("web+demo:/.//not-a-host/", nil, "web+demo:/.//not-a-host/"),
        ("web+demo:/path/..//not-a-host/", nil, "web+demo:/.//not-a-host/"),
        ("sc://ñ", nil, "sc://%C3%B1"),
        ("sc://%/", nil, "sc://%/"),
        ("sc:\\../", nil, "sc:\\../"),
        ("x", "sc://host/a/b", "sc://host/a/x"),
        ("/..//x", "sc:/a", "sc:/.//x"),
        ("http://example.com/foo/%2e%2", nil, "http://example.com/foo/%2e%2"),
        ("http://example.com/foo/..bar", nil, "http://example.com/foo/..bar"),
        ("http://[::127.0.0.1]", nil, "http://[::7f00:1]/"),
        ("http://[1:0::]", nil, "http://[1::]/"),
        ("http://4294967295/", nil, "http://255.255.255.255/"),
        ("http://0x100000000/", nil, nil),
        ("http://1.2.3.4.5/", nil, nil),
        ("http://1.2.3.09/", nil, nil),
        ("http://foo.09", nil, nil),
        ("http://foo.0x", nil, nil),
        ("http://foo.09.", nil, nil),
        ("http://09.foo", nil, "http://09.foo/"),
        ("file:///C|/foo", nil, "file:///C:/foo"),
        ("file://localhost/x", nil, "file:///x"),
        ("file:x/../..", nil, "file:///"),
        ("file:c:/../..", nil, "file:///c:/"),
        ("javascript:alert(1) ?x", nil, "javascript:alert(1)%20?x"),
    ] as [(String, String?, String?)])
    func furtherCases(input: String, base: String?, expected: String?) throws {
        let baseURL = try base.map { try #require(WebURL.parse($0)) }
        #expect(WebURL.parse(input, base: baseURL)?.href == expected)
    }
}
