import CrawlURL
import Testing
@testable import CrawlerCore

/// The parse threads' link memo: which hrefs it remembers, by what, and that one key never stands
/// for two different URLs.
@Suite("Link memo")
struct LinkMemoTests {
    static let bases = [
        "http://a.test/dir/page.html", "http://a.test/dir/other.html?q=1#f", "http://a.test/other/page.html",
        "http://a.test/", "http://a.test", "http://a.test:8080/dir/page.html", "https://a.test/dir/page.html",
        "http://user:pw@a.test/dir/page.html", "http://b.test/dir/page.html", "http://a.test/dir/sub/",
        "http://a.test/dir/sub/x", "http://a.test/dir;p=1/page.html", "http://a.test/%64ir/page.html",
    ].map { WebURL.parse($0)! }

    static let hrefs = [
        "http://c.test/x", "HTTPS://c.test/x#y", "http://c.test", "http:c.test/x", "http:/c.test/x", "https:x",
        "/x", "/x?y", "/x#y", "/", "//c.test/x", "\\x", "\\\\c.test\\x", "/\\c.test/x", "/./x", "/../x",
        "x", "x/y", "./x", "../x", "../../x", "..", ".", "x?y", "x#y", "x\\y", "%2e%2e/x", ".%2E/x",
        "x:y", "mailto:a@b", "javascript:void(0)", "a:b/c", "c:/x", "?y", "#y", "", "\u{01}/x", "\u{01}x", "x\ty",
        "\t/x", "x/../../../y", "é/x", "/é", "http://ÉXAMPLE.test/", "http://[::1]/x",
        // Not absolute, though a fold of every byte with 0x20 would read them as "http://" / "https://".
        "http\u{1A}//c.test/x", "https\u{1A}//c.test/x", "http:\u{0F}/c.test/x", "hTTp://c.test/x",
    ]

    @Test func keysFollowWhatResolutionDependsOn() throws {
        func key(_ href: String, _ base: String) -> UInt64? { LinkMemo.key(href: href, base: WebURL.parse(base)!) }
        // Absolute: the base does not matter.
        #expect(key("http://c.test/x", "http://a.test/d/p") == key("http://c.test/x", "https://b.test:81/"))
        // Path-absolute: the base's scheme and authority matter, its path and query do not.
        #expect(key("/x", "http://a.test/d/p") == key("/x", "http://a.test/e/f?q"))
        #expect(key("/x", "http://a.test/d/p") != key("/x", "http://a.test:81/d/p"))
        #expect(key("/x", "http://a.test/d/p") != key("/x", "https://a.test/d/p"))
        #expect(key("/x", "http://a.test/d/p") != key("/x", "http://u@a.test/d/p"))
        // Relative path: the base's directory matters, its last segment and query do not.
        #expect(key("x", "http://a.test/d/p") == key("x", "http://a.test/d/q?r"))
        #expect(key("x", "http://a.test/d/p") != key("x", "http://a.test/e/p"))
        #expect(key("x", "http://a.test/d/p") != key("x", "http://a.test/d/p/"))
        // The same bytes split differently between base and href are different keys.
        #expect(key("/x%", "http://a.test/") != key("x%", "http://a.test/"))
        // Not remembered: these depend on the whole base, or are another scheme.
        for href in ["?y", "#y", "", "mailto:a@b", "http:x", "x:y", "a:b/c"] {
            #expect(key(href, "http://a.test/d/p") == nil, "\(href)")
        }
    }

    @Test func oneKeyNeverStandsForTwoURLs() throws {
        var seen: [UInt64: String] = [:]
        var remembered = 0
        for base in Self.bases {
            for href in Self.hrefs {
                guard let key = LinkMemo.key(href: href, base: base) else { continue }
                remembered += 1
                let resolved = WebURL.parse(href, base: base)?.removingFragment.href ?? "(invalid)"
                if let earlier = seen[key] {
                    #expect(earlier == resolved, "\(href) against \(base.href)")
                } else {
                    seen[key] = resolved
                }
            }
        }
        // Most of the grid is remembered, and keys are shared across bases (what the memo is for).
        #expect(remembered > Self.bases.count * Self.hrefs.count / 2)
        #expect(seen.count < remembered)
    }

    /// The memo's own resolution of simple paths agrees with the URL parser for every href it takes:
    /// a grid of segments (dot segments, empty ones, punctuation resolution keeps) against every base.
    @Test func simplePathsResolveAsTheParserResolvesThem() throws {
        let segments = ["a", "b.html", ".", "..", "", "~u", "a-b_c", "x;y=1", "(p)", "@", "+", "*!$&'", "..a", ".a", "a."]
        var hrefs: [String] = []
        for a in segments {
            hrefs.append(a)
            for b in segments {
                hrefs.append(a + "/" + b)
                for c in segments { hrefs.append(a + "/" + b + "/" + c) }
            }
        }
        hrefs += hrefs.map { "/" + $0 }
        hrefs += Self.hrefs
        var resolvedCount = 0
        for base in Self.bases {
            for href in hrefs {
                guard let resolved = LinkMemo.resolvedSimplePath(href: href, base: base) else { continue }
                resolvedCount += 1
                let parsed = try #require(WebURL.parse(href, base: base), "\(href) against \(base.href)")
                #expect(resolved == parsed.removingFragment.href, "\(href) against \(base.href)")
            }
        }
        #expect(resolvedCount > Self.bases.count * segments.count * segments.count)
        // What the fast path leaves to the parser: anything that could be more than a plain path.
        let base = try #require(WebURL.parse("http://a.test/d/p"))
        for href in ["", "//c.test/x", "x?y", "x#y", "%2e/x", "x\\y", "\\x", "x:y", "é", "x y", "x\ty", "x\"y", "x<y", "x`y", "x{y}", "x|y", "x^y", "x[1]"] {
            #expect(LinkMemo.resolvedSimplePath(href: href, base: base) == nil, "\(href)")
        }
    }

    /// The spellings of one URL (relative, "../", path-absolute and absolute) share a key; the same
    /// href on pages of two directories or two hosts does not.
    @Test func spellingsOfOneURLShareAKey() throws {
        func key(_ href: String, _ base: String) -> UInt64? { LinkMemo.key(href: href, base: WebURL.parse(base)!) }
        let base = "http://a.test:8080/p/1.html"
        let absolute = key("http://a.test:8080/p/2.html", base)
        #expect(absolute != nil)
        for href in ["2.html", "./2.html", "../p/2.html", "/p/2.html", "/p/./x/../2.html"] {
            #expect(key(href, base) == absolute, "\(href)")
        }
        #expect(key("2.html", "http://a.test:8080/q/1.html") != absolute)
        #expect(key("2.html", "http://b.test:8080/p/1.html") != absolute)
        #expect(key("/p/2.html", "https://a.test:8080/p/1.html") != absolute)
    }

    @Test func remembersUntilABucketOverflows() {
        let memo = LinkMemo(slots: 16)  // four buckets of four
        let keys = (1...64).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 | 1 }
        #expect(!memo.contains(keys[0]))
        memo.insert(keys[0])
        memo.insert(keys[0])
        #expect(memo.contains(keys[0]))
        // Sixteen more keys fill every bucket; an entry may be replaced, never lost from a bucket
        // with room, and the newest is always there.
        for key in keys.dropFirst() {
            memo.insert(key)
            #expect(memo.contains(key))
        }
        let kept = keys.filter(memo.contains)
        #expect(kept.count <= 16 && kept.count >= 4)
    }
}
