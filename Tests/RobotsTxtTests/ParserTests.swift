import Testing
import RobotsTxt

@Suite("RobotsTxt parsing")
struct ParserTests {
    @Suite("crawl-delay")
    struct CrawlDelayTests {
        @Test("is taken from the group that applies to us")
        func perGroup() {
            let robots = RobotsTxt(parsing: """
                User-agent: *
                Crawl-delay: 7
                Disallow: /private

                User-agent: crawl
                Crawl-delay: 2
                Disallow: /x
                """)
            #expect(robots.rules(for: "crawl/0.1").crawlDelay == 2)
            #expect(robots.rules(for: "otherbot").crawlDelay == 7)
        }

        @Test("decimals are parsed", arguments: [("1", 1.0), ("0.5", 0.5), ("10.0", 10.0), (".25", 0.25), ("3.", 3.0), ("0", 0.0)])
        func decimals(text: String, value: Double) {
            let rules = RobotsTxt(parsing: "user-agent: *\ncrawl-delay: \(text)\n").rules(for: "crawl")
            #expect(rules.crawlDelay == value)
        }

        @Test("garbage and negatives are ignored and counted", arguments: ["-1", "abc", "1s", "1e3", "1.2.3", "", "+2", "0x10", "nan"])
        func garbage(text: String) {
            let robots = RobotsTxt(parsing: "user-agent: *\ncrawl-delay: \(text)\ndisallow: /a\n")
            #expect(robots.rules(for: "crawl").crawlDelay == nil)
            #expect(robots.warnings == 1)
            #expect(robots.rules(for: "crawl").isAllowed(path: "/a") == false)
        }

        @Test("none given, typo spellings, merged groups take the largest")
        func variants() {
            #expect(RobotsTxt(parsing: "user-agent: *\ndisallow: /\n").rules(for: "crawl").crawlDelay == nil)
            #expect(RobotsTxt(parsing: "user-agent: *\ncrawldelay: 4\n").rules(for: "crawl").crawlDelay == 4)
            #expect(RobotsTxt(parsing: "user-agent: *\nCRAWL-DELAY 4.5\n").rules(for: "crawl").crawlDelay == 4.5)
            let merged = RobotsTxt(parsing: "user-agent: crawl\ncrawl-delay: 3\ndisallow: /a\nuser-agent: other\ndisallow: /\nuser-agent: crawl\ncrawl-delay: 9\n")
            #expect(merged.rules(for: "crawl").crawlDelay == 9)
            #expect(merged.rules(for: "other").crawlDelay == nil)
            // Before any user-agent: belongs to nobody.
            let orphan = RobotsTxt(parsing: "crawl-delay: 5\nuser-agent: *\ndisallow: /a\n")
            #expect(orphan.rules(for: "crawl").crawlDelay == nil)
            #expect(orphan.warnings == 1)
            // A crawl-delay line does not end the group of user-agent lines above it.
            let shared = RobotsTxt(parsing: "user-agent: a\ncrawl-delay: 5\nuser-agent: b\ndisallow: /x\n")
            #expect(shared.rules(for: "a").crawlDelay == 5)
            #expect(shared.rules(for: "a").isAllowed(path: "/x") == false)
        }
    }

    @Test("sitemaps are file-wide, in order, deduplicated, comments stripped")
    func sitemaps() {
        let robots = RobotsTxt(parsing: """
            Sitemap: https://example.com/a.xml
            User-agent: foo
            Disallow: /
            site-map: https://example.com/b.xml # second
            User-agent: *
            SITEMAP:https://example.com/a.xml
            Sitemap:
            """)
        #expect(robots.sitemaps == ["https://example.com/a.xml", "https://example.com/b.xml"])
        #expect(robots.rules(for: "foo").isAllowed(path: "/x") == false)
        #expect(robots.rules(for: "bar").isAllowed(path: "/x") == true)
        #expect(robots.warnings == 1)  // the empty "Sitemap:"
    }

