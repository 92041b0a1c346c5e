import Testing
@testable import CrawlURL

/// Inputs a hostile page can put in an href. The parser must not crash, must stay linear, and must
/// give the answer the standard gives (or a documented, safe refusal).
@Suite("Hostile inputs")
struct HostileInputTests {
    static let base = WebURL.parse("http://example.com/dir/page")!

    /// A coarse guard against quadratic behaviour, not a benchmark: linear work on these inputs
    /// takes milliseconds even in debug builds, quadratic work takes minutes.
    static func bounded<T>(_ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        var result: T?
        let elapsed = try clock.measure { result = try body() }
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        return result!
    }

    @Test("100 KB inputs in every component")
    func longInputs() {
        let chunk = String(repeating: "a", count: 100_000)
        Self.bounded {
            #expect(WebURL.parse("http://example.com/" + chunk)?.path.utf8.count == 100_001)
            #expect(WebURL.parse("http://example.com/?" + chunk)?.query?.utf8.count == 100_000)
            #expect(WebURL.parse("http://example.com/#" + chunk)?.fragment?.utf8.count == 100_000)
            #expect(WebURL.parse("http://" + chunk + ".com/")?.host?.utf8.count == 100_004)
            #expect(WebURL.parse("http://" + chunk + "@h/")?.username.utf8.count == 100_000)
            #expect(WebURL.parse(chunk, base: Self.base)?.path.utf8.count == 100_005)
            #expect(WebURL.parse("mailto:" + chunk)?.path.utf8.count == 100_000)
            let spaces = String(repeating: " ", count: 100_000)
            #expect(WebURL.parse(spaces + "http://a/" + spaces)?.href == "http://a/")
            #expect(WebURL.parse(String(repeating: "\t\n", count: 50_000) + "x", base: Self.base)?.href == "http://example.com/dir/x")
        }
    }

    @Test("deep ../ and many segments")
    func deepDotSegments() {
        Self.bounded {
            let up = String(repeating: "../", count: 30_000)
            #expect(WebURL.parse(up + "x", base: Self.base)?.href == "http://example.com/x")
            #expect(WebURL.parse("http://h/" + up)?.href == "http://h/")
            let mixed = String(repeating: "a/%2e%2E/./", count: 10_000)
            #expect(WebURL.parse("http://h/" + mixed + "z")?.href == "http://h/z")
            let deep = String(repeating: "a/", count: 30_000) + String(repeating: "../", count: 30_000)
            #expect(WebURL.parse("http://h/" + deep)?.href == "http://h/")
            let longSegment = "http://h/" + String(repeating: "b", count: 50_000) + String(repeating: "/..", count: 20_000)
            #expect(WebURL.parse(longSegment)?.href == "http://h/")
        }
    }

    @Test("many percent signs")
    func percents() {
        Self.bounded {
            let percents = String(repeating: "%", count: 50_000)
            #expect(WebURL.parse("http://h/" + percents)?.path.utf8.count == 50_001)
            #expect(WebURL.parse("http://h/?" + percents)?.dedupKey == "http://h/?" + percents)
            let escapes = String(repeating: "%7e%2f%zz%", count: 10_000)
            let url = WebURL.parse("http://h/" + escapes)
            #expect(url?.dedupKey == "http://h/" + String(repeating: "~%2F%zz%", count: 10_000))
            #expect(WebURL.parse("http://" + percents + "/") == nil)
            #expect(WebURL.parse("http://" + String(repeating: "%41", count: 30_000) + "/")?.host?.utf8.count == 30_000)
        }
    }

    @Test("NUL and control bytes")
    func controls() {
        #expect(WebURL.parse("http://h/a\0b?c\0d#e\0f")?.href == "http://h/a%00b?c%00d#e%00f")
        #expect(WebURL.parse("http://h\0st/") == nil)
        #expect(WebURL.parse("http://h%00st/") == nil)
        #expect(WebURL.parse("\0\u{1}http://h/\u{1F}\0")?.href == "http://h/")
        #expect(WebURL.parse("http://h/\u{7F}\u{1B}[31m")?.path == "/%7F%1B[31m")
        #expect(WebURL.parse("\0") == nil)
        #expect(WebURL.parse("") == nil)
        #expect(WebURL.parse("", base: Self.base) == Self.base)
    }

