@testable import HTMLParsing
import Testing

/// Specific cases of the fast path (``FastPathScanner``): what it declines, and what it decodes.
/// Every case also checks that the automatic path gives libxml2's answer.
@Suite("Fast path")
struct FastPathTests {
    /// Runs the three paths; returns the fast path's summary (nil if declined) and libxml2's.
    private func run(_ html: String, maxLinks: Int = 10_000) -> (fast: HTMLSummary?, libxml2: HTMLSummary, automaticWasFast: Bool) {
        let bytes = Array(html.utf8)
        let fast = HTMLLinkExtractor(maxLinks: maxLinks).extract(bytes, charset: nil, path: .fastPathOnly)
        let libxml2 = HTMLLinkExtractor(maxLinks: maxLinks).extract(bytes, charset: nil, path: .libxml2Only) ?? HTMLSummary()
        let automatic = HTMLLinkExtractor(maxLinks: maxLinks)
        let summary = automatic.extract(bytes, charset: nil)
        #expect(summary == libxml2, "automatic path differs from libxml2 on \(html.debugDescription)")
        return (fast, libxml2, automatic.lastPathWasFast)
    }

    @Test(arguments: [
        ("processing instruction", "<?xml version=\"1.0\"?><a href=/x>"),
        ("lone less-than", "<p>a < b</p><a href=/x>"),
        ("less-than at the end", "<a href=/x><"),
        ("bogus declaration", "<!x><a href=/x>"),
        ("CDATA", "<![CDATA[<a href=/no>]]><a href=/x>"),
        ("abrupt comment", "<!--><a href=/x>"),
        ("abrupt comment with dash", "<!---><a href=/x>"),
        ("comment closed by --!>", "<!-- a --!> <a href=/x> -->"),
        ("unterminated comment", "<a href=/x><!-- never"),
        ("form feed in comment", "<!-- \u{0C} --><a href=/x>"),
        ("doctype with junk", "<!DOCTYPE html foo><a href=/x>"),
        ("doctype without name", "<!DOCTYPE><a href=/x>"),
        ("doctype with gt in literal", "<!DOCTYPE html PUBLIC \"a>b\"><a href=/x>"),
        ("tag unterminated", "<a href=/x"),
        ("quoted value unterminated", "<a href=\"/x>text"),
        ("long element name", "<" + String(repeating: "d", count: 100) + "><a href=/x>"),
        ("long attribute name", "<a " + String(repeating: "h", count: 100) + "=1 href=/x>"),
        ("attribute flood", "<a " + (0..<257).map { "d\($0)" }.joined(separator: " ") + " href=/x>"),
        ("tag inside title", "<title>a<b>c</b></title><a href=/x>"),
        ("end tag inside title", "<title>x</div><a href=/x>"),
        ("form feed in title", "<title>\u{0C}f</title>"),
        ("svg before title", "<svg><title>icon</title></svg><title>page</title>"),
        ("unterminated script", "<script>var a;<a href=/x>"),
        ("script starting with an end tag", "<div><script></div><a href=/x></script>"),
        ("script end tag with longer name", "<script>x</scripts><a href=/x></script>"),
        ("control character in script", "<script>x\u{01}</div><a href=/x></script>"),
        ("control character in tag", "<a\u{01}href=/x>"),
        ("NUL character reference", "<a href=\"/&#0;x\">"),
        ("surrogate character reference", "<a href=\"/&#xD800;\">"),
        ("character reference beyond Unicode", "<a href=\"/&#1114112;\">"),
        ("character reference without semicolon", "<a href=\"/&#65x\">"),
        ("non-ASCII entity name", "<a href=\"/&amp\u{E9};\">"),
        ("end tag without name", "</ a><a href=/x>"),
        ("empty end tag", "</><a href=/x>"),
    ])
    func declines(_ name: String, _ html: String) {
        let result = run(html)
        #expect(result.fast == nil, "\(name): the fast path accepted it")
        #expect(!result.automaticWasFast)
    }

    /// libxml2 would walk its element stack past `SAXCallbacks.maxStackScanWork` and stop: the
    /// fast path must leave such a document to libxml2 (which reports `parseStoppedEarly`).
    @Test func declinesWhenLibxml2CouldStopEarly() {
        let html = String(repeating: "<div>", count: 5_000) + String(repeating: "</span>", count: 12_000) + "<a href=/after>"
        let result = run(html)
        #expect(result.fast == nil)
        #expect(result.libxml2.parseStoppedEarly)
        // Deep but matched nesting stays well inside the budget.
        let matched = "<title>Deep</title>" + String(repeating: "<div>", count: 3_000) + "<a href=/inside>"
            + String(repeating: "</div>", count: 3_000)
        let deep = run(matched)
        #expect(deep.fast == deep.libxml2)
        #expect(deep.automaticWasFast)
    }

