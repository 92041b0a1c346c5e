import Foundation
import Testing
import RobotsTxt

@Suite("RobotsRules matching")
struct MatcherTests {
    @Test("/robots.txt is always allowed")
    func robotsTxtAllowed() {
        let rules = RobotsTxt(parsing: "User-agent: *\nDisallow: /\n").rules(for: "crawl")
        #expect(rules.isAllowed(path: "/robots.txt"))
        #expect(rules.isAllowed(path: "/robots.txt?x=1"))
        #expect(rules.isAllowed(path: "/robots.txt.bak") == false)
        #expect(rules.isAllowed(path: "/robots.tx") == false)
        #expect(RobotsRules.disallowAll.isAllowed(path: "/robots.txt"))
    }

    @Test("allowAll and disallowAll")
    func staticRules() {
        #expect(RobotsRules.allowAll.isAllowed(path: "/anything"))
        #expect(RobotsRules.allowAll.isAllowed(path: ""))
        #expect(RobotsRules.allowAll.crawlDelay == nil)
        #expect(RobotsRules.disallowAll.isAllowed(path: "/anything") == false)
        #expect(RobotsRules.disallowAll.isAllowed(path: "") == false)
        #expect(RobotsRules.disallowAll.isAllowed(path: "?q=1") == false)
        #expect(RobotsTxt(parsing: "").rules(for: "crawl") == .allowAll)
    }

    @Test("an empty path means /, a query-only path gets a /")
    func emptyPath() {
        let rules = RobotsTxt(parsing: "User-agent: *\nDisallow: /$\nDisallow: /?\n").rules(for: "crawl")
        #expect(rules.isAllowed(path: "") == false)
        #expect(rules.isAllowed(path: "?a") == false)
        #expect(rules.isAllowed(path: "/a") == true)
    }

    @Test("percent-encoding normalisation on both sides")
    func percentEncoding() {
        let rules = RobotsTxt(parsing: """
            User-agent: *
            Disallow: /%7euser
            Disallow: /caf\u{E9}
            Disallow: /a%2fb
            Disallow: /lit-%2A
            Disallow: /mid$dollar
            """).rules(for: "crawl")
        #expect(rules.isAllowed(path: "/~user/x") == false)       // %7e decoded (unreserved)
        #expect(rules.isAllowed(path: "/%7Euser/x") == false)
        #expect(rules.isAllowed(path: "/caf%C3%A9") == false)     // raw UTF-8 rule, encoded path
        #expect(rules.isAllowed(path: "/caf%c3%a9") == false)     // lower-case hex in the path
        #expect(rules.isAllowed(path: "/a%2Fb") == false)
        #expect(rules.isAllowed(path: "/a/b") == true)            // %2F is reserved: not decoded
        #expect(rules.isAllowed(path: "/lit-*") == false)
        #expect(rules.isAllowed(path: "/lit-x") == true)
        #expect(rules.isAllowed(path: "/mid$dollar") == false)    // `$` not at the end is literal
        #expect(rules.isAllowed(path: "/mid%24dollar") == false)
        #expect(rules.isAllowed(path: "/middollar") == true)
    }

    @Test("wildcards and anchors")
    func wildcards() {
        let rules = RobotsTxt(parsing: """
            User-agent: *
            Disallow: /*.gif$
            Disallow: /a*b*c
            Disallow: /**/deep/**x
            Allow: /a*b*cd
            Disallow: /end*$
            """).rules(for: "crawl")
        #expect(rules.isAllowed(path: "/img/x.gif") == false)
        #expect(rules.isAllowed(path: "/img/x.gif?x") == true)
        #expect(rules.isAllowed(path: "/x.gif.gif") == false)
        #expect(rules.isAllowed(path: "/a-b-c") == false)
        #expect(rules.isAllowed(path: "/acb") == true)
        #expect(rules.isAllowed(path: "/abcd") == true)           // longer allow wins
        #expect(rules.isAllowed(path: "/q/deep/zzx") == false)
        #expect(rules.isAllowed(path: "/deep/x") == true)         // needs a segment before /deep/
        #expect(rules.isAllowed(path: "/endless") == false)       // `*$` is "anything"
    }

