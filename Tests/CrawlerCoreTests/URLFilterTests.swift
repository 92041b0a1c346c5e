import CrawlURL
import CrawlerCore
import Testing

@Suite("--include / --exclude")
struct URLFilterTests {
    @Test func noPatternAllowsEverything() throws {
        #expect(URLFilter.none.allows("http://a.test/anything"))
        let empty = try URLFilter(includes: [], excludes: [])
        #expect(empty.isEmpty)
        #expect(empty.allows("http://a.test/"))
    }

    @Test func aPatternIsSearchedAnywhereInTheURL() throws {
        let filter = try URLFilter(includes: ["/docs/"], excludes: [])
        #expect(filter.allows("http://a.test/docs/intro"))
        #expect(filter.allows("http://a.test/en/docs/"))
        #expect(!filter.allows("http://a.test/blog/docs"))
        #expect(!filter.allows("http://a.test/"))
    }

    @Test func anchorsMatchTheWholeURL() throws {
        let filter = try URLFilter(includes: [#"^https?://a\.test/[a-z]+$"#], excludes: [])
        #expect(filter.allows("http://a.test/about"))
        #expect(filter.allows("https://a.test/about"))
        #expect(!filter.allows("http://a.test/about/"))
        #expect(!filter.allows("http://b.test/?u=http://a.test/about"))
    }

    @Test func anyIncludeWillDoAndEveryExcludeMustMiss() throws {
        let filter = try URLFilter(includes: ["/docs/", "/api/"], excludes: [#"[?&]sort="#, "/private"])
        #expect(filter.allows("http://a.test/docs/a"))
        #expect(filter.allows("http://a.test/api/b?page=2"))
        #expect(!filter.allows("http://a.test/docs/a?sort=asc"))
        #expect(!filter.allows("http://a.test/api/b?page=2&sort=desc"))
        #expect(!filter.allows("http://a.test/docs/private/x"))
        #expect(!filter.allows("http://a.test/blog/"))
    }

    @Test func excludesAloneLeaveTheRestIn() throws {
        let filter = try URLFilter(includes: [], excludes: [#"\.(pdf|zip)$"#, "(?i)/LOGOUT"])
        #expect(filter.allows("http://a.test/report.pdf.html"))
        #expect(!filter.allows("http://a.test/report.pdf"))
        #expect(!filter.allows("http://a.test/account/logout"))
        #expect(filter.allows("http://a.test/account/"))
    }

    @Test func perlSyntaxWorks() throws {
        let filter = try URLFilter(includes: [#"/page-\d{2}(?=\.html)"#], excludes: [])
        #expect(filter.allows("http://a.test/page-12.html"))
        #expect(!filter.allows("http://a.test/page-1.html"))
        #expect(!filter.allows("http://a.test/page-12.htm"))
    }

    @Test(arguments: [
        (["(unclosed"], [String](), "(unclosed"),
        ([], ["a[b"], "a[b"),
        ([], [""], ""),
        (["ok", "*bad"], [], "*bad"),
    ])
    func aBadPatternIsNamed(includes: [String], excludes: [String], culprit: String) {
        do {
            _ = try URLFilter(includes: includes, excludes: excludes)
            Issue.record("accepted \(includes) \(excludes)")
        } catch {
            #expect(error.pattern == culprit)
            #expect(error.description.hasPrefix("'\(culprit)': "))
        }
    }

    /// The parse threads share one filter: matching from several threads at once gives what matching
    /// from one does.
    @Test(.timeLimit(.minutes(1)))
    func matchingFromManyThreadsAgreesWithOne() async throws {
        let filter = try URLFilter(includes: [#"/s-(1|2)\d/"#, "(?i)/KEEP"], excludes: [#"[?&]ref=3$"#])
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

    /// A site where the filters decide: seeds are fetched whatever they say, links and redirects are
    /// followed only when they pass, and what they leave out is counted or recorded.
    @Test(.timeLimit(.minutes(1)))
    func aCrawlFollowsOnlyWhatTheFiltersLetThrough() async throws {
        let pages: [String: FakePage] = [
            "http://a.test/": .html("/docs/a", "/docs/b?sort=asc", "/blog/x", "/docs/moved", "/docs/gone"),
            "http://a.test/docs/a": .html("/docs/c", "/blog/y", "/docs/a?sort=desc"),
            "http://a.test/docs/c": .html(),
            "http://a.test/docs/moved": .redirect("/docs/c2"),
            "http://a.test/docs/c2": .html(),
            "http://a.test/docs/gone": .redirect("/blog/z"),
            "http://a.test/docs/b?sort=asc": .html(),
            "http://a.test/blog/x": .html(),
            "http://a.test/blog/y": .html(),
            "http://a.test/blog/z": .html(),
            "http://a.test/go": .redirect("/landing"),
            "http://a.test/landing": .html("/docs/c", "/blog/x"),
        ]
        let filter = try URLFilter(includes: ["/docs/"], excludes: [#"[?&]sort="#])
        let (sink, fetcher, summary) = await crawl(pages, seeds: ["http://a.test/", "http://a.test/go"]) { $0.urlFilter = filter }
        let records = sink.byURL()

        // The seed matches no --include, and is fetched all the same.
        #expect(records["http://a.test/"]?.outcome == .ok)
        #expect(records["http://a.test/"]?.linksDropped?.excluded == 2)  // /docs/b?sort=asc, /blog/x
        // So are a seed's own redirects; the links of the page they lead to are filtered.
        #expect(records["http://a.test/go"]?.outcome == .ok)
        #expect(records["http://a.test/go"]?.finalURL == "http://a.test/landing")
        #expect(records["http://a.test/go"]?.linksDropped?.excluded == 1)
        #expect(records["http://a.test/docs/a"]?.linksDropped?.excluded == 2)  // /blog/y, ?sort=desc
        #expect(records["http://a.test/docs/c"]?.outcome == .ok)
        #expect(records["http://a.test/docs/moved"]?.outcome == .ok)
        #expect(records["http://a.test/docs/moved"]?.finalURL == "http://a.test/docs/c2")
        // A redirect out of the filters is recorded, and its target never requested.
        #expect(records["http://a.test/docs/gone"]?.outcome == .excluded)
        #expect(records["http://a.test/docs/gone"]?.redirectTarget == "http://a.test/blog/z")
        #expect(fetcher.hits["http://a.test/blog/z"] == nil)
        for left in ["http://a.test/blog/x", "http://a.test/blog/y", "http://a.test/docs/b?sort=asc", "http://a.test/docs/a?sort=desc"] {
            #expect(fetcher.hits[left] == nil, "\(left) was fetched")
            #expect(records[left] == nil, "\(left) has a record")
        }
        #expect(records.count == 6)
        #expect(summary.statistics.linksExcluded == 5)
    }
}
