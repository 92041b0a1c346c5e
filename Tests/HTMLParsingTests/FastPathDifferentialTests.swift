@testable import HTMLParsing
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path must give libxml2's answer whenever it does not decline a document: each test
/// runs both paths alone (`.fastPathOnly`, `.libxml2Only`) and compares the summaries field by field.
@Suite("Fast path: differential against libxml2")
struct FastPathDifferentialTests {
    @Test func snippetsFromTheOtherTests() {
        let comparison = FastPathComparison()
        var snippets = 0
        for file in RepositoryFiles.files(in: RepositoryFiles.testsFolder()) where file.hasSuffix(".swift") {
            guard let source = RepositoryFiles.read(file) else { continue }
            for literal in SwiftStringLiterals.extract(from: source) where literal.contains(UInt8(ascii: "<")) {
                snippets += 1
                comparison.compare(literal)
            }
        }
        print("FastPath differential, test snippets: \(comparison.compared) compared, \(comparison.fastPathTaken) on the fast path")
        #expect(snippets > 100, "the test sources were not found")
        #expect(comparison.mismatches.count == 0, Comment(rawValue: comparison.mismatchReport))
    }

    @Test func generatedDocuments() {
        let comparison = FastPathComparison()
        let small = FastPathComparison(maxLinks: 3)
        // FASTPATH_DIFF_ROUNDS / FASTPATH_DIFF_SEED widen a local run; the default stays ~1 s.
        let rounds = environmentInt("FASTPATH_DIFF_ROUNDS") ?? 4_000
        var rng = SplitMix64(seed: UInt64(environmentInt("FASTPATH_DIFF_SEED") ?? 0x5EED_F457))
        // Half the documents draw only from fragments the fast path accepts on their own, so that
        // many mixes get past it and are compared, not just declined.
        let probe = HTMLLinkExtractor()
        let accepted = FastPathDocuments.fragments.filter {
            probe.extract(Array(("<title>t</title>" + $0).utf8), charset: nil, path: .fastPathOnly) != nil
        }
        for round in 0..<rounds {
            let document = FastPathDocuments.random(&rng, pool: round % 2 == 0 ? FastPathDocuments.fragments : accepted)
            comparison.compare(document)
            small.compare(document)
        }
        print("FastPath differential, generated: \(comparison.compared) compared, \(comparison.fastPathTaken) on the fast path (maxLinks 3: \(small.fastPathTaken))")
        #expect(comparison.mismatches.count == 0, Comment(rawValue: comparison.mismatchReport))
        #expect(small.mismatches.count == 0, Comment(rawValue: small.mismatchReport))
        // The generator must reach both outcomes, or it tests nothing.
        #expect(comparison.fastPathTaken > comparison.compared / 10)
        #expect(comparison.fastPathTaken < comparison.compared)
    }

    /// Declared UTF-8 (the HTTP charset), the automatic path runs the fast path on the bytes as they
    /// are, unrepaired. Generated documents with invalid sequences put anywhere (inside characters,
    /// attribute values, references and the title too) must get libxml2's answer on repaired text.
    @Test func declaredUTF8WithInvalidBytesGetsLibxml2sAnswer() {
        let automatic = HTMLLinkExtractor()
        let reference = HTMLLinkExtractor()
        let rounds = environmentInt("FASTPATH_DIFF_ROUNDS") ?? 3_000
        var rng = SplitMix64(seed: UInt64(environmentInt("FASTPATH_DIFF_SEED") ?? 0xBAD_0078))
        let probe = HTMLLinkExtractor()
        let accepted = FastPathDocuments.fragments.filter {
            probe.extract(Array(("<title>t</title>" + $0).utf8), charset: nil, path: .fastPathOnly) != nil
        }
        let invalid: [[UInt8]] = [[0xFF], [0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xEF, 0xBF], [0x00], [0xC0, 0xAF], [0xF0, 0x9F, 0x98], [0xEF, 0xBF, 0xBE], [0xC3, 0xA9]]
        var fast = 0
        var mismatches: [String] = []
        for round in 0..<rounds {
            var document = FastPathDocuments.random(&rng, pool: round % 2 == 0 ? FastPathDocuments.fragments : accepted)
            for _ in 0..<(1 + rng.below(4)) {
                document.insert(contentsOf: rng.pick(invalid), at: rng.below(document.count + 1))
            }
            let summary = automatic.extract(document, charset: "utf-8")
            if automatic.lastPathWasFast { fast += 1 }
            let libxml2 = reference.extract(document, charset: "utf-8", path: .libxml2Only)
            if summary != libxml2, mismatches.count < 5 {
                mismatches.append("document: \(String(decoding: document, as: UTF8.self).debugDescription)\n  auto:    \(summary)\n  libxml2: \(String(describing: libxml2))")
            }
        }
        print("FastPath differential, declared UTF-8 with invalid bytes: \(rounds) compared, \(fast) on the fast path")
        #expect(mismatches.isEmpty, Comment(rawValue: mismatches.joined(separator: "\n")))
        #expect(fast > rounds / 10)
    }

