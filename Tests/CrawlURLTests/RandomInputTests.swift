import Testing
@testable import CrawlURL

/// Deterministic random inputs built from the characters the parser branches on. Properties: no
/// crash, ASCII output, and re-parsing `href` gives `href` back (the serialisation is canonical).
@Suite("Random inputs")
struct RandomInputTests {
    /// SplitMix64: a fixed seed keeps failures reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "http:", "https:", "HTTP:", "mailto:", "sc:", "file:", "//", "/", "\\", "?", "#", "%", "%2e", "%2E", ".", "..",
        ":", "@", "[", "]", "::1", "1.2", "0x", "xn--", "a", "B", "9", " ", "\t", "\0", "é", "☃", "ß", "%41", "%zz",
        "%c3%a9", "８", "。", "\u{FEFF}", "-", "~", "'", "\"", "<", "|", "^",
    ]

    @Test("20,000 random inputs: no crash, ASCII, idempotent")
    func randomInputs() {
        var rng = SplitMix(state: 0x5EED)
        let bases = [nil, WebURL.parse("http://example.com/a/b?c#d"), WebURL.parse("sc://h/p/q"), WebURL.parse("mailto:x")]
        var parsed = 0
        var problems: [String] = []
        for _ in 0..<20_000 {
            var input = ""
            for _ in 0..<Int.random(in: 1...12, using: &rng) { input += Self.pieces.randomElement(using: &rng)! }
            let base = bases.randomElement(using: &rng)!
            guard let url = WebURL.parse(input, base: base) else { continue }
            parsed += 1
            if !url.href.utf8.allSatisfy({ $0 < 0x80 }) { problems.append("non-ASCII href for \(input.debugDescription)") }
            let again = WebURL.parse(url.href)
            if again?.href != url.href {
                problems.append("\(input.debugDescription) base \(base?.href ?? "nil") -> \(url.href.debugDescription) -> \(again?.href.debugDescription ?? "failure")")
            }
            if let again, again.host != url.host || again.path != url.path || again.query != url.query || again.fragment != url.fragment {
                problems.append("components differ after re-parse: \(url.href.debugDescription)")
            }
        }
        for problem in problems.prefix(20) { print("  \(problem)") }
        #expect(problems.isEmpty)
        #expect(parsed > 5_000, "the generator should produce many valid URLs, got \(parsed)")
    }
}