    @Test("product token extraction", arguments: [
        ("crawl/0.1", "crawl"), ("crawl", "crawl"), ("Crawl-Bot_X/2 (+https://e.com)", "Crawl-Bot_X"),
        ("FooBot", "FooBot"),
    ])
    func productToken(agent: String, token: String) {
        #expect(RobotsTxt.productToken(of: agent) == token)
    }

    @Test("invalid product tokens", arguments: ["", "Foo Bar", "/1.0", "bot2", "*", "crawl;x"])
    func invalidProductToken(agent: String) {
        #expect(RobotsTxt.productToken(of: agent) == nil)
    }

    @Test("our token matches the group case-insensitively, with a version suffix")
    func tokenMatching() {
        let robots = RobotsTxt(parsing: "User-agent: CRAWL\nDisallow: /a\nUser-agent: *\nDisallow: /\n")
        #expect(robots.rules(for: "crawl/0.1").isAllowed(path: "/b") == true)
        #expect(robots.rules(for: "crawl/0.1").isAllowed(path: "/a") == false)
        #expect(robots.rules(for: "Crawl").isAllowed(path: "/b") == true)
        #expect(robots.rules(for: "crawler").isAllowed(path: "/b") == false)
        #expect(robots.rules(for: "crawl bot").isAllowed(path: "/b") == false)
    }

    @Test("a UTF-8 BOM is skipped, also a partial one")
    func bom() {
        let body = Array("User-agent: foo\nDisallow: /\n".utf8)
        #expect(RobotsTxt(parsing: [0xEF, 0xBB, 0xBF] + body).rules(for: "foo").isAllowed(path: "/x") == false)
        #expect(RobotsTxt(parsing: [0xEF, 0xBB] + body).rules(for: "foo").isAllowed(path: "/x") == false)
        let robots = RobotsTxt(parsing: [0xEF, 0xBB, 0xBF] + body)
        #expect(robots.warnings == 0)
        #expect(robots.groupCount == 1)
    }

    @Test("CR-only, LF and CRLF line endings and a missing final newline")
    func lineEndings() {
        for separator in ["\r", "\n", "\r\n"] {
            let text = ["User-agent: foo", "Allow: /a", "User-agent: bar", "", "Disallow: /", "Sitemap: https://e.com/s.xml"]
                .joined(separator: separator)
            let robots = RobotsTxt(parsing: text)
            #expect(robots.rules(for: "foo").isAllowed(path: "/x") == true, "\(separator.utf8.map { $0 })")
            #expect(robots.rules(for: "bar").isAllowed(path: "/x") == false, "\(separator.utf8.map { $0 })")
            #expect(robots.sitemaps == ["https://e.com/s.xml"])
            #expect(robots.warnings == 0)
        }
    }

    @Test("only the first 512,000 bytes are parsed: a rule after 600 KB is ignored")
    func sizeLimit() {
        var text = "User-agent: *\nDisallow: /early\n"
        let filler = "# " + String(repeating: "x", count: 98) + "\n"
        while text.utf8.count < 600_000 { text += filler }
        text += "Disallow: /late\n"
        let robots = RobotsTxt(parsing: text)
        #expect(robots.wasTruncated)
        let rules = robots.rules(for: "crawl")
        #expect(rules.isAllowed(path: "/early") == false)
        #expect(rules.isAllowed(path: "/late") == true)
        #expect(rules.ruleCount == 1)
        // Also through the raw-buffer entry point.
        let bytes = Array(text.utf8)
        let viaBuffer = bytes.withUnsafeBytes { RobotsTxt(parsing: $0) }
        #expect(viaBuffer.rules(for: "crawl").isAllowed(path: "/late") == true)
        #expect(RobotsTxt(parsing: "User-agent: *\nDisallow: /a\n").wasTruncated == false)
    }

