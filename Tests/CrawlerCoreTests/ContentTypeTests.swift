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
