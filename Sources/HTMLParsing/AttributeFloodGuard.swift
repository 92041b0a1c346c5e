#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds start tags with so many attributes that libxml2 2.9.x would take quadratic time on them.
///
/// `htmlParseStartTag` compares every new attribute name with all earlier ones, so one tag with
/// N attributes costs N²/2 comparisons: measured, a 0.9 MB tag of 100,000 attributes took 20 s,
/// and no callback runs while it happens. This pre-pass follows libxml2 2.9.14's own tokenizer
/// closely enough to count attributes per start tag and returns the offsets at which a `>` must
/// be written (on a copy) to end such a tag after ``maxAttributesPerTag`` attributes; the rest
/// of its attribute list then reads as text. Where its reading of the markup could differ from
/// libxml2's, it errs towards scanning more (a comment or declaration ends at the earliest
/// plausible point), so it may cut a tag libxml2 would have ignored but never misses one
/// libxml2 would parse. It runs on the UTF-8 text libxml2 will parse (every body is decoded to
/// UTF-8 first), so it applies whatever the page's encoding.
enum AttributeFloodGuard {
    /// Real tags have a few dozen attributes at most; 256 keeps the worst document (all tags at
    /// the cap) linear with a small constant.
    static let maxAttributesPerTag = 256

    /// Offsets (ascending) where a `>` must replace the byte; empty for ordinary documents.
    static func cutOffsets(_ bytes: UnsafeRawBufferPointer) -> [Int] {
        guard let raw = bytes.baseAddress else { return [] }
        var scanner = Scanner(base: raw.assumingMemoryBound(to: UInt8.self), end: bytes.count)
        scanner.run()
        return scanner.cuts
    }

    private struct Scanner {
        let base: UnsafePointer<UInt8>
        let end: Int
        var cuts: [Int] = []

        init(base: UnsafePointer<UInt8>, end: Int) {
            self.base = base
            self.end = end
        }

        mutating func run() {
            var index = 0
            while let open = find(UInt8(ascii: "<"), from: index) {
                guard open + 1 < end else { return }
                let next = base[open + 1]
                if isLetter(next) {
                    index = startTag(at: open + 1)
                } else if next == UInt8(ascii: "/") {
                    index = endTag(at: open + 2)
                } else if next == UInt8(ascii: "!") {
                    index = declaration(at: open + 2)
                } else if next == UInt8(ascii: "?"), open + 2 < end,
                          isLetter(base[open + 2]) || base[open + 2] == UInt8(ascii: "_") || base[open + 2] == UInt8(ascii: ":") {
                    // A processing instruction with a valid target runs to the next `>`;
                    // libxml2 consumes only `<?` otherwise.
                    index = find(UInt8(ascii: ">"), from: open + 2).map { $0 + 1 } ?? end
                } else {
                    index = open + 1  // a lone `<` is text
                }
            }
        }

        /// `</name ... >`: libxml2 (recovering) skips to the next `>` after a name, quotes or
        /// not; `</` without a name is consumed alone.
        private func endTag(at start: Int) -> Int {
            guard start < end, isNameStart(base[start]) else { return start }
            return find(UInt8(ascii: ">"), from: start).map { $0 + 1 } ?? end
        }

        /// `<!--` comments and `<!DOCTYPE`; any other `<!` is text to libxml2.
        private func declaration(at start: Int) -> Int {
            if start + 1 < end, base[start] == UInt8(ascii: "-"), base[start + 1] == UInt8(ascii: "-") {
                return commentEnd(from: start + 2)
            }
            if hasPrefix(at: start, caseInsensitive: "doctype") {
                // libxml2 reads at least to the first `>` (further through quoted literals).
                return find(UInt8(ascii: ">"), from: start).map { $0 + 1 } ?? end
            }
            return start - 1
        }

        /// The earliest of `-->`, `--!>`, and the abrupt `<!-->` / `<!--->` forms.
        private func commentEnd(from start: Int) -> Int {
            if start < end, base[start] == UInt8(ascii: ">") { return start + 1 }
            if start + 1 < end, base[start] == UInt8(ascii: "-"), base[start + 1] == UInt8(ascii: ">") { return start + 2 }
            var index = start
            while let gt = find(UInt8(ascii: ">"), from: index) {
                if gt >= start + 2, base[gt - 1] == UInt8(ascii: "-"), base[gt - 2] == UInt8(ascii: "-") { return gt + 1 }
                if gt >= start + 3, base[gt - 1] == UInt8(ascii: "!"), base[gt - 2] == UInt8(ascii: "-"),
                   base[gt - 3] == UInt8(ascii: "-") { return gt + 1 }
                index = gt + 1
            }
            return end
        }

