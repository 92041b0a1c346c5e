import HTMLParsing
import Testing

/// A link's query is encoded in its document's encoding (the URL parser's encoding override, which
/// HTML sets to the document's encoding); the path and fragment stay UTF-8. Expected forms from the
/// Encoding Standard's encoders and web-platform-tests' `resolving-urls/query-encoding`.
@Suite("Link queries in the document's encoding")
struct QueryEncodingTests {
    /// One link whose href is `href` in a document of `charset` (given by HTTP); the href's bytes
    /// are `encoded` in that charset.
    private func link(_ encoded: [UInt8], charset: String) -> String? {
        summarize(bytes: Array("<a href=\"".utf8) + encoded + Array("\">x</a>".utf8), charset: charset).urls.first
    }

    @Test func windows1252() {
        // "/é?q=café&s=☃#é": é is 0xE9; the snowman is not in windows-1252.
        let body: [UInt8] = Array("/".utf8) + [0xE9] + Array("?q=caf".utf8) + [0xE9] + Array("&s=&#9731;#".utf8) + [0xE9]
        #expect(link(body, charset: "iso-8859-1") == "/é?q=caf%E9&s=%26%239731%3B#é")
        // The C1 row: € is 0x80 in windows-1252.
        #expect(link([0x3F, 0x80], charset: "windows-1252") == "?%80")
    }

    @Test func windows1251LacksYWithDiaeresis() {
        // web-platform-tests' attributes.sub.html: "?\u{FF}" is %FF in windows-1252, %26%23255%3B in windows-1251.
        #expect(link(Array("?&#255;".utf8), charset: "windows-1251") == "?%26%23255%3B")
        #expect(link(Array("?&#255;".utf8), charset: "windows-1252") == "?%FF")
        #expect(link(Array("?".utf8) + [0xC4], charset: "windows-1251") == "?%C4")  // Д
    }

    @Test func shiftJISAndEUCJP() {
        // 日本 in Shift_JIS: 93 FA 96 7B (7B is "{", ASCII: it stays as it is for the URL parser).
        #expect(link(Array("/s?q=".utf8) + [0x93, 0xFA, 0x96, 0x7B], charset: "Shift_JIS") == "/s?q=%93%FA%96{")
        #expect(link(Array("/s?q=".utf8) + [0xC6, 0xFC, 0xCB, 0xDC], charset: "EUC-JP") == "/s?q=%C6%FC%CB%DC")
        // A character Shift_JIS lacks (한, given as a reference).
        #expect(link(Array("?k=&#54620;".utf8), charset: "Shift_JIS") == "?k=%26%2354620%3B")
    }

    @Test func iso2022JPShiftsBackToASCII() {
        // 日本 in ISO-2022-JP: ESC $ B, 46 7C 4B 5C, ESC ( B. Its bytes are ASCII and stay so, the URL
        // parser percent-encodes the escape characters; then "&x" follows in ASCII.
        let body = Array("?q=".utf8) + [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x1B, 0x28, 0x42] + Array("&x".utf8)
        #expect(link(body, charset: "ISO-2022-JP") == "?q=\u{1B}$BF|K\\\u{1B}(B&x")
    }

    @Test func aHashByteOfAnEncodedCharacterIsEscaped() {
        // In ISO-2022-JP the kanji at JIS 0x4323 ends in 0x23, "#": escaped, so that the URL parser
        // does not read it as the start of the fragment.
        let body = Array("?".utf8) + [0x1B, 0x24, 0x42, 0x43, 0x23, 0x1B, 0x28, 0x42]
        #expect(link(body, charset: "ISO-2022-JP") == "?\u{1B}$BC%23\u{1B}(B")
    }

    @Test func leftAlone() {
        // UTF-8 and UTF-16 documents, ASCII queries, non-special schemes, and links with no query.
        #expect(link(Array("?q=caf\u{E9}".utf8), charset: "utf-8") == "?q=café")
        #expect(link(Array("?q=caf".utf8) + [0xE9], charset: "windows-1252") == "?q=caf%E9")
        #expect(link(Array("mailto:a@b?subject=".utf8) + [0xE9], charset: "windows-1252") == "mailto:a@b?subject=é")
        #expect(link(Array("HTTP://h/?".utf8) + [0xE9], charset: "windows-1252") == "HTTP://h/?%E9")
        #expect(link(Array("/p#?".utf8) + [0xE9], charset: "windows-1252") == "/p#?é")
        #expect(link(Array("/plain?a=b".utf8), charset: "Shift_JIS") == "/plain?a=b")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<a href=\"?q=\u{E9}\">x</a>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(summarize(bytes: utf16).urls == ["?q=é"])
    }

    @Test func baseHrefAndMetaRefreshToo() {
        let body = Array("<base href=\"http://h/?b=".utf8) + [0xE9] + Array("\"><meta http-equiv=refresh content=\"0; url=/r?x=".utf8)
            + [0xE9] + Array("\">".utf8)
        let summary = summarize(bytes: body, charset: "windows-1252")
        #expect(summary.baseHref == "http://h/?b=%E9")
        #expect(summary.urls.contains("/r?x=%E9"))
    }
}
