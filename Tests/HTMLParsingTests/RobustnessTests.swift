import HTMLParsing
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Robustness")
struct RobustnessTests {
    /// Bound of the floods and stacks below: they guard against quadratic work (minutes on these
    /// inputs), not timings. Linear, each takes under a second in a debug build alone; beside the
    /// parallel suites on two cores it can take twice that and more, so the bound leaves room.
    static let linearBound = Duration.seconds(10)

    @Test func emptyAndBlankDocuments() {
        #expect(summarize(bytes: []) == HTMLSummary())
        #expect(summarize("   \n\t ") == HTMLSummary())
        #expect(summarize("<") == HTMLSummary())
        #expect(HTMLLinkExtractor().extract(UnsafeRawBufferPointer(start: nil, count: 0), charset: "utf-8") == HTMLSummary())
    }

    @Test func deepNestingDoesNotLoseLaterLinks() {
        let depth = 5_000
        let html = "<title>Deep</title>" + String(repeating: "<div>", count: depth) + "<a href=/inside>i</a>"
            + String(repeating: "</div>", count: depth) + "<a href=/after>a</a>"
        let summary = summarize(html)
        #expect(summary.urls == ["/inside", "/after"])
        #expect(summary.title == "Deep")
        #expect(!summary.parseStoppedEarly)
    }

    @Test func deepUnclosedNestingDoesNotBlowTheStack() {
        let html = String(repeating: "<span><b><i>", count: 10_000) + "<a href=/bottom>b</a>"
        #expect(summarize(html).urls == ["/bottom"])
    }

    @Test func fiveMegabyteDocumentInBoundedTime() {
        var html = "<html><head><title>Big</title></head><body>"
        var expected = 0
        while html.utf8.count < 5_000_000 {
            html += "<div class=\"item\"><p>Lorem ipsum dolor sit amet, &amp; consectetur adipiscing elit.</p>"
            html += "<a href=\"/item/\(expected)?ref=list&amp;page=2\" rel=\"noopener\">Item \(expected)</a></div>\n"
            expected += 1
        }
        html += "<a href=/end>end</a></body></html>"
        let start = ContinuousClock.now
        let summary = summarize(html, maxLinks: 1_000_000)
        let elapsed = ContinuousClock.now - start
        #expect(summary.links.count == expected + 1)
        #expect(summary.urls.last == "/end")
        #expect(summary.links[7].url == "/item/7?ref=list&page=2")
        #expect(elapsed < .seconds(30), "5 MB took \(elapsed)")
    }

    @Test func manyDistinctTagNamesAcrossDocuments() {
        // Names are interned in the reused context's dictionary; the extractor must keep working
        // (and replace the context) after hostile documents full of distinct names.
        let extractor = HTMLLinkExtractor()
        for round in 0..<3 {
            let html = (0..<10_000).map { "<x\(round)y\($0) a\($0)=1>" }.joined() + "<a href=/r\(round)>r</a>"
            #expect(extractor.extract(Array(html.utf8), charset: nil).urls == ["/r\(round)"])
        }
        #expect(extractor.extract(Array("<a href=/fine>f</a>".utf8), charset: nil).urls == ["/fine"])
    }

    @Test func hostileAttributesAndNames() {
        let longValue = String(repeating: "x", count: 200_000)
        #expect(summarize("<a href=\"/\(longValue)\">l</a><a href=/2>2</a>").links.count == 2)
        let manyAttributes = (0..<200).map { "d\($0)=v" }.joined(separator: " ")
        #expect(summarize("<a \(manyAttributes) href=/many>m</a>").urls == ["/many"])
        #expect(summarize("<a href=\"/unterminated>never closed").urls.count <= 1)
        #expect(summarize("<a href=/1 rel=\(String(repeating: "nofollow ", count: 10_000))>x</a>").links.first?.nofollow == true)
    }

