import CrawlRuntime
import CrawlerCore
import Testing

/// `--include` / `--exclude` patterns as the crawl compiles them (glibc's regcomp / regexec).
@Suite("POSIX URL patterns")
struct POSIXPatternTests {
    func pattern(_ text: String) throws -> POSIXPattern { try POSIXPattern(text) }

    @Test func aPatternIsSearchedAnywhereInTheURL() throws {
        let docs = try pattern("/docs/")
        #expect(docs.matches("http://a.test/docs/intro"))
        #expect(docs.matches("http://a.test/en/docs/"))
        #expect(!docs.matches("http://a.test/blog/docs"))
    }

    @Test func anchorsMatchFromTheStartOrToTheEnd() throws {
        let whole = try pattern(#"^https?://a\.test/[a-z]+$"#)
        #expect(whole.matches("http://a.test/about"))
        #expect(whole.matches("https://a.test/about"))
        #expect(!whole.matches("http://a.test/about/"))
        #expect(!whole.matches("http://b.test/?u=http://a.test/about"))
    }

    @Test func extendedSyntaxAndGNUEscapes() throws {
        let query = try pattern("[?&](sort|page)=[0-9]+")
        #expect(query.matches("http://a.test/list?sort=2"))
        #expect(query.matches("http://a.test/list?x=1&page=10"))
        #expect(!query.matches("http://a.test/list?sorted=2"))
        let classes = try pattern("/page-[[:digit:]]{2}\\.html$")
        #expect(classes.matches("http://a.test/page-12.html"))
        #expect(!classes.matches("http://a.test/page-1.html"))
        let word = try pattern("\\bedit\\b")
        #expect(word.matches("http://a.test/wiki/edit?x"))
        #expect(!word.matches("http://a.test/wiki/editor"))
        let bracketBackslash = try pattern("[\\d]")  // in brackets a backslash is itself: '\' or 'd'
        #expect(bracketBackslash.matches("http://a.test/d"))
        #expect(!bracketBackslash.matches("http://a.test/1"))
    }

    @Test func aLeadingCaseFlagIgnoresCase() throws {
        let logout = try pattern("(?i)/LOGOUT")
        #expect(logout.matches("http://a.test/account/logout"))
        #expect(logout.matches("http://a.test/Account/LogOut"))
        #expect(!(try pattern("/LOGOUT")).matches("http://a.test/account/logout"))
    }

    @Test(arguments: [
        ("(unclosed", "not a valid POSIX extended regular expression"),
        ("a[b", "not a valid POSIX extended regular expression"),
        ("", "an empty pattern matches every URL"),
        ("(?i)", "an empty pattern matches every URL"),
        ("/page/\\d+", "\\d is not POSIX: use [0-9]"),
        ("\\D", "\\D is not POSIX: use [^0-9]"),
        ("(a)\\1", "back-references (\\1) are not supported"),
        ("\\p{L}", "\\p is not a POSIX or GNU escape"),
        ("(?=x)", "not a valid POSIX extended regular expression"),
        ("trailing\\", "a trailing backslash escapes nothing"),
    ])
    func aPatternThatCannotBeUsedSaysWhy(text: String, reason: String) {
        do {
            _ = try POSIXPattern(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.pattern == text)
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    /// A pattern a backtracking engine takes exponential time on, against URLs a hostile page could
    /// carry: ICU took 3 s for 26 characters and doubled with each one more; here 20 URLs of the
    /// longest length followed (2,083 bytes) finish, well inside the test's limit.
    @Test(.timeLimit(.minutes(1)))
    func nestedQuantifiersDoNotBacktrackExponentially() throws {
        let nested = try pattern("(a+)+$")
        let alternation = try pattern("(a|aa)+$")
        let url = "http://a.test/" + String(repeating: "a", count: 2_083 - 15) + "!"
        for _ in 0..<10 {
            #expect(!nested.matches(url))
            #expect(!alternation.matches(url))
        }
        #expect(nested.matches("http://a.test/aaa"))
    }

    /// The parse threads share one compiled pattern: matching from several threads at once gives
    /// what matching from one does.
    @Test(.timeLimit(.minutes(1)))
    func matchingFromManyThreadsAgreesWithOne() async throws {
        let filter = URLFilter(includes: [try pattern("/s-(1|2)[0-9]/"), try pattern("(?i)/KEEP")], excludes: [try pattern("[?&]ref=3$")])
        let urls = (0..<4_000).map { "http://a.test/s-\($0 % 40)/p-\($0)\($0 % 9 == 0 ? "/keep" : "")?ref=\($0 % 7)" }
        let expected = urls.map(filter.allows)
        #expect(expected.contains(true) && expected.contains(false))
        let results = await withTaskGroup(of: [Bool].self) { group in
            for _ in 0..<4 {
                group.addTask { urls.map(filter.allows) }
            }
            return await group.reduce(into: [[Bool]]()) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0 == expected })
    }
}
