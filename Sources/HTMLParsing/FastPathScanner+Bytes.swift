#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes the fast path compares against.
enum HTMLByte {
    static let lt = UInt8(ascii: "<")
    static let gt = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let bang = UInt8(ascii: "!")
    static let dash = UInt8(ascii: "-")
    static let equals = UInt8(ascii: "=")
    static let amp = UInt8(ascii: "&")
    static let hash = UInt8(ascii: "#")
    static let semicolon = UInt8(ascii: ";")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let underscore = UInt8(ascii: "_")
    static let colon = UInt8(ascii: ":")
    static let dot = UInt8(ascii: ".")
}

/// Byte classes as libxml2 2.9.14's HTML parser uses them, and searching.
extension FastPathScanner {
    @inline(__always)
    func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    @inline(__always)
    func find(_ byte: UInt8, from start: Int, before stop: Int) -> Int? {
        guard start < stop, let found = memchr(base + start, Int32(byte), stop - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// libxml2's SKIP_BLANKS: space, tab, LF, CR (no form feed).
    @inline(__always)
    func skipBlanks(_ start: Int) -> Int {
        var index = start
        while index < end, isBlank(base[index]) { index += 1 }
        return index
    }

    @inline(__always)
    func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always)
    func isLetter(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return folded >= 0x61 && folded <= 0x7A
    }

    /// First character of `htmlParseHTMLName` (element and attribute names).
    @inline(__always)
    func isNameStart(_ byte: UInt8) -> Bool {
        isLetter(byte) || byte == HTMLByte.underscore || byte == HTMLByte.colon || byte == HTMLByte.dot
    }

    @inline(__always)
    func isNameChar(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == HTMLByte.dash
    }

    /// IS_CHAR_CH: the byte-level test libxml2's tag loops use (a control character stops them).
    @inline(__always)
    func isCharByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// IS_PUBIDCHAR_CH.
    func isPubidChar(_ byte: UInt8) -> Bool {
        if isLetter(byte) || (byte >= 0x30 && byte <= 0x39) { return true }
        switch byte {
        case 0x20, 0x0D, 0x0A, UInt8(ascii: "-"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "*"),
             UInt8(ascii: "#"), UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "_"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    /// U+FFFE or U+FFFF (EF BF BE / EF BF BF) at `index`: valid UTF-8 but not an XML Char.
    @inline(__always)
    func isNonCharacterFFFx(_ index: Int) -> Bool {
        index + 2 < end && base[index] == 0xEF && base[index + 1] == 0xBF && base[index + 2] >= 0xBE
    }

    /// Whether `start..<stop` holds a character that is not an XML Char (a control character
    /// other than tab, LF, CR, or U+FFFE/U+FFFF); the input is valid UTF-8 without NUL.
    func containsNonCharacter(_ start: Int, _ stop: Int) -> Bool {
        var index = start
        while index < stop {
            let byte = base[index]
            if byte < 0x20 {
                if byte != 0x09, byte != 0x0A, byte != 0x0D { return true }
            } else if byte == 0xEF, isNonCharacterFFFx(index) {
                return true
            }
            index += 1
        }
        return false
    }

    /// Whether the `length` bytes at `first` and at `second` are equal ignoring ASCII case.
    @inline(__always)
    func equalsIgnoringCase(_ first: Int, _ second: Int, _ length: Int) -> Bool {
        for offset in 0..<length where ASCIIBytes.lower(base[first + offset]) != ASCIIBytes.lower(base[second + offset]) {
            return false
        }
        return true
    }

    /// Whether the input at `start` begins with `literal` (lowercase ASCII), ignoring case.
    func hasPrefixIgnoringCase(at start: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard start + count <= end else { return false }
        let expected = literal.utf8Start
        for offset in 0..<count where ASCIIBytes.lower(base[start + offset]) != expected[offset] { return false }
        return true
    }
}
