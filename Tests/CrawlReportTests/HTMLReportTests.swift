import Foundation
import Testing
import CrawlReport

@Suite struct HTMLReportTests {
    static func summary(extra: String = "") throws -> (ReportSummary, TempDir) {
        let dir = try TempDir()
        let path = try dir.write("g.jsonl", Generated.lines(count: 800) + extra)
        return (try ReportSummary.read(paths: [path]), dir)
    }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let re = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators, .caseInsensitive])
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    @Test func isSelfContainedWithDrawnCharts() throws {
        let (s, dir) = try Self.summary()
        let out = dir.path + "/report.html"
        try HTMLReport.write(s, to: out)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["g.jsonl", "report.html"])

        // Nothing is loaded from elsewhere: no src/href to a URL, no <link>, no CSS url()/@import.
        #expect(try Self.matches(#"(src|href)\s*=\s*["']?\s*(https?:)?//"#, in: html).isEmpty)
        #expect(try Self.matches(#"<link\b|@import|url\("#, in: html).isEmpty)
        #expect(try Self.matches(#"<script[^>]*\bsrc="#, in: html).isEmpty)
        // Page URLs from the data appear as text (escaped), not as loads.
        #expect(html.contains("https://h"))

        let svgs = try Self.matches(#"<svg\b.*?</svg>"#, in: html)
        #expect(svgs.count == HTMLReport.chartCount)
        for svg in svgs {
            let shapes = try Self.matches(#"<rect\b[^>]*\bwidth="[0-9.]*[1-9]|<path\b[^>]*\bd="M[^"]+"|<circle\b"#, in: svg)
            #expect(!shapes.isEmpty, "chart without shapes: \(svg.prefix(120))")
        }
        #expect(svgs[0].contains("class=\"line\""))
        #expect(try Self.matches(#"<table class="sortable""#, in: html).count >= 6)
    }

    @Test func escapesHostileText() throws {
        let evil = FixtureRecord(url: "https://x.test/<script>alert(1)</script>", host: "<img src=x onerror=alert(1)>",
                                 outcome: "ok\"><b>", status: 200, contentType: "text/<html>", bytes: 1 << 30,
                                 fetchedAt: "2026-03-04T05:00:01.000Z", timeMs: 1e6)
        let (s, _) = try Self.summary(extra: evil.json + "\n")
        let html = HTMLReport.render(s)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func emptyInputStillRenders() throws {
        let html = HTMLReport.render(ReportSummary())
        #expect(try Self.matches(#"<svg\b"#, in: html).count == HTMLReport.chartCount)
        #expect(TerminalReport.render(ReportSummary()).contains("0 records"))
    }
}
