@testable import HTMLParsing
import Testing

@Suite("Meta robots, charset and title")
struct MetaAndTitleTests {
    @Test(arguments: [
        ("<meta name=robots content=nofollow>", true, false),
        ("<meta name=robots content=noindex>", false, true),
        ("<meta name=robots content=none>", true, true),
        ("<meta name=\"Robots\" content=\"NoIndex, NoFollow\">", true, true),
        ("<meta name=robots content=\"index,follow\">", false, false),
        ("<meta name=robots content=\" noarchive , nofollow \">", true, false),
        ("<meta name=robots content=\"noindexx,nofollowing\">", false, false),
        ("<meta name=googlebot content=noindex>", false, false),
        ("<meta content=noindex name=ROBOTS>", false, true),
        ("<meta name=robots>", false, false),
        ("<meta name=robots content=noindex><meta name=robots content=nofollow>", true, true),
        ("<meta name=description content=\"nofollow noindex\">", false, false),
    ])
    func robots(html: String, nofollow: Bool, noindex: Bool) {
        let summary = summarize(html)
        #expect(summary.robotsNofollow == nofollow)
        #expect(summary.robotsNoindex == noindex)
    }

    /// A `<meta>` named for the crawler's product token is read as `robots` is, on both paths.
    @Test(arguments: [
        ("<meta name=crawl content=nofollow>", true),
        ("<meta name=\"CRAWL\" content=\"noindex, none\">", true),
        ("<meta name=crawl content=noindex>", false),
        ("<meta name=googlebot content=nofollow>", false),
        ("<meta name=crawler content=nofollow>", false),
        ("<meta name=craw content=nofollow>", false),
    ])
    func metaNamedForTheCrawler(html: String, nofollow: Bool) throws {
        let bytes = Array((html + "<a href=/x>x</a>").utf8)
        let fast = try #require(HTMLLinkExtractor(robotsAgent: "crawl").extract(bytes, charset: nil, path: .fastPathOnly))
        let libxml2 = try #require(HTMLLinkExtractor(robotsAgent: "crawl").extract(bytes, charset: nil, path: .libxml2Only))
        #expect(fast.robotsNofollow == nofollow)
        #expect(libxml2.robotsNofollow == nofollow)
        // Without an agent, only `robots` is read.
        #expect(HTMLLinkExtractor().extract(bytes, charset: nil).robotsNofollow == false)
    }

    @Test func declaredCharset() {
        #expect(summarize("<meta charset=\"utf-8\"><title>x</title>").declaredCharset == "utf-8")
        #expect(summarize("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">").declaredCharset == "ISO-8859-1")
        #expect(summarize("<meta http-equiv=content-type content='text/html; Charset = \"windows-1252\"'>").declaredCharset == "windows-1252")
        #expect(summarize("<meta charset=utf-8><meta charset=latin1>").declaredCharset == "utf-8")
        #expect(summarize("<meta http-equiv=refresh content=\"0; charset=x\">").declaredCharset == nil)
        #expect(summarize("<title>no meta</title>").declaredCharset == nil)
    }

    @Test func titleWhitespaceIsCollapsedAndTrimmed() {
        #expect(summarize("<title>\n  Hello \t\r\n  World  </title>").title == "Hello World")
        #expect(summarize("<title>   </title>").title == "")
        #expect(summarize("<title></title><title>Second</title>").title == "")
        #expect(summarize("<p>no title</p>").title == nil)
    }

    @Test func titleEntitiesAreDecoded() {
        #expect(summarize("<title>Tom &amp; Jerry &lt;3 &#233;t&eacute; &#x263A;</title>").title == "Tom & Jerry <3 été ☺")
    }

    @Test func onlyTheFirstTitleCounts() {
        #expect(summarize("<title>First</title><body><title>Second</title>").title == "First")
        #expect(summarize("<svg><title>Tooltip</title></svg><title>Real</title>").title == "Real")
    }

    @Test func titleIsCappedOnACharacterBoundary() {
        let long = String(repeating: "é", count: 2000)  // 2 bytes each: 1024 is a boundary
        #expect(summarize("<title>\(long)</title>").title == String(repeating: "é", count: 512))
        let shifted = "a" + String(repeating: "€", count: 1000)  // 3 bytes each after one ASCII byte
        let title = summarize("<title>\(shifted)</title>").title ?? ""
        #expect(title.utf8.count == 1 + 3 * 341)
        #expect(title == "a" + String(repeating: "€", count: 341))
        let spaced = String(repeating: "ab   ", count: 1000)
        let collapsed = summarize("<title>\(spaced)</title>").title ?? ""
        #expect(collapsed.utf8.count <= HTMLSummary.maxTitleBytes)
        #expect(collapsed.hasPrefix("ab ab ab"))
        #expect(!collapsed.hasSuffix(" "))
    }
}