    @Test("KMP search finds overlapping segment candidates")
    func overlappingSegments() {
        let rules = RobotsTxt(parsing: "User-agent: *\nDisallow: /*aab$\nDisallow: /*abab*x\n").rules(for: "crawl")
        #expect(rules.isAllowed(path: "/aaab") == false)
        #expect(rules.isAllowed(path: "/aaaba") == true)
        #expect(rules.isAllowed(path: "/abaabab-x") == false)
        #expect(rules.isAllowed(path: "/abaaba-x") == true)
    }

    @Test("a hostile wildcard file stays bounded (guard against exponential matching)")
    func hostileWildcards() {
        // 10,000 distinct rules `/*a*a*...*a*z<n>` (15 `a`s), about 480 KB: all within the parse limit.
        let stem = "/*" + String(repeating: "a*", count: 15) + "z"
        var text = "User-agent: *\n"
        for index in 0..<10_000 { text += "Disallow: \(stem)\(index)\n" }
        let clock = ContinuousClock()
        var robots = RobotsTxt(parsing: "")
        var rules = RobotsRules.allowAll
        let parse = clock.measure {
            robots = RobotsTxt(parsing: text)
            rules = robots.rules(for: "crawl")
        }
        #expect(robots.wasTruncated == false)
        #expect(rules.ruleCount == 10_000)
        // Every byte the rules need is present, so no rule is skipped by the byte-set filter and
        // each one searches the whole 2,000-byte path for its `z<n>` tail and fails.
        let worst = "/0123456789z" + String(repeating: "a", count: 1_988)
        let paths = [
            worst,
            "/" + String(repeating: "a", count: 1_999),
            "/" + String(repeating: "a", count: 1_000) + "z9999" + String(repeating: "b", count: 994),
        ]
        var results: [Bool] = []
        let match = clock.measure {
            for path in paths { results.append(rules.isAllowed(path: path)) }
        }
        #expect(results == [true, true, false])
        print("hostile: parse 10,000 wildcard rules in \(parse); 3 matches against 2,000-byte paths in \(match)")
        // Bounds against exponential matching (which would take hours), not timings: about 0.2 s each
        // in a debug build alone, over 2 s once beside the parallel suites on two cores.
        #expect(parse < .seconds(5))
        #expect(match < .seconds(5))
    }

    @Test("throughput (printed, not asserted)")
    func throughput() {
        let rules = RobotsTxt(parsing: """
            User-agent: *
            Disallow: /admin/
            Disallow: /cgi-bin/
            Disallow: /*?sessionid=
            Disallow: /*.pdf$
            Allow: /admin/public/
            Disallow: /search
            Allow: /search/about
            Disallow: /private*/secret
            Disallow: /tmp/
            Disallow: /%7Euser/
            """).rules(for: "crawl/0.1")
        let paths = ["/", "/index.html", "/admin/x", "/admin/public/y", "/blog/2024/01/post-title?utm=1",
                     "/docs/file.pdf", "/search?q=swift", "/private-area/secret/z", "/a/b/c/d/e/f/g/h"]
        // Fewer rounds in a debug build, whose figures mean little: these CPU-bound rounds hold a thread
        // of the cooperative pool throughout, and in a parallel `swift test` on two cores that starved
        // the other suites' servers and timers for seconds.
        #if DEBUG
        let rounds = 2_000
        #else
        let rounds = 20_000
        #endif
        var allowed = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<rounds {
                for path in paths where rules.isAllowed(path: path) { allowed += 1 }
            }
        }
        let matches = Double(rounds * paths.count)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("throughput: \(Int(matches / max(seconds, 1e-9))) matches/s (\(Int(matches)) matches, \(elapsed))")
        #expect(allowed == rounds * 5)
    }
}