    @Test(arguments: [
        ("<a href=\"/a?b=1&amp;c=2\">", "/a?b=1&c=2"),
        ("<a href='/caf&eacute;/&#233;/&#xE9;/&#XE9;'>", "/caf\u{E9}/\u{E9}/\u{E9}/\u{E9}"),
        ("<a href=/p&lt;q&gt;>", "/p<q>"),
        ("<a href=\"/&foo;/&AMP;/&eacute/&amp/&/&1\">", "/&foo;/&AMP;/&eacute/&amp/&/&1"),
        ("<a href=\"/&#x1F600;&nbsp;\">", "/\u{1F600}\u{A0}"),
        ("<a href=\" /trimmed \n\">", "/trimmed"),
        ("<a href=/unquoted/>", "/unquoted/"),
        ("<a href = \"/spaced\" >", "/spaced"),
        ("<a HREF=/upper href=/lower>", "/upper"),
        ("<a 1=\"x y\" href=/afterbogus>", "/afterbogus"),
        ("<a href=\"/cr\r\nlf\">", "/cr\r\nlf"),
        ("<a href='/é東'>", "/é東"),
        ("<a href=>", ""),
    ])
    func decodesAttributeValues(_ html: String, _ expected: String) {
        let result = run(html)
        #expect(result.fast?.urls == [expected])
        #expect(result.fast == result.libxml2)
        #expect(result.automaticWasFast)
    }

    @Test func titles() {
        let cases: [(String, String?)] = [
            ("<title>  Hello &amp;\n  World </title>", "Hello & World"),
            ("<title/>", ""),
            ("<TITLE>Upper</TITLE >", "Upper"),
            ("<title>first</title><title>second</title>", "first"),
            ("<title>t&eacute;&#233;&foo;&amp</title>", "t\u{E9}\u{E9}&foo;&amp"),
            ("<title>at the end", "at the end"),
            ("<title>a</title foo=\"x>\">", "a"),
            ("<title>t</title><svg><title>icon</title></svg>", "t"),
            ("<p>no title</p>", nil),
        ]
        for (html, expected) in cases {
            let result = run(html)
            #expect(result.fast?.title == expected, "\(html.debugDescription)")
            #expect(result.fast == result.libxml2)
        }
    }

    @Test func baseMetaAndLinkRules() {
        let html = """
            <base target=_top><base href=/b1/><base href=/b2/>
            <meta charset="windows-1252"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
            <meta name=" ROBOTS " content="noindex, nofollow">
            <meta http-equiv=refresh content="0; url=/moved">
            <link rel=stylesheet href=/s.css><link rel="canonical" href="/canon"><link href=/n rel="next nofollow">
            <a href=/plain>p</a><a href=/nf rel="NoFollow noopener">n</a><a>no href</a><a href>empty</a>
            <area href=/area><iframe src=/frame></iframe><frame src=/f2>
            """
        let result = run(html)
        let summary = result.fast
        #expect(summary?.baseHref == "/b1/")
        #expect(summary?.declaredCharset == "windows-1252")
        #expect(summary?.robotsNofollow == true)
        #expect(summary?.robotsNoindex == true)
        #expect(summary?.links == [
            HTMLLink(url: "/moved", kind: .refresh),
            HTMLLink(url: "/canon", kind: .link),
            HTMLLink(url: "/n", kind: .link, nofollow: true),
            HTMLLink(url: "/plain", kind: .a),
            HTMLLink(url: "/nf", kind: .a, nofollow: true),
            HTMLLink(url: "/area", kind: .area),
            HTMLLink(url: "/frame", kind: .iframe),
            HTMLLink(url: "/f2", kind: .frame),
        ])
        #expect(summary == result.libxml2)
    }

    @Test func linkCapMatchesLibxml2() {
        let html = "<title>cap</title>" + (0..<7).map { "<a href=/l\($0)>x</a>" }.joined()
        let result = run(html, maxLinks: 3)
        #expect(result.fast?.links.count == 3)
        #expect(result.fast?.linksTruncated == 4)
        #expect(result.fast == result.libxml2)
        #expect(result.automaticWasFast)
    }

    @Test func scriptsCommentsAndDoctypesAreSkippedLikeLibxml2() {
        let html = """
            <!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
            <!-- <a href=/in-comment> --><!---->
            <script>var s = "<a href=/in-script>"; if (a </b) {}</SCRIPT >
            <style>/* <a href=/in-style> */</style foo>
            <script/><a href=/after-empty-script>
            <a href=/real>
            """
        let result = run(html)
        #expect(result.fast?.urls == ["/after-empty-script", "/real"])
        #expect(result.fast == result.libxml2)
    }

    /// The element-stack bound treats these as popped at once; libxml2's table must agree.
    @Test func voidElementsMatchLibxml2() {
        let candidates = FastPathDocuments.elementNames.map { $0.lowercased() } + ["wbr", "source", "track", "keygen"]
        #expect(FastPathElement.voidElementsDisagreeingWithLibxml2(candidates: candidates) == [])
    }
}
