/// Fast UTF-8 checks over raw bytes (no allocation).
///
/// Every document reaches libxml2 as UTF-8. Bodies that are already valid UTF-8 without NUL bytes
/// (nearly all of them) are handed over as they are; this scan is what decides that, so it skips
/// ASCII 32 bytes at a time.
enum UTF8Validation {
    /// Whether `bytes` is valid UTF-8 (NUL bytes allowed).
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstProblem(bytes, rejectingNUL: false) == nil
    }

    /// The offset of the first byte that starts an invalid (or truncated) sequence or, when
    /// `rejectingNUL`, is a NUL; nil when there is none.
    static func firstProblem(_ bytes: UnsafeRawBufferPointer, rejectingNUL: Bool) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            // Markup is mostly ASCII: skip it 32, then 8 bytes at a time.
            while index + 32 <= count {
                let a = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let b = base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                let c = base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                let d = base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
                var flags = (a | b | c | d) & highBits
                if rejectingNUL { flags |= zeroByteFlags(a) | zeroByteFlags(b) | zeroByteFlags(c) | zeroByteFlags(d) }
                guard flags == 0 else { break }
                index += 32
            }
            while index + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let flags = word & highBits | (rejectingNUL ? zeroByteFlags(word) : 0)
                guard flags == 0 else { break }
                index += 8
            }
            guard index < count else { break }
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            if lead < 0x80 {
                if lead == 0, rejectingNUL { return index }
                index += 1
                continue
            }
            let length = sequenceLength(base.assumingMemoryBound(to: UInt8.self) + index, available: count - index)
            guard length > 0 else { return index }
            index += length
        }
        return nil
    }

    /// Whether an 8-byte word holds a byte >= 0x80 or a zero byte.
    @inline(__always)
    static func hasNonASCIIOrZeroByte(_ word: UInt64) -> Bool {
        (word & highBits) | zeroByteFlags(word) != 0
    }

    /// The length of the valid multi-byte sequence at `pointer` (lead byte >= 0x80), or 0 when it
    /// is invalid or runs past `available` bytes. Follows Unicode's table of well-formed
    /// sequences: no overlong forms, no surrogates, nothing above U+10FFFF.
    @inline(__always)
    static func sequenceLength(_ pointer: UnsafePointer<UInt8>, available: Int) -> Int {
        let length = expectedLength(lead: pointer[0])
        guard length > 0 else { return 0 }
        for offset in 1..<length {
            guard offset < available, isValidContinuation(pointer[offset], lead: pointer[0], offset: offset) else {
                return 0
            }
        }
        return length
    }

    /// 2, 3 or 4 for a valid lead byte, 0 otherwise (ASCII is not a lead byte here).
    @inline(__always)
    static func expectedLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// Whether `byte` may stand at `offset` (1...3) of a sequence starting with `lead`; the
    /// second byte's range depends on the lead.
    @inline(__always)
    static func isValidContinuation(_ byte: UInt8, lead: UInt8, offset: Int) -> Bool {
        guard offset == 1 else { return byte & 0xC0 == 0x80 }
        switch lead {
        case 0xE0: return byte >= 0xA0 && byte <= 0xBF  // no overlong forms
        case 0xED: return byte >= 0x80 && byte <= 0x9F  // no surrogates
        case 0xF0: return byte >= 0x90 && byte <= 0xBF  // no overlong forms
        case 0xF4: return byte >= 0x80 && byte <= 0x8F  // nothing above U+10FFFF
        default: return byte & 0xC0 == 0x80
        }
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// Nonzero exactly when some byte of `word` is zero (the classic "has zero byte" test; which
    /// bits are set may be inexact, but only whether any is matters here).
    @inline(__always)
    private static func zeroByteFlags(_ word: UInt64) -> UInt64 {
        (word &- lowBits) & ~word & highBits
    }
}