        /// A start tag whose name begins at `nameStart`; returns where content resumes.
        private mutating func startTag(at nameStart: Int) -> Int {
            var index = nameStart
            while index < end, isNameChar(base[index]) { index += 1 }
            let nameLength = index - nameStart
            var count = 0
            let isRawText = equalsCaseInsensitive(nameStart, nameLength, "script")
                || equalsCaseInsensitive(nameStart, nameLength, "style")
            while true {
                while index < end, isBlank(base[index]) { index += 1 }
                guard index < end else { return end }
                let byte = base[index]
                if byte == UInt8(ascii: ">") {
                    return isRawText ? rawTextEnd(from: index + 1, nameStart: nameStart, nameLength: nameLength) : index + 1
                }
                if byte == UInt8(ascii: "/"), index + 1 < end, base[index + 1] == UInt8(ascii: ">") {
                    return index + 2
                }
                guard isNameStart(byte) else {
                    // A bogus attribute is skipped up to a blank or the end of the tag.
                    while index < end, !isBlank(base[index]), base[index] != UInt8(ascii: ">"),
                          !(base[index] == UInt8(ascii: "/") && index + 1 < end && base[index + 1] == UInt8(ascii: ">")) {
                        index += 1
                    }
                    continue
                }
                let attributeStart = index
                while index < end, isNameChar(base[index]) { index += 1 }
                count += 1
                if count > maxAttributesPerTag {
                    cuts.append(attributeStart)
                    return isRawText ? rawTextEnd(from: attributeStart + 1, nameStart: nameStart, nameLength: nameLength) : attributeStart + 1
                }
                while index < end, isBlank(base[index]) { index += 1 }
                guard index < end, base[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < end, isBlank(base[index]) { index += 1 }
                guard index < end else { return end }
                let quote = base[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    index = find(quote, from: index + 1).map { $0 + 1 } ?? end
                } else {
                    while index < end, !isBlank(base[index]), base[index] != UInt8(ascii: ">") { index += 1 }
                }
            }
        }

        /// `<script>`/`<style>` content ends only at `</script` / `</style` (recovery mode).
        private func rawTextEnd(from start: Int, nameStart: Int, nameLength: Int) -> Int {
            var index = start
            while let open = find(UInt8(ascii: "<"), from: index) {
                if open + 1 + nameLength < end, base[open + 1] == UInt8(ascii: "/") {
                    var matches = true
                    for offset in 0..<nameLength where lower(base[open + 2 + offset]) != lower(base[nameStart + offset]) {
                        matches = false
                        break
                    }
                    if matches { return open }
                }
                index = open + 1
            }
            return end
        }

        // MARK: Bytes

        private func find(_ byte: UInt8, from start: Int) -> Int? {
            guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }

        private func hasPrefix(at start: Int, caseInsensitive literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard start + count <= end else { return false }
            return equalsCaseInsensitive(start, count, literal)
        }

        private func equalsCaseInsensitive(_ start: Int, _ length: Int, _ literal: StaticString) -> Bool {
            guard length == literal.utf8CodeUnitCount else { return false }
            for offset in 0..<length where lower(base[start + offset]) != literal.utf8Start[offset] { return false }
            return true
        }

        @inline(__always) private func lower(_ byte: UInt8) -> UInt8 { ASCIIBytes.lower(byte) }
        /// libxml2's IS_BLANK_CH (no form feed, unlike HTML).
        @inline(__always) private func isBlank(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
        @inline(__always) private func isLetter(_ byte: UInt8) -> Bool {
            let folded = byte | 0x20
            return folded >= 0x61 && folded <= 0x7A
        }
        @inline(__always) private func isNameStart(_ byte: UInt8) -> Bool {
            isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
        }
        @inline(__always) private func isNameChar(_ byte: UInt8) -> Bool {
            isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
        }
    }
}
