import CrawlURL
import CrawlerCore
import Testing

@Suite("--include / --exclude")
struct URLFilterTests {
    @Test func noPatternAllowsEverything() {
        #expect(URLFilter.none.isEmpty)
        #expect(URLFilter.none.allows("http://a.test/anything"))
    }

    @Test func anyIncludeWillDoAndEveryExcludeMustMiss() {
        let filter = URLFilter(includes: [Contains("/docs/"), Contains("/api/")], excludes: [Contains("sort="), Contains("/private")])
        #expect(!filter.isEmpty)
        #expect(filter.allows("http://a.test/docs/a"))
        #expect(filter.allows("http://a.test/api/b?page=2"))
        #expect(!filter.allows("http://a.test/docs/a?sort=asc"))
        #expect(!filter.allows("http://a.test/docs/private/x"))
        #expect(!filter.allows("http://a.test/blog/"))
    }

    @Test func excludesAloneLeaveTheRestIn() {
        let filter = URLFilter(includes: [], excludes: [Contains(".pdf")])
        #expect(filter.allows("http://a.test/report.html"))
        #expect(!filter.allows("http://a.test/report.pdf"))
    }

    /// A site where the filters decide: seeds are fetched whatever they say, links and redirects are
    /// followed only when they pass, and what they leave out is counted or recorded.
    @Test(.timeLimit(.minutes(1)))
    func aCrawlFollowsOnlyWhatTheFiltersLetThrough() async {
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
        let filter = URLFilter(includes: [Contains("/docs/")], excludes: [Contains("sort=")])
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

/// A fake pattern: a substring (the runtime's POSIX patterns are tested in EndToEndTests).
struct Contains: URLPattern {
    let text: String
    init(_ text: String) { self.text = text }
    func matches(_ href: String) -> Bool { href.contains(text) }
}
