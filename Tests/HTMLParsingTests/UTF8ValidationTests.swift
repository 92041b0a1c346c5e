@testable import HTMLParsing
import Testing

/// `UTF8Validation.firstProblem` skips ASCII by blocks and checks the rest with an automaton in
/// windows; these tests compare it, at every alignment against those blocks and windows, with a
/// byte-by-byte reference written from Unicode's table of well-formed sequences (Table 3-7).
@Suite("UTF8Validation")
struct UTF8ValidationTests {
    // MARK: Reference and comparison

    /// The offset of the first byte starting an ill-formed or truncated sequence (or a NUL, when
    /// `rejectingNUL`), one byte at a time. Written independently of the code under test.
    static func referenceProblem(_ bytes: [UInt8], rejectingNUL: Bool) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead == 0, rejectingNUL { return index }
            if lead < 0x80 {
                index += 1
                continue
            }
            let trailing: Int
            let second: ClosedRange<UInt8>
            switch lead {
            case 0xC2...0xDF: (trailing, second) = (1, 0x80...0xBF)
            case 0xE0: (trailing, second) = (2, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (trailing, second) = (2, 0x80...0xBF)
            case 0xED: (trailing, second) = (2, 0x80...0x9F)
            case 0xF0: (trailing, second) = (3, 0x90...0xBF)
            case 0xF1...0xF3: (trailing, second) = (3, 0x80...0xBF)
            case 0xF4: (trailing, second) = (3, 0x80...0x8F)
            default: return index
            }
            guard index + trailing < bytes.count, second.contains(bytes[index + 1]) else { return index }
            for offset in stride(from: 2, through: trailing, by: 1) where !(0x80...0xBF).contains(bytes[index + offset]) {
                return index
            }
            index += trailing + 1
        }
        return nil
    }

    /// Counts comparisons and keeps the first few disagreements, so a failure names its input.
    final class Comparison {
        private(set) var compared = 0
        private(set) var mismatches: [String] = []

        func check(_ bytes: [UInt8]) {
            for rejectingNUL in [false, true] {
                compared += 1
                let expected = UTF8ValidationTests.referenceProblem(bytes, rejectingNUL: rejectingNUL)
                let actual = bytes.withUnsafeBytes { UTF8Validation.firstProblem($0, rejectingNUL: rejectingNUL) }
                if actual != expected, mismatches.count < 10 {
                    let hex = bytes.map { String($0, radix: 16) }.joined(separator: " ")
                    mismatches.append("rejectingNUL \(rejectingNUL): got \(String(describing: actual)), expected \(String(describing: expected)) for [\(hex)]")
                }
            }
            let valid = bytes.withUnsafeBytes(UTF8Validation.isValid)
            if valid != (UTF8ValidationTests.referenceProblem(bytes, rejectingNUL: false) == nil), mismatches.count < 10 {
                mismatches.append("isValid \(valid) for \(bytes)")
            }
        }

        /// `middle` after 0 to 40 ASCII bytes and before a few, so it crosses every block (32),
        /// word (8) and window (16) boundary, and ends at the buffer's end too.
        func checkShifted(_ middle: [UInt8], prefixes: [Int] = Array(0...40), suffixes: [Int] = [0, 1, 17]) {
            for prefix in prefixes {
                for suffix in suffixes {
                    check(Array(repeating: 0x61, count: prefix) + middle + Array(repeating: 0x62, count: suffix))
                }
            }
        }

        var report: Comment { Comment(rawValue: mismatches.joined(separator: "\n")) }
    }

    // MARK: Sequence classes

    /// Every lead byte with second bytes at the edges of every range Table 3-7 uses, and third and
    /// fourth bytes just inside and outside 80...BF, alone and between CJK text.
    @Test func everyLeadWithEdgeContinuations() {
        let comparison = Comparison()
        let seconds: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF4, 0xFF]
        let laters: [UInt8] = [0x7F, 0x80, 0xBF, 0xC0]
        let cjk = Array("東京".utf8)
        for lead in UInt8.min...UInt8.max {
            for second in seconds {
                for third in laters {
                    // The fourth byte matters only after F0...FF.
                    for fourth in lead >= 0xF0 ? laters : [0x80] {
                        let sequence = [lead, second, third, fourth]
                        comparison.checkShifted(sequence, prefixes: [0, 13, 15, 31], suffixes: [0, 3])
                        comparison.check(cjk + sequence + cjk)
                    }
                }
            }
        }
        // Each well-formed class at its exact bounds, and just outside them (overlong, surrogate,
        // above U+10FFFF), at all shifts, whole and cut short.
        let valid: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE0, 0xBF, 0xBF], [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF],
            [0xED, 0x80, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF0, 0xBF, 0xBF, 0xBF], [0xF1, 0x80, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF], [0xF4, 0x80, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        let invalid: [[UInt8]] = [
            [0xC1, 0xBF], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        ]
        for sequence in valid { #expect(sequence.withUnsafeBytes(UTF8Validation.isValid), "\(sequence)") }
        for sequence in invalid {
            #expect(sequence.withUnsafeBytes { UTF8Validation.firstProblem($0, rejectingNUL: false) } == 0, "\(sequence)")
        }
        for sequence in valid + invalid {
            for length in 1...sequence.count {
                comparison.checkShifted(Array(sequence.prefix(length)))
                comparison.checkShifted(Array(sequence.prefix(length)) + sequence)
            }
        }
        print("UTF8Validation sequence classes: \(comparison.compared) comparisons")
        #expect(comparison.compared > 300_000)
        #expect(comparison.mismatches.isEmpty, comparison.report)
    }

    /// The reference itself on known answers, so the differential tests cannot pass by sharing a bug.
    @Test func referenceKnownAnswers() {
        let cases: [([UInt8], Int?)] = [
            (Array("aé東😀".utf8), nil), ([0xF4, 0x8F, 0xBF, 0xBF], nil), ([0xEF, 0xBF, 0xBF], nil),
            ([0x61, 0xC0, 0x80], 1), ([0xE0, 0x80, 0x80], 0), ([0xED, 0xA0, 0x80], 0), ([0xF4, 0x90, 0x80, 0x80], 0),
            ([0xF5, 0x80, 0x80, 0x80], 0), ([0x61, 0x80], 1), ([0x61, 0x62, 0xE6, 0x9D], 2), ([0xC3, 0xA9, 0xC3], 2),
        ]
        for (bytes, expected) in cases {
            #expect(Self.referenceProblem(bytes, rejectingNUL: false) == expected, "\(bytes)")
            #expect(bytes.withUnsafeBytes { UTF8Validation.firstProblem($0, rejectingNUL: false) } == expected, "\(bytes)")
            #expect((String(validating: bytes, as: UTF8.self) != nil) == (expected == nil), "\(bytes)")
        }
        #expect(Self.referenceProblem([0x61, 0x00], rejectingNUL: true) == 1)
        #expect(Self.referenceProblem([0x61, 0x00], rejectingNUL: false) == nil)
    }

    // MARK: Buffer ends, NULs

    /// Buffers of 0 to 70 bytes (ASCII, two-byte or CJK filler) ending in each sequence complete
    /// or cut after each of its bytes, so the tail of every block, word and window size is hit.
    @Test func truncationAtEveryEnd() {
        let comparison = Comparison()
        let endings: [[UInt8]] = [
            Array("é".utf8), Array("東".utf8), Array("😀".utf8), [0xF4, 0x8F, 0xBF, 0xBF], [0xE0, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0x80],
        ]
        let fillers: [[UInt8]] = [Array("a".utf8), Array("é".utf8), Array("東".utf8), Array("a東é".utf8)]
        for length in 0...70 {
            for filler in fillers {
                for ending in endings {
                    for kept in 1...ending.count where kept <= length {
                        // Whole filler characters, then ASCII to reach `length` exactly.
                        let room = length - kept
                        var body = Array(Array(repeating: filler, count: room / filler.count + 1).joined())
                        body = Array(body.prefix(room))
                        while let last = body.last, last >= 0x80 {
                            // Drop a partial character the cut left, padding with ASCII.
                            var start = body.count - 1
                            while start > 0, body[start] & 0xC0 == 0x80 { start -= 1 }
                            let width = UTF8Validation.expectedLength(lead: body[start])
                            if body.count - start == width { break }
                            body.removeSubrange(start...)
                        }
                        body += Array(repeating: 0x61, count: room - body.count)
                        comparison.check(body + ending.prefix(kept))
                    }
                }
            }
        }
        print("UTF8Validation truncations: \(comparison.compared) comparisons")
        #expect(comparison.mismatches.isEmpty, comparison.report)
    }

    /// A NUL at every position of mixed buffers of 0 to 70 bytes (inside a sequence it also breaks
    /// the sequence, which the reference decides too).
    @Test func nulAtEveryPosition() {
        let comparison = Comparison()
        let text = Array("<p>über 東京 naïve 😀 façade données</p><a href=\"/x\">ü</a>東京東京東京 plain ascii tail".utf8)
        for length in 0...70 {
            let base = Array(text.prefix(length))
            comparison.check(base)
            for position in 0..<length {
                var bytes = base
                bytes[position] = 0
                comparison.check(bytes)
                // And two NULs, the later one first found only in NUL-allowing scans.
                if position + 9 < length {
                    bytes[position + 9] = 0
                    comparison.check(bytes)
                }
            }
        }
        print("UTF8Validation NULs: \(comparison.compared) comparisons")
        #expect(comparison.mismatches.isEmpty, comparison.report)
    }

    // MARK: Random and realistic buffers

    @Test func randomBuffers() {
        let comparison = Comparison()
        var rng = SplitMix64(seed: 0x07F8_2026)
        let pieces: [[UInt8]] = [
            Array("<a href=\"/p/1.html\">".utf8), Array(" text ".utf8), Array("é".utf8), Array("ß".utf8), Array("東京".utf8),
            Array("한".utf8), Array("😀".utf8), Array("\u{10FFFF}".utf8), Array("\u{FFFF}".utf8), Array("\u{800}".utf8),
            [0x00], [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80], [0xFF], [0xE6], [0xE6, 0x9D], [0xF0, 0x9F], [0xF0, 0x9F, 0x98],
        ]
        var validCount = 0
        for round in 0..<4_000 {
            var bytes: [UInt8] = []
            let target = rng.below(round % 4 == 0 ? 300 : 80)
            // Mostly valid pieces, so the first problem lands anywhere, not only near the start.
            let cleanPieces = rng.chance(50) ? 9 : pieces.count
            while bytes.count < target {
                if rng.chance(30) {
                    bytes += Array(repeating: UInt8(0x61 + rng.below(26)), count: rng.below(40))
                } else if rng.chance(97) {
                    bytes += pieces[rng.below(cleanPieces)]
                } else {
                    bytes += pieces[rng.below(pieces.count)]
                }
            }
            if rng.chance(20), !bytes.isEmpty { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.chance(10) { bytes = Array(bytes.prefix(rng.below(bytes.count + 1))) }
            comparison.check(bytes)
            let valid = bytes.withUnsafeBytes(UTF8Validation.isValid)
            if valid { validCount += 1 }
            #expect(valid == (String(validating: bytes, as: UTF8.self) != nil))
        }
        print("UTF8Validation random: \(comparison.compared) comparisons, \(validCount) of 4000 buffers valid")
        // Both verdicts must be well represented, or the test proves little.
        #expect(validCount > 400 && validCount < 3_600)
        #expect(comparison.mismatches.isEmpty, comparison.report)
    }

    /// Benchmark-style pages (generated, and the benchmark's own when a run left them on this
    /// machine): as they are, cut at many places, and with one bad byte at many places.
    @Test func benchmarkPages() {
        let comparison = Comparison()
        var rng = SplitMix64(seed: 18_080)
        var pages = (1...12).map { FastPathDocuments.benchmarkPage(&rng, index: $0) }
        let sample = "/tmp/crawl-bench/site-p20000-h8-b18080-l20-L16-s7/h0/p"
        for file in RepositoryFiles.files(in: sample).prefix(12) {
            if let bytes = RepositoryFiles.read(file) { pages.append(bytes) }
        }
        for (number, page) in pages.enumerated() {
            comparison.check(page)
            let valid = page.withUnsafeBytes(UTF8Validation.isValid)
            #expect(valid, "page \(number) is valid UTF-8")
            for _ in 0..<12 {
                let position = rng.below(page.count)
                comparison.check(Array(page.prefix(position)))
                var broken = page
                broken[position] = rng.pick([0x00, 0x80, 0xC0, 0xE0, 0xED, 0xF4, 0xFF])
                comparison.check(broken)
            }
        }
        print("UTF8Validation benchmark pages: \(pages.count) pages, \(comparison.compared) comparisons")
        #expect(comparison.mismatches.isEmpty, comparison.report)
    }
}