    @Test("invalid UTF-8 through the byte API")
    func invalidUTF8() {
        let cases: [[UInt8]] = [
            Array("http://h/".utf8) + [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80],
            Array("http://h/?q=".utf8) + [0xC3],
            Array("http://h/#".utf8) + [0xF8, 0x88, 0x80, 0x80, 0x80],
        ]
        #expect(WebURL.parse(utf8: cases[0], base: nil)?.path == "/%FF%FE%C0%80%ED%A0%80")
        #expect(WebURL.parse(utf8: cases[1], base: nil)?.query == "q=%C3")
        #expect(WebURL.parse(utf8: cases[2], base: nil)?.fragment == "%F8%88%80%80%80")
        // In a host, invalid UTF-8 (raw or percent-encoded) is a failure.
        #expect(WebURL.parse(utf8: Array("http://a".utf8) + [0xFF] + Array(".com/".utf8), base: nil) == nil)
        #expect(WebURL.parse("http://a%ff.com/") == nil)
        #expect(WebURL.parse("http://%c3/") == nil)
        for url in cases.compactMap({ WebURL.parse(utf8: $0, base: nil) }) {
            #expect(url.href.utf8.allSatisfy { $0 < 0x80 }, "serialisation must be ASCII")
        }
        // Every byte value alone, after a scheme, and as a host: never a crash.
        for value in 0...255 {
            _ = WebURL.parse(utf8: [UInt8(value)], base: Self.base)
            _ = WebURL.parse(utf8: Array("http://".utf8) + [UInt8(value)], base: nil)
            _ = WebURL.parse(utf8: Array("http://h/".utf8) + [UInt8(value), 0x2E, 0x2E], base: nil)
        }
    }

    @Test("odd Unicode scalars")
    func oddScalars() {
        #expect(WebURL.parse("http://h/\u{FFFF}\u{10FFFF}\u{FEFF}")?.path == "/%EF%BF%BF%F4%8F%BF%BF%EF%BB%BF")
        #expect(WebURL.parse("http://\u{FFFF}/") == nil)
        #expect(WebURL.parse("http://\u{10FFFF}/") == nil)
        #expect(WebURL.parse("http://\u{E000}/") == nil)            // private use
        #expect(WebURL.parse("http://\u{301}a/") == nil)            // leading combining mark
        #expect(WebURL.parse("http://a\u{202E}b/") == nil)          // bidi override
        #expect(WebURL.parse("http://\u{200D}/") == nil)            // lone joiner
        #expect(WebURL.parse("http://\u{2028}/") == nil)            // line separator
        #expect(WebURL.parse("http://\u{FEFF}\u{200B}/") == nil)    // maps to nothing: empty host
        #expect(WebURL.parse("http://ÉCOLE.fr/")?.host == "xn--cole-9oa.fr")
        #expect(WebURL.parse("http://ÉCOLE.fr/")?.host == WebURL.parse("http://xn--cole-9oa.fr/")?.host)
        #expect(WebURL.parse("http://münchen.de/")?.host == "xn--mnchen-3ya.de")
        #expect(WebURL.parse("http://ℌ.com/") == nil)               // needs a mapping table: refused, not guessed
        #expect(WebURL.parse("http://👍🏽.ws/")?.host == "xn--on8h5e.ws")
    }

    @Test("hostile hosts, ports and Punycode")
    func hostileHosts() {
        Self.bounded {
            #expect(WebURL.parse("http://h:99999999999999999999999/") == nil)
            #expect(WebURL.parse("http://h:" + String(repeating: "0", count: 100_000) + "81/")?.port == 81)
            #expect(WebURL.parse("http://" + String(repeating: "9", count: 100_000) + "/") == nil)
            #expect(WebURL.parse("http://0x" + String(repeating: "0", count: 100_000) + "1/")?.host == "0.0.0.1")
            #expect(WebURL.parse("http://" + String(repeating: "1.", count: 50_000) + "/") == nil)
            #expect(WebURL.parse("http://[" + String(repeating: "1:", count: 50_000) + "]/") == nil)
            #expect(WebURL.parse("http://[" + String(repeating: ":", count: 1000) + "]/") == nil)
            #expect(WebURL.parse("http://" + String(repeating: "@", count: 100_000) + "h/")?.username.utf8.count == 3 * 99_999)
            #expect(WebURL.parse("http://xn--" + String(repeating: "9", count: 5000) + "/") == nil)
            #expect(WebURL.parse("http://xn--" + String(repeating: "a", count: 4000) + "-/") == nil)
            #expect(WebURL.parse("http://xn--zzzzzzzzzzzzzzzzzzzzz/") == nil)
            // Non-ASCII labels beyond the Punycode length cap are refused in bounded time.
            let wide = String(String.UnicodeScalarView((0x4E00..<(0x4E00 + 30_000)).compactMap(Unicode.Scalar.init)))
            #expect(WebURL.parse("http://" + wide + "/") == nil)
            let oneLabel = String(String.UnicodeScalarView((0x4E00..<(0x4E00 + 1000)).compactMap(Unicode.Scalar.init)))
            #expect(WebURL.parse("http://" + oneLabel + ".cn/")?.host?.hasPrefix("xn--") == true)
            // Many short non-ASCII labels are fine: the cap is per label.
            let labels = Array(repeating: "ü", count: 20_000).joined(separator: ".")
            #expect(WebURL.parse("http://" + labels + "/")?.host?.utf8.count == 20_000 * 8 - 1)
        }
    }

    @Test("inputs above the size cap are refused")
    func sizeCap() {
        let huge = [UInt8](repeating: 0x61, count: WebURL.maxInputLength + 1)
        #expect(WebURL.parse(utf8: huge, base: Self.base) == nil)
    }
}
