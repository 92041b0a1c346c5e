import HTMLParsing
import Testing

@Suite("Meta refresh targets are links")
struct MetaRefreshTests {
    @Test(arguments: [
        ("0;url=/a", "/a"), ("5; URL=/b", "/b"), ("0, url = '/c d'", "/c d"), ("3;\"/e\"", "/e"),
        ("1.5; url=http://x.test/f", "http://x.test/f"), ("0;/g", "/g"), ("  7  ;  Url  =  \"/h\"  ", "/h"),
    ])
    func targetsAreExtracted(content: String, expected: String) {
        let escaped = content.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "&quot;")
        let summary = summarize("<meta http-equiv='Refresh' content=\"\(escaped)\"><a href=/z>z</a>")
        #expect(summary.links.first == HTMLLink(url: expected, kind: .refresh), "\(content)")
        #expect(summary.links.count == 2)
    }

    @Test func refreshesWithoutATargetAddNothing() {
        for content in ["5", "", "url=/no-time", "0;url=", "abc;url=/x"] {
            let summary = summarize("<meta http-equiv=refresh content='\(content)'>")
            #expect(summary.links.isEmpty, "\(content)")
        }
        // Only http-equiv=refresh counts, not a name=refresh.
        #expect(summarize("<meta name=refresh content='0;url=/a'>").links.isEmpty)
    }
}
