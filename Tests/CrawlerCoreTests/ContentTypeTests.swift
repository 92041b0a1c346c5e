import Testing
@testable import CrawlerCore

@Suite("Content types and scope helpers")
struct ContentTypeTests {
    @Test func htmlDetection() {
        #expect(ContentType.isHTML("text/html"))
        #expect(ContentType.isHTML(" Text/HTML ; charset=UTF-8"))
        #expect(ContentType.isHTML("application/xhtml+xml"))
        #expect(!ContentType.isHTML("text/plain"))
        #expect(!ContentType.isHTML("application/pdf"))
    }

    @Test func charsetParameter() {
        #expect(ContentType.charset("text/html; charset=ISO-8859-1") == "ISO-8859-1")
        #expect(ContentType.charset("text/html;CHARSET=\"utf-8\"") == "utf-8")
        #expect(ContentType.charset("text/html") == nil)
        #expect(ContentType.charset("text/html; charset=") == nil)
    }

    @Test func sniffing() {
        #expect(ContentType.sniffsAsHTML(Array("  <!DOCTYPE html><p>x".utf8)))
        #expect(ContentType.sniffsAsHTML(Array("\u{FEFF}<HTML>".utf8)))
        #expect(ContentType.sniffsAsHTML(Array("<a href=x>".utf8)))
        #expect(!ContentType.sniffsAsHTML(Array("<abbr>".utf8)))
        #expect(!ContentType.sniffsAsHTML([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(!ContentType.sniffsAsHTML(Array("plain text".utf8)))
        #expect(!ContentType.sniffsAsHTML([]))
    }

    @Test func registrableDomains() {
        #expect(RegistrableDomain.of("www.example.com") == "example.com")
        #expect(RegistrableDomain.of("a.b.example.co.uk") == "example.co.uk")
        #expect(RegistrableDomain.of("example.com") == "example.com")
        #expect(RegistrableDomain.of("127.0.0.1") == "127.0.0.1")
        #expect(RegistrableDomain.of("localhost") == "localhost")
        #expect(RegistrableDomain.of("[::1]") == "[::1]")
    }

    @Test func fingerprintsAreStableAndDistinct() {
        #expect(URLFingerprint(key: "http://a.test/").rawValue == URLFingerprint(key: "http://a.test/").rawValue)
        var seen = Set<UInt64>()
        for index in 0..<100_000 { seen.insert(URLFingerprint(key: "http://a.test/page/\(index)").rawValue) }
        #expect(seen.count == 100_000)
    }
}

/// The byte-level Content-Type readers against the String-based ones they replaced (kept here as
/// the reference), on the awkward spellings a server may send.
@Suite("Content types: byte-level parsing matches the reference")
struct ContentTypeReferenceTests {
    static let headers = [
        "text/html", " Text/HTML ; charset=UTF-8", "text/html;charset=utf-8", "text/html; charset=\"utf-8\"",
        "text/html; charset=", "text/html; charset= ", "text/html; charset=\"\"", "text/html; charset=\"",
        "text/html; =utf-8; charset=latin1", "text/html; charset=; charset=utf-8", "text/html;;charset=koi8-r",
        "text/html; CHARSET = \" sjis \" ", "text/html; charset==x", "text/html; foo=bar; charset=big5; charset=x",
        "\ttext/html\t;\tcharset\t=\tutf-8\t", "\u{0C}text/html\u{0C}", "application/XHTML+xml; q=1", "",
        ";", "; charset=utf-8", "text/plain; charset=utf-8", "text/htmlx", "text/html5", "tëxt/html; charset=ü",
        "text/html; charset=\"a\"b\"", "text/html; charset", "text/html; charset utf-8",
        ";;charset=x;charset=y", "; ;charset=x", ";charset=x", "text/html;", "text/html; charset=x;",
    ]

    static func referenceMediaType(_ contentType: String) -> Substring {
        let end = contentType.firstIndex(of: ";") ?? contentType.endIndex
        return contentType[..<end].trimmingASCIIWhitespace()
    }

    static func referenceCharset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingASCIIWhitespace().lowercased() == "charset" else { continue }
            var value = pair[1].trimmingASCIIWhitespace()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    @Test(arguments: headers)
    func sameAnswers(_ header: String) {
        #expect(ContentType.mediaType(header) == Self.referenceMediaType(header))
        let type = Self.referenceMediaType(header).lowercased()
        #expect(ContentType.isHTML(header) == (type == "text/html" || type == "application/xhtml+xml"))
        #expect(ContentType.charset(header) == Self.referenceCharset(header))
    }
}
