import HTMLParsing
import Testing

/// Which encoding a body is decoded from: byte order mark > HTTP charset > `<meta>` prescan >
/// default (UTF-8 when valid, else windows-1252), as in the HTML and Encoding Standards.
@Suite("Charset decoding order")
struct CharsetDecodingTests {
    /// Text whose bytes differ in UTF-8, windows-1252 and Shift_JIS, so a wrong decode shows.
    static let title = "Grüße – 日本"
    static let href = "/straße/日本?q=ü"

    /// Hostile case C4 (shared/testdata/hostile_cases.json): the header says ISO-8859-1, a
    /// `<meta>` says Shift_JIS, a BOM says UTF-8. The BOM wins and the document is decoded once.
    @Test func c4ByteOrderMarkBeatsHeaderAndMeta() {
        let page = [0xEF, 0xBB, 0xBF] + Array("<meta charset=shift_jis><title>\(Self.title)</title><a href=\"\(Self.href)\">x</a>".utf8)
        let summary = summarize(bytes: page, charset: "ISO-8859-1")
        // The fixture, byte for byte.
        #expect(summary.title.map { Array($0.utf8) } == [
            0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65, 0x20, 0xE2, 0x80, 0x93, 0x20, 0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC,
        ])
        #expect(summary.urls.map { Array($0.utf8) } == [[
            0x2F, 0x73, 0x74, 0x72, 0x61, 0xC3, 0x9F, 0x65, 0x2F, 0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC, 0x3F, 0x71, 0x3D, 0xC3, 0xBC,
        ]])
        #expect(summary.declaredCharset == "shift_jis")
        #expect(!summary.parseStoppedEarly)
    }

    @Test func headerBeatsMeta() {
        // "café" in windows-1252; read as Shift_JIS, 0xE9 would start a two-byte character.
        let page = Array("<meta charset=shift_jis><title>caf".utf8) + [0xE9] + Array("</title><a href=\"/caf".utf8) + [0xE9] + Array("\">x</a>".utf8)
        let summary = summarize(bytes: page, charset: "iso-8859-1")
        #expect(summary.title == "café")
        #expect(summary.urls == ["/café"])
    }

    @Test func metaBeatsDefault() {
        // "Привет" in windows-1251 is not UTF-8, so the default would be windows-1252 ("Ïðèâåò").
        // libxml2 then sees UTF-8 and a meta naming windows-1251; decoding twice would garble it.
        let privet: [UInt8] = [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]
        let page = Array("<meta charset=\"windows-1251\"><title>".utf8) + privet + Array("</title><a href=\"/".utf8) + privet + Array("\">x</a>".utf8)
        let summary = summarize(bytes: page)
        #expect(summary.title == "Привет")
        #expect(summary.urls == ["/Привет"])
        // Valid UTF-8 too: a meta naming windows-1252 wins over the UTF-8 default, as in browsers.
        #expect(summarize(bytes: Array("<meta charset=windows-1252><title>é</title>".utf8)).title == "Ã©")
    }

    @Test func httpEquivContentTypeIsAMetaDeclaration() {
        let page = Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"><title>".utf8) + [0xED, 0xC9, 0xD2] + Array("</title>".utf8)
        #expect(summarize(bytes: page).title == "Мир")
        // Without http-equiv the content attribute declares nothing (the prescan's "need pragma").
        let noPragma = Array("<meta content=\"text/html; charset=koi8-r\"><title>".utf8) + [0xED, 0xC9, 0xD2] + Array("</title>".utf8)
        #expect(summarize(bytes: noPragma).title == "íÉÒ")
    }

    @Test func prescanSkipsCommentsOtherTagsAndStopsAt1024Bytes() {
        let koi8: [UInt8] = Array("<title>".utf8) + [0xED, 0xC9, 0xD2] + Array("</title>".utf8)
        let windows1252Reading = "íÉÒ"
        let inComment = Array("<!-- <meta charset=koi8-r> -->".utf8) + koi8
        #expect(summarize(bytes: inComment).title == windows1252Reading)
        let inAttribute = Array("<div title=\"<meta charset=koi8-r>\"></div>".utf8) + koi8
        #expect(summarize(bytes: inAttribute).title == windows1252Reading)
        let late = Array("<p>\(String(repeating: "x", count: 1024))</p><meta charset=koi8-r>".utf8) + koi8
        #expect(summarize(bytes: late).title == windows1252Reading)
        let early = Array("<!-->--><p class=a>x</p><META CHARSET=KOI8-R>".utf8) + koi8
        #expect(summarize(bytes: early).title == "Мир")
    }

    @Test func unknownHeaderLabelFallsBackToMeta() {
        let page = Array("<meta charset=koi8-r><title>".utf8) + [0xED, 0xC9, 0xD2] + Array("</title>".utf8)
        for label in ["x-bogus", "", "\"\"", "utf-7!"] {
            #expect(summarize(bytes: page, charset: label).title == "Мир", "label \(label)")
        }
    }

    @Test func defaultIsUTF8WhenValidElseWindows1252() {
        let utf8 = Array("<title>“hi” €</title><a href=/é>x</a>".utf8)
        #expect(summarize(bytes: utf8).title == "“hi” €")
        #expect(summarize(bytes: utf8).urls == ["/é"])
        let legacy = Array("<title>".utf8) + [0x93] + Array("hi".utf8) + [0x94, 0x20, 0x80, 0x20, 0x81] + Array("</title><a href=/".utf8) + [0xE9] + Array(">x</a>".utf8)
        // 0x81 is undefined in windows-1252; the Encoding Standard maps it to U+0081.
        #expect(summarize(bytes: legacy).title == "\u{201C}hi\u{201D} € \u{81}")
        #expect(summarize(bytes: legacy).urls == ["/é"])
    }

    @Test(arguments: [true, false])
    func utf16WithByteOrderMarkBeatsTheHeader(littleEndian: Bool) {
        let text = "<title>Wide 日本 😀</title><a href=\"/wide/ü\">w</a>"
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let summary = summarize(bytes: bytes, charset: "utf-8")
        #expect(summary.title == "Wide 日本 😀")
        #expect(summary.urls == ["/wide/ü"])
    }

    @Test func utf16LabelsInHeaderAndMeta() {
        // A header naming UTF-16 means UTF-16LE (no BOM needed)...
        var bytes: [UInt8] = []
        for unit in "<title>ü</title>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(summarize(bytes: bytes, charset: "utf-16").title == "ü")
        // ...but a meta naming it means UTF-8: the meta could only be read because it is not UTF-16.
        let page = Array("<meta charset=utf-16><title>Grüße</title>".utf8)
        #expect(summarize(bytes: page).title == "Grüße")
        let httpEquiv = Array("<meta http-equiv=content-type content='text/html;charset=UTF-16BE'><title>Grüße</title>".utf8)
        #expect(summarize(bytes: httpEquiv).title == "Grüße")
    }

    /// libxml2 2.9.14 switches encodings when it meets a `<meta charset>` unless it was given an
    /// encoding (measured: with none, a UTF-8 title after `<meta charset=shift_jis>` came out as
    /// mojibake). The extractor always hands it UTF-8 and says so.
    @Test func metaInsideTheDocumentCannotSwitchLibxml2() {
        let page = Array("<html><head><meta charset=shift_jis><meta http-equiv=content-type content=\"text/html; charset=iso-8859-1\"><title>\(Self.title)</title></head><body><a href=\"\(Self.href)\">x</a>".utf8)
        let summary = summarize(bytes: page, charset: "utf-8")
        #expect(summary.title == Self.title)
        #expect(summary.urls == [Self.href])
        // The same with a byte order mark and no header.
        let withBOM = summarize(bytes: [0xEF, 0xBB, 0xBF] + page)
        #expect(withBOM.title == Self.title)
        #expect(withBOM.urls == [Self.href])
    }

    @Test func legacyMultiByteEncodingsByLabel() {
        let cases: [(label: String, bytes: [UInt8], text: String)] = [
            ("Shift_JIS", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
            ("x-sjis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
            ("EUC-JP", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], "日本語"),
            ("iso-2022-jp", [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42], "日本語"),
            ("gb2312", [0xC8, 0xD5, 0xB1, 0xBE, 0xD5, 0x5A], "日本語"),
            ("GBK", [0xC8, 0xD5, 0xB1, 0xBE, 0xD5, 0x5A], "日本語"),
            ("big5", [0xA4, 0xA4, 0xA4, 0xE5], "中文"),
            ("euc-kr", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
            ("koi8-r", [0xED, 0xC9, 0xD2], "Мир"),
            ("cp1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
            ("iso-8859-2", [0xB1, 0xB3], "ął"),
            ("us-ascii", [0x80], "€"),
        ]
        let extractor = HTMLLinkExtractor()
        for (label, bytes, text) in cases {
            let page = Array("<title>".utf8) + bytes + Array("</title><a href=\"/".utf8) + bytes + Array("\">x</a>".utf8)
            let summary = extractor.extract(page, charset: label)
            #expect(summary.title == text, "\(label)")
            #expect(summary.urls == ["/" + text], "\(label)")
        }
    }
}