    /// libxml2 2.9.x compares each attribute with every earlier one in the same tag: 60,000
    /// attributes cost about 7 s unguarded. Each variant tries to hide the flood from the guard.
    @Test(arguments: [
        ("plain", "<a href=/first ", "a", " ", ">"),
        ("no blanks", "<a href=/first ", "a", "=\"1\"", ">"),
        ("quoted gt first", "<a href=/first x=\">\" ", "a", " ", ">"),
        ("after comment with quote", "<!-- <a x=\" --><a href=/first ", "a", " ", ">"),
        ("after script with quote", "<script>var s = \"<a x='\";</script><a href=/first ", "a", " ", ">"),
        ("after bogus declaration", "<a href=/first></a><!x <a ", "a", " ", ">"),
        ("after bogus end tag", "<a href=/first></a></ <a ", "a", " ", ">"),
        ("after bogus processing instruction", "<a href=/first></a><?<a ", "a", " ", ">"),
        ("in a script tag", "<a href=/first></a><script ", "a", " ", "></script>"),
        ("long tag name, quoted gt", "<a href=/first></a><\(String(repeating: "b", count: 150)) x=\">\" ", "a", " ", ">"),
        ("long attribute name, quoted gt", "<a href=/first \(String(repeating: "c", count: 150))=\">\" ", "a", " ", ">"),
    ])
    func attributeFloodsStayLinear(name: String, prefix: String, attribute: String, separator: String, suffix: String) {
        var html = prefix
        html.reserveCapacity(800_000)
        for index in 0..<60_000 { html += attribute + String(index, radix: 36) + separator }
        html += suffix + "<a href=/after>after</a>"
        let start = ContinuousClock.now
        let summary = summarize(html)
        let elapsed = ContinuousClock.now - start
        #expect(summary.urls.first == "/first", "\(name)")
        #expect(summary.urls.last == "/after", "\(name)")
        #expect(elapsed < Self.linearBound, "\(name) took \(elapsed)")
    }

    @Test func strayEndTagFloodAfterDeepNestingIsStopped() {
        let html = "<a href=/before>b</a>" + String(repeating: "<div>", count: 5_000)
            + String(repeating: "</span>", count: 300_000) + "<a href=/late>l</a>"
        let start = ContinuousClock.now
        let summary = summarize(html)
        let elapsed = ContinuousClock.now - start
        #expect(summary.parseStoppedEarly)
        #expect(summary.urls.first == "/before")
        #expect(elapsed < Self.linearBound, "took \(elapsed)")
        // Misplaced <body> tags make libxml2 walk the stack too.
        let bodies = "<a href=/before>b</a>" + String(repeating: "<div>", count: 5_000)
            + String(repeating: "<body>", count: 200_000) + "<a href=/late>l</a>"
        let bodiesStart = ContinuousClock.now
        #expect(summarize(bodies).parseStoppedEarly)
        #expect(ContinuousClock.now - bodiesStart < Self.linearBound)
        // End tags inside a script at depth raise the same error code without walking the
        // stack; they are neither counted nor a safe place to stop.
        let script = String(repeating: "<div>", count: 5_000) + "<script>" + String(repeating: "</div>", count: 150_000)
            + "</script><a href=/after-script>a</a>"
        let scriptSummary = summarize(script)
        #expect(!scriptSummary.parseStoppedEarly)
        #expect(scriptSummary.urls == ["/after-script"])
        // The same nesting with matching end tags is ordinary and parsed to the end.
        let fine = "<a href=/before>b</a>" + String(repeating: "<div>", count: 5_000) + String(repeating: "</div>", count: 5_000)
            + String(repeating: "<p>x</p>", count: 50_000) + "<a href=/late>l</a>"
        let fineSummary = summarize(fine)
        #expect(!fineSummary.parseStoppedEarly)
        #expect(fineSummary.urls == ["/before", "/late"])
    }

    @Test func extractorsOnConcurrentTasksAgree() async {
        let page = Array(("<title>Concurrent</title><meta charset=iso-8859-1>"
            + (0..<300).map { "<p>t&eacute;xt <a href=\"/p/\($0)?a=1&amp;b=2\" rel=nofollow>l</a></p>" }.joined()).utf8)
        let expected = summarize(bytes: page)
        #expect(expected.links.count == 300)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let extractor = HTMLLinkExtractor()
                    return (0..<25).allSatisfy { _ in extractor.extract(page, charset: nil) == expected }
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }
}
