import HTMLParsing
import Testing

@Suite("Link extraction")
struct LinkExtractionTests {
    @Test func everyElementKind() {
        let summary = summarize("""
            <html><head><link rel="canonical" href="/canon"></head><body>
            <a href="/a">a</a>
            <map><area href="/area" alt=""></map>
            <iframe src="/iframe"></iframe>
            <frameset><frame src="/frame"></frameset>
            </body></html>
            """)
        #expect(summary.links == [
            HTMLLink(url: "/canon", kind: .link, nofollow: false),
            HTMLLink(url: "/a", kind: .a, nofollow: false),
            HTMLLink(url: "/area", kind: .area, nofollow: false),
            HTMLLink(url: "/iframe", kind: .iframe, nofollow: false),
            HTMLLink(url: "/frame", kind: .frame, nofollow: false),
        ])
    }

    @Test func linkElementNeedsACrawlableRel() {
        let summary = summarize("""
            <link rel="stylesheet" href="/style.css">
            <link rel="icon" href="/favicon.ico">
            <link href="/no-rel">
            <link rel="preload" href="/preload">
            <link rel="Canonical" href="/c">
            <link rel="alternate stylesheet" href="/alt">
            <link rel=" NEXT " href="/n">
            <link rel="prev" href="/p">
            <link rel="canonicalx prefetch" href="/not">
            """)
        #expect(summary.urls == ["/c", "/alt", "/n", "/p"])
    }

    @Test func nofollowIsAWholeCaseInsensitiveToken() {
        let summary = summarize("""
            <a href="/1" rel="nofollow">x</a>
            <a href="/2" rel="noopener NoFollow">x</a>
            <a href="/3" rel="nofollowing">x</a>
            <a href="/4" rel="">x</a>
            <a href="/5">x</a>
            <link rel="next nofollow" href="/6">
            <area href="/7" rel="	nofollow
            ">
            """)
        #expect(summary.links.map(\.nofollow) == [true, true, false, false, false, true, true])
    }

    @Test func urlsAreVerbatimTrimmedAndEntityDecoded() {
        let summary = summarize("""
            <a href="https://example.com/x?y=1">abs</a>
            <a href="../rel/path">rel</a>
            <a href="//cdn.example.com/p">proto-relative</a>
            <a href="/q?a=1&amp;b=2&#38;c=3&lt;">entities</a>
            <a href="  \t/padded \n ">padded</a>
            <a href="">empty</a>
            <a href="#frag">fragment</a>
            <a href="/caf&eacute;">named</a>
            """)
        #expect(summary.urls == [
            "https://example.com/x?y=1", "../rel/path", "//cdn.example.com/p", "/q?a=1&b=2&c=3<",
            "/padded", "", "#frag", "/café",
        ])
    }

    @Test func absentValuesAreSkipped() {
        let summary = summarize("<a>no href</a><a href>bare attribute</a><a name=x>named</a><iframe></iframe><a href=/ok>ok</a>")
        #expect(summary.urls == ["/ok"])
    }

    @Test func onlyTheFirstBaseWithAnHrefCounts() {
        let summary = summarize("""
            <head><base target="_blank"><base href=" https://a.example/dir/ "><base href="https://b.example/"></head>
            <a href="x">x</a>
            """)
        #expect(summary.baseHref == "https://a.example/dir/")
        #expect(summarize("<a href=x>x</a>").baseHref == nil)
    }

    @Test func uppercaseTagsAndAttributes() {
        let summary = summarize("""
            <HTML><HEAD><TITLE>Upper</TITLE><BASE HREF="/b/"><LINK REL="NEXT" HREF="/next">
            <META NAME="ROBOTS" CONTENT="NOFOLLOW"></HEAD>
            <BODY><A HREF="/A" REL="NOFOLLOW">A</A><IFRAME SRC="/I"></IFRAME></BODY></HTML>
            """)
        #expect(summary.title == "Upper")
        #expect(summary.baseHref == "/b/")
        #expect(summary.robotsNofollow)
        #expect(summary.links == [
            HTMLLink(url: "/next", kind: .link, nofollow: false),
            HTMLLink(url: "/A", kind: .a, nofollow: true),
            HTMLLink(url: "/I", kind: .iframe, nofollow: false),
        ])
    }

    @Test func malformedMarkupStillYieldsLinks() {
        #expect(summarize("<a href=x><a href=y>").urls == ["x", "y"])
        #expect(summarize("<a href=/unquoted?a=1 class=z>u</a>").urls == ["/unquoted?a=1"])
        #expect(summarize("<p>1 < 2 <a href='/after-stray'>s</a> <</p>").urls == ["/after-stray"])
        #expect(summarize("<div><span><a href=/unclosed>text").urls == ["/unclosed"])
        #expect(summarize("<a href=\"/dup\" href=\"/second\">d</a>").urls == ["/dup"])
        #expect(summarize("</div></a><a href=/stray-end>e</a></table>").urls == ["/stray-end"])
        #expect(summarize("<!-- <a href=/commented> --><a href=/real>r</a>").urls == ["/real"])
        #expect(summarize("<script>var s = '<a href=/in-script>';</script><a href=/after>a</a>").urls == ["/after"])
    }

    @Test func linksAreCappedByMaxLinks() {
        let html = (0..<50).map { "<a href=/p\($0)>p</a>" }.joined()
        let summary = summarize(html, maxLinks: 10)
        #expect(summary.urls == (0..<10).map { "/p\($0)" })
        #expect(summary.linksTruncated == 40)
        #expect(summarize(html, maxLinks: 0).linksTruncated == 50)
        #expect(summarize(html).linksTruncated == 0)
    }

    @Test func extractorIsReusableAndResetsBetweenDocuments() {
        let extractor = HTMLLinkExtractor(maxLinks: 2)
        let first = extractor.extract(Array("<title>One</title><base href=/b1><meta name=robots content=none><a href=/1>1</a><a href=/2>2</a><a href=/3>3</a>".utf8), charset: nil)
        #expect(first.title == "One")
        #expect(first.linksTruncated == 1)
        let second = extractor.extract(Array("<a href=/x>x</a>".utf8), charset: nil)
        #expect(second == HTMLSummary(links: [HTMLLink(url: "/x", kind: .a)]))
        let third = extractor.extract(Array("<title>Three</title><base href=/b3>".utf8), charset: nil)
        #expect(third.title == "Three")
        #expect(third.baseHref == "/b3")
    }
}
