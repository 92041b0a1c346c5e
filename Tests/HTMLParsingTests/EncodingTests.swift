import HTMLParsing
import Testing

@Suite("Encodings, invalid bytes and NULs")
struct EncodingTests {
    /// "<title>café</title>" with é as the single Latin-1 byte 0xE9.
    private let latin1Title: [UInt8] = Array("<title>caf".utf8) + [0xE9] + Array("</title><a href=\"/caf".utf8) + [0xE9] + Array("\">x</a>".utf8)

    @Test func latin1DeclaredByHeader() {
        let summary = summarize(bytes: latin1Title, charset: "ISO-8859-1")
        #expect(summary.title == "café")
        #expect(summary.urls == ["/café"])
    }

    @Test func latin1DeclaredByMeta() {
        let summary = summarize(bytes: Array("<meta charset=\"iso-8859-1\">".utf8) + latin1Title)
        #expect(summary.title == "café")
        #expect(summary.urls == ["/café"])
        #expect(summary.declaredCharset == "iso-8859-1")
        let httpEquiv = Array("<meta http-equiv=Content-Type content=\"text/html; charset=latin1\">".utf8) + latin1Title
        #expect(summarize(bytes: httpEquiv).title == "café")
    }

    @Test func headerCharsetWinsOverMeta() {
        let summary = summarize(bytes: Array("<meta charset=utf-8>".utf8) + latin1Title, charset: "latin1")
        #expect(summary.title == "café")
    }

    @Test func latin1LabelDecodesAsWindows1252LikeBrowsers() {
        // 0x93/0x94 are C1 controls in ISO-8859-1 but curly quotes in windows-1252.
        let bytes = Array("<title>".utf8) + [0x93] + Array("hi".utf8) + [0x94, 0x20, 0x80] + Array("</title>".utf8)
        #expect(summarize(bytes: bytes, charset: "iso-8859-1").title == "\u{201C}hi\u{201D} €")
        #expect(summarize(bytes: bytes, charset: "\"Windows-1252\"").title == "\u{201C}hi\u{201D} €")
    }

    @Test func shiftJISByHeaderAndByMeta() {
        // "日本語" in Shift_JIS.
        let japanese: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA]
        let page = Array("<title>".utf8) + japanese + Array("</title><a href=\"/".utf8) + japanese + Array("\">j</a>".utf8)
        let byHeader = summarize(bytes: page, charset: "Shift_JIS")
        #expect(byHeader.title == "日本語")
        #expect(byHeader.urls == ["/日本語"])
        #expect(summarize(bytes: Array("<meta charset=shift_jis>".utf8) + page).title == "日本語")
    }

    @Test func unknownOrMalformedCharsetNamesAreIgnored() {
        let page = Array("<title>Grüße</title><a href=/ok>ok</a>".utf8)
        for label in ["x-no-such-charset", "", "utf-8\"; q=1", "\u{1F600}", String(repeating: "a", count: 500), "ebcdic?!"] {
            let summary = summarize(bytes: page, charset: label)
            #expect(summary.title == "Grüße", "label \(label)")
            #expect(summary.urls == ["/ok"], "label \(label)")
        }
        #expect(summarize(bytes: Array("<meta charset=no-such-thing>".utf8) + page).urls == ["/ok"])
    }

    @Test func invalidUTF8DeclaredAsUTF8IsRepairedLocally() {
        let bytes = Array("<title>a".utf8) + [0xFF] + Array("b</title><a href=\"/x".utf8) + [0xC3, 0x28] + Array("y\">l</a><a href=/next>n</a>".utf8)
        let summary = summarize(bytes: bytes, charset: "utf-8")
        // Repaired before libxml2 sees it: one U+FFFD per invalid sequence, in text and attributes
        // alike, and the rest of the document intact.
        #expect(summary.title == "a\u{FFFD}b")
        #expect(summary.urls == ["/x\u{FFFD}(y", "/next"])
    }

    @Test func invalidUTF8WithoutLabelIsReadAsWindows1252() {
        let bytes = Array("<title>bad ".utf8) + [0xFF, 0xFE, 0xC0] + Array("</title><a href=\"/p".utf8) + [0xE9] + Array("\">l</a><a href=/next>n</a>".utf8)
        let summary = summarize(bytes: bytes)
        // Not valid UTF-8 and no label: the default is windows-1252, where every byte is a character.
        #expect(summary.title == "bad ÿþÀ")
        #expect(summary.urls == ["/pé", "/next"])
    }

    @Test func nulBytesDoNotHideLaterLinks() {
        let bytes = Array("<title>T".utf8) + [0] + Array("itle</title><p>text".utf8) + [0, 0] + Array("more</p><a href=\"/a".utf8) + [0] + Array("b\">x</a><a href=/last>y</a>".utf8)
        let summary = summarize(bytes: bytes)
        #expect(summary.urls == ["/a\u{FFFD}b", "/last"])
        #expect(summary.title == "T\u{FFFD}itle")
    }

    @Test func nulBytesInALegacyEncodingBecomeReplacementCharacters() {
        // Decoded first, so a NUL is U+FFFD whatever the encoding (it was a space while libxml2
        // decoded legacy pages, since U+FFFD's UTF-8 bytes would have been misread there).
        let bytes = Array("<p>".utf8) + [0] + Array("</p><a href=\"/caf".utf8) + [0xE9, 0] + Array("\">x</a><a href=/last>y</a>".utf8)
        #expect(summarize(bytes: bytes, charset: "iso-8859-1").urls == ["/café\u{FFFD}", "/last"])
        #expect(summarize(bytes: bytes, charset: "shift_jis").urls.last == "/last")
    }

    @Test func utf16WithBOMKeepsItsNULs() {
        let text = "<title>Wide ünïcode</title><a href=\"/wide\">w</a>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let summary = summarize(bytes: bytes)
        #expect(summary.title == "Wide ünïcode")
        #expect(summary.urls == ["/wide"])
    }
}