    @Test("a line cut by the size limit is dropped, not half-applied")
    func cutLineIsDropped() {
        var text = "User-agent: *\n"
        let filler = "# " + String(repeating: "x", count: 98) + "\n"
        while text.utf8.count + filler.utf8.count <= RobotsTxt.maxParsedBytes - 10 { text += filler }
        // "Disallow: /private" straddles the limit: only "Disallow: /pr..." would be inside it.
        while text.utf8.count < RobotsTxt.maxParsedBytes - 12 { text += "#" }
        text += "\nDisallow: /private\n"
        let robots = RobotsTxt(parsing: text)
        #expect(robots.wasTruncated)
        #expect(robots.rules(for: "crawl").isAllowed(path: "/prize") == true)
        #expect(robots.rules(for: "crawl").ruleCount == 0)
        // A file that ends exactly at the limit without a newline keeps its last line.
        var exact = "User-agent: *\n"
        while exact.utf8.count < RobotsTxt.maxParsedBytes - 14 { exact += "#" }
        exact += "\nDisallow: /a"
        while exact.utf8.count < RobotsTxt.maxParsedBytes { exact += "a" }
        let whole = RobotsTxt(parsing: exact)
        #expect(!whole.wasTruncated)
        #expect(whole.rules(for: "crawl").ruleCount == 1)
    }

    @Test("an over-long line is cut and counted, the next line still parses")
    func longLine() {
        let long = "Disallow: /" + String(repeating: "a", count: 40_000) + "\n"
        let robots = RobotsTxt(parsing: "User-agent: *\n" + long + "Disallow: /b\n")
        #expect(robots.warnings == 1)
        let rules = robots.rules(for: "crawl")
        #expect(rules.isAllowed(path: "/b") == false)
        #expect(rules.isAllowed(path: "/" + String(repeating: "a", count: 20_000)) == false)
        #expect(rules.isAllowed(path: "/aaa") == true)
    }

    @Test("key typos Google accepts", arguments: [
        "useragent: foo\ndisallow: /", "user agent: foo\ndisallow: /", "User-Agent: foo\nDISALOW: /",
        "user-agent: foo\ndissallow: /", "user-agent: foo\ndissalow: /", "user-agent: foo\ndiasllow: /",
        "user-agent: foo\ndisallaw: /", "user-agent foo\ndisallow /",
    ])
    func typos(text: String) {
        let robots = RobotsTxt(parsing: text)
        #expect(robots.rules(for: "foo").isAllowed(path: "/x") == false)
        #expect(robots.warnings == 0)
    }

    @Test("lines that do not parse are counted as warnings")
    func warnings() {
        let robots = RobotsTxt(parsing: """
            disallow: /before-any-agent
            user-agent: foo
            this line has no colon
            : no key
            host: example.com
            user-agent: *bot
            disallow: /x # comment
            # only a comment

            """)
        #expect(robots.warnings == 5)
        #expect(robots.rules(for: "foo").isAllowed(path: "/x") == false)
        #expect(robots.rules(for: "foo").isAllowed(path: "/before-any-agent") == true)
    }

    @Test("hostile inputs do not crash")
    func hostileInputs() {
        let inputs: [[UInt8]] = [
            [], [0xEF], [0xFF, 0xFE, 0x00], Array(repeating: 0x0D, count: 10_000),
            Array("user-agent: *\ndisallow: %\nallow: %4\ndisallow: %zz\nallow: $\ndisallow: *$\nallow: ****\n".utf8),
            Array("user-agent: *\ndisallow: /\u{0}a\n".utf8),
            (0...255).map { UInt8($0) },
        ]
        for input in inputs {
            let rules = RobotsTxt(parsing: input).rules(for: "crawl")
            _ = rules.isAllowed(path: "/%")
            _ = rules.isAllowed(path: "%4")
            _ = rules.isAllowed(path: "")
            _ = rules.isAllowed(path: "/\u{0}a$*")
        }
    }
}
