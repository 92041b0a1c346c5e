import HTMLParsing
import Testing

/// Fuzz finding F3 (Fuzz/README.md): libxml2 2.9.14 stopped reading a Shift_JIS or EUC-JP page at
/// its first invalid sequence, losing every later link. Bodies are now decoded before libxml2
/// sees them; each invalid sequence becomes U+FFFD and decoding carries on.
@Suite("Invalid and truncated sequences")
struct LegacyDecodingTests {
    /// "日本語" in Shift_JIS and in EUC-JP.
    static let shiftJIS: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA]
    static let eucJP: [UInt8] = [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC]

    /// A page with invalid sequences before, inside and after the title and the links: 0xFF is
    /// invalid in both encodings; `lead` followed by `"` is a lead byte cut short by ASCII, which
    /// must not swallow the quote.
    static func page(_ japanese: [UInt8], lead: UInt8) -> [UInt8] {
        Array("<a href=/first>a</a>".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]
            + Array("<title>".utf8) + japanese[0..<2] + [0xFF] + japanese[2...] + Array("</title>".utf8)
            + Array("<a href=\"/a".utf8) + [0xFF, 0xFF] + Array("b\">x</a>".utf8)
            + Array("<a href=\"/c".utf8) + [lead] + Array("\">y</a>".utf8)
            + Array("<a href=\"/".utf8) + japanese + Array("\">z</a><a href=/after>b</a>".utf8)
    }

    static let expectedURLs = ["/first", "/a\u{FFFD}\u{FFFD}b", "/c\u{FFFD}", "/日本語", "/after"]

    @Test func shiftJISByHeader() {
        let summary = summarize(bytes: Self.page(Self.shiftJIS, lead: 0x93), charset: "Shift_JIS")
        #expect(summary.title == "日\u{FFFD}本語")
        #expect(summary.urls == Self.expectedURLs)
        #expect(!summary.parseStoppedEarly)
    }

    @Test func eucJPByMeta() {
        let summary = summarize(bytes: Array("<meta charset=euc-jp>".utf8) + Self.page(Self.eucJP, lead: 0xC6))
        #expect(summary.title == "日\u{FFFD}本語")
        #expect(summary.urls == Self.expectedURLs)
        #expect(summary.declaredCharset == "euc-jp")
        #expect(!summary.parseStoppedEarly)
    }

    @Test func truncatedSequenceAtTheEnd() {
        // One U+FFFD for the cut-off character, in each decoder.
        let cases: [(charset: String, body: [UInt8])] = [
            ("utf-8", Array("<title>日本".utf8) + [0xE8, 0xAA]),
            ("shift_jis", Array("<title>".utf8) + Self.shiftJIS[0..<4] + [0x8C]),
            ("euc-jp", Array("<title>".utf8) + Self.eucJP[0..<4] + [0xB8]),
            ("utf-16le", Array("<title>日本".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) + [0x3D]),
        ]
        for (charset, body) in cases {
            #expect(summarize(bytes: body, charset: charset).title == "日本\u{FFFD}", "\(charset)")
        }
    }

    @Test func invalidUTF8InAnHrefIsRepairedPerMaximalSubpart() {
        // C3 cut by "(", a lone FF, and E2 82 cut by the closing quote: three U+FFFD, nothing lost.
        let href: [UInt8] = Array("/a".utf8) + [0xC3] + Array("(b".utf8) + [0xFF, 0xE2, 0x82]
        let body = Array("<a href=\"".utf8) + href + Array("\">x</a><a href=/next>n</a>".utf8)
        for charset in ["utf-8", nil] as [String?] {
            let summary = summarize(bytes: body, charset: charset)
            if charset != nil {
                #expect(summary.urls == ["/a\u{FFFD}(b\u{FFFD}\u{FFFD}", "/next"])
            } else {
                // Not valid UTF-8 and unlabelled: windows-1252, where every byte is a character.
                #expect(summary.urls == ["/aÃ(bÿâ‚", "/next"])
            }
        }
    }

    @Test(arguments: [
        [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0xAF],
        [0x80, 0xBF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE1, 0x80, 0xE2, 0xF0, 0x91, 0x92, 0xF1, 0xBF, 0x41],
    ] as [[UInt8]])
    func utf8RepairMatchesTheStandard(bad: [UInt8]) {
        // Swift's decoder follows the same rule (Unicode's "maximal subpart" practice, which the
        // WHATWG UTF-8 decoder specifies), so it serves as the reference.
        let expected = "x" + String(decoding: bad, as: UTF8.self) + "y"
        let body = Array("<title>x".utf8) + bad + Array("y</title>".utf8)
        #expect(summarize(bytes: body, charset: "utf-8").title == expected)
    }

    @Test func reusedExtractorResetsConverterState() {
        let extractor = HTMLLinkExtractor()
        // ISO-2022-JP left in its two-byte mode at the end of the first document...
        let unterminated = Array("<title>".utf8) + [0x1B, 0x24, 0x42, 0x46, 0x7C]
        #expect(extractor.extract(unterminated, charset: "iso-2022-jp").title == "日")
        // ...must not carry into the next one, which starts in ASCII.
        let next = extractor.extract(Array("<title>plain</title><a href=/p>p</a>".utf8), charset: "iso-2022-jp")
        #expect(next.title == "plain")
        #expect(next.urls == ["/p"])
        // Alternating encodings on one extractor.
        for _ in 0..<3 {
            #expect(extractor.extract(Self.page(Self.shiftJIS, lead: 0x93), charset: "sjis").urls == Self.expectedURLs)
            #expect(extractor.extract(Self.page(Self.eucJP, lead: 0xC6), charset: "euc-jp").urls == Self.expectedURLs)
        }
    }

    @Test func hugeLegacyPagesDecodeInBoundedTime() {
        // 2 MB of windows-1252 (no label, so found by the default) and 1 MB of Shift_JIS in which
        // every fourth byte is invalid: linear work, every link found.
        var legacy: [UInt8] = []
        legacy.reserveCapacity(2_100_000)
        var links = 0
        while legacy.count < 2_000_000 {
            legacy += Array("<p>".utf8) + [0x93] + Array("quoted".utf8) + [0x94] + Array("</p><a href=\"/caf".utf8) + [0xE9] + Array("-\(links)\">x</a>\n".utf8)
            links += 1
        }
        var broken: [UInt8] = []
        var brokenLinks = 0
        while broken.count < 1_000_000 {
            broken += Self.shiftJIS + [0xFF] + Array("<a href=/j\(brokenLinks)>".utf8) + [0x80, 0xFF, 0xFD]
            brokenLinks += 1
        }
        let extractor = HTMLLinkExtractor(maxLinks: 1_000_000)
        var legacySummary = HTMLSummary()
        var brokenSummary = HTMLSummary()
        let elapsed = ContinuousClock().measure {
            legacySummary = extractor.extract(legacy, charset: nil)
            brokenSummary = extractor.extract(broken, charset: "shift_jis")
        }
        #expect(legacySummary.links.count == links)
        #expect(legacySummary.urls.last == "/café-\(links - 1)")
        #expect(brokenSummary.links.count == brokenLinks)
        #expect(brokenSummary.urls.last == "/j\(brokenLinks - 1)")
        // Generous for a debug build on a shared machine; quadratic behaviour would take minutes.
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }
}
