import Testing
@testable import CrawlURL

/// The encode sets are bit masks for speed; rebuild each from the standard's wording and compare.
@Suite("Percent-encode sets")
struct PercentEncodeSetTests {
    static func c0(_ b: UInt8) -> Bool { b < 0x20 || b > 0x7E }
    static func member(_ b: UInt8, _ extra: String) -> Bool { extra.utf8.contains(b) }

    static let fragmentExtra = " \"<>`"
    static let queryExtra = " \"#<>"
    static let pathExtra = queryExtra + "?^`{}"
    static let userinfoExtra = pathExtra + "/:;=@[\\]^|"

    @Test("masks match the standard's definitions for all 256 bytes")
    func masks() {
        for value in 0...255 {
            let b = UInt8(value)
            #expect(PercentEncodeSet.c0Control.contains(b) == Self.c0(b), "c0 \(b)")
            #expect(PercentEncodeSet.fragment.contains(b) == (Self.c0(b) || Self.member(b, Self.fragmentExtra)), "fragment \(b)")
            #expect(PercentEncodeSet.query.contains(b) == (Self.c0(b) || Self.member(b, Self.queryExtra)), "query \(b)")
            #expect(PercentEncodeSet.specialQuery.contains(b) == (Self.c0(b) || Self.member(b, Self.queryExtra + "'")), "special-query \(b)")
            #expect(PercentEncodeSet.path.contains(b) == (Self.c0(b) || Self.member(b, Self.pathExtra)), "path \(b)")
            #expect(PercentEncodeSet.userinfo.contains(b) == (Self.c0(b) || Self.member(b, Self.userinfoExtra)), "userinfo \(b)")
            let forbiddenHost = b == 0 || Self.member(b, "\t\n\r #/:<>?@[\\]^|")
            #expect(ByteClass.isForbiddenHost(b) == forbiddenHost, "forbidden host \(b)")
            #expect(ByteClass.isForbiddenDomain(b) == (forbiddenHost || b < 0x20 || b == 0x25 || b == 0x7F), "forbidden domain \(b)")
        }
    }

    @Test("encoding per component")
    func componentEncoding() throws {
        let url = try #require(WebURL.parse("http://h/a b\"<>`{}^|'?a b\"<>`{}'#a b\"<>`{}'"))
        #expect(url.path == "/a%20b%22%3C%3E%60%7B%7D%5E|'")
        #expect(url.query == "a%20b%22%3C%3E`{}%27")
        #expect(url.fragment == "a%20b%22%3C%3E%60{}'")
        #expect(WebURL.parse("foo://h/?'")?.query == "'")
    }
}