    @Test func fuzzSeedsAndRegressions() {
        let comparison = FastPathComparison(maxLinks: 50)
        let root = RepositoryFiles.testsFolder() + "/../../Fuzz"
        let files = RepositoryFiles.files(in: root + "/Corpus/links") + RepositoryFiles.files(in: root + "/Regressions/links")
        for file in files {
            guard let bytes = RepositoryFiles.read(file) else { continue }
            // As in Fuzz/Targets/FuzzLinkExtractor.swift: "\u{1}label\n" first passes a charset.
            if bytes.count > 1, bytes[0] == 0x01, let newline = bytes.firstIndex(of: 0x0A), newline <= 41 {
                comparison.compare(Array(bytes[(newline + 1)...]), charset: String(decoding: bytes[1..<newline], as: UTF8.self))
            } else {
                comparison.compare(bytes)
            }
        }
        print("FastPath differential, fuzz corpus: \(comparison.compared) compared, \(comparison.fastPathTaken) on the fast path")
        #expect(files.count > 20, "the fuzz corpus was not found")
        #expect(comparison.mismatches.count == 0, Comment(rawValue: comparison.mismatchReport))
    }

    /// Benchmark-style pages must take the fast path (otherwise the optimisation is silently off).
    @Test func benchmarkStylePagesTakeTheFastPath() {
        let comparison = FastPathComparison()
        var rng = SplitMix64(seed: 20_000)
        for index in 1...100 {
            #expect(comparison.compare(FastPathDocuments.benchmarkPage(&rng, index: index)), "page \(index) declined")
        }
        // The generated site itself, when a benchmark run has left it on this machine.
        let sample = "/tmp/crawl-bench/site-p20000-h8-b18080-l20-L16-s7/h0/p"
        var onDisk = 0
        for file in RepositoryFiles.files(in: sample).prefix(300) {
            guard let bytes = RepositoryFiles.read(file) else { continue }
            onDisk += 1
            #expect(comparison.compare(bytes), "\(file) declined")
        }
        print("FastPath differential, benchmark pages: \(comparison.compared) compared (\(onDisk) from \(sample)), \(comparison.fastPathTaken) on the fast path")
        #expect(comparison.mismatches.count == 0, Comment(rawValue: comparison.mismatchReport))
    }

    @Test func realWorldStylePageTakesTheFastPath() {
        let comparison = FastPathComparison()
        #expect(comparison.compare(FastPathDocuments.realWorldPage))
        #expect(comparison.mismatches.count == 0, Comment(rawValue: comparison.mismatchReport))
        let summary = HTMLLinkExtractor().extract(Array(FastPathDocuments.realWorldPage.utf8), charset: nil)
        #expect(summary.title == "Widgets & Gadgets \u{2014} Example Store")
        #expect(summary.links.first?.url == "https://www.example.com/widgets/")
        #expect(summary.links.contains(HTMLLink(url: "https://twitter.com/example", kind: .a, nofollow: true)))
        #expect(summary.links.contains { $0.kind == .iframe })
        #expect(!summary.urls.contains("/not-a-link"))
    }
}

private func environmentInt(_ name: String) -> Int? {
    getenv(name).flatMap { Int(String(cString: $0)) }
}

/// The contents of the plain string literals in Swift source (no interpolation, no raw or
/// multi-line strings), escapes decoded.
enum SwiftStringLiterals {
    static func extract(from source: [UInt8]) -> [[UInt8]] {
        var literals: [[UInt8]] = []
        var index = 0
        while index < source.count {
            guard source[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            if index + 2 < source.count, source[index + 1] == UInt8(ascii: "\""), source[index + 2] == UInt8(ascii: "\"") {
                // A multi-line literal: skip to its end.
                var close = index + 3
                while close + 2 < source.count,
                      !(source[close] == UInt8(ascii: "\"") && source[close + 1] == UInt8(ascii: "\"") && source[close + 2] == UInt8(ascii: "\"")) {
                    close += 1
                }
                index = close + 3
                continue
            }
            var bytes: [UInt8] = []
            var valid = true
            var cursor = index + 1
            while cursor < source.count, source[cursor] != UInt8(ascii: "\""), source[cursor] != 0x0A {
                if source[cursor] == UInt8(ascii: "\\"), cursor + 1 < source.count {
                    let escaped = source[cursor + 1]
                    cursor += 2
                    switch escaped {
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "0"): bytes.append(0)
                    case UInt8(ascii: "u"):
                        guard cursor < source.count, source[cursor] == UInt8(ascii: "{"),
                              let close = source[cursor...].firstIndex(of: UInt8(ascii: "}")),
                              let value = UInt32(String(decoding: source[(cursor + 1)..<close], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(value) else {
                            valid = false
                            break
                        }
                        bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                        cursor = close + 1
                    case UInt8(ascii: "("): valid = false
                    default: bytes.append(escaped)
                    }
                } else {
                    bytes.append(source[cursor])
                    cursor += 1
                }
            }
            if valid { literals.append(bytes) }
            index = cursor + 1
        }
        return literals
    }
}
