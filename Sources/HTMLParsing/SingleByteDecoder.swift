/// Decodes the single-byte encodings that have a table here rather than in iconv: windows-1252
/// (what every ISO-8859-1 and US-ASCII label means on the web, and the default for pages that are
/// not UTF-8), and x-user-defined.
///
/// windows-1252 is the most common legacy encoding and the fallback for every unlabelled page that
/// is not UTF-8, so it gets a loop that copies ASCII eight bytes at a time.
enum SingleByteDecoder {
    enum Table: Hashable, Sendable {
        case windows1252
        /// Bytes 0x80-0xFF map to U+F780-U+F7FF (the Encoding Standard's x-user-defined).
        case xUserDefined
    }

    /// Appends the UTF-8 form of `input` to `output`; a NUL byte becomes U+FFFD, as libxml2 would
    /// otherwise drop everything after it. Returns false if the output memory cannot be had.
    static func decode(_ input: UnsafeRawBufferPointer, table: Table, into output: ByteBuffer) -> Bool {
        guard let base = input.baseAddress else { return true }
        let count = input.count
        // Each byte becomes at most three (U+FFFD, U+20AC, U+F7xx).
        guard output.reserve(count * 3) else { return false }
        var index = 0
        while index < count {
            // ASCII without NULs: copy a word at a time.
            while index + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                guard !UTF8Validation.hasNonASCIIOrZeroByte(word) else { break }
                UnsafeMutableRawPointer(output.end).storeBytes(of: word, as: UInt64.self)
                output.count += 8
                index += 8
            }
            guard index < count else { break }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            index += 1
            if byte == 0 {
                output.unsafeAppendReplacementCharacter()
            } else if byte < 0x80 {
                output.unsafeAppend(byte)
            } else {
                let scalar: UInt32
                switch table {
                case .windows1252:
                    scalar = byte < 0xA0 ? UInt32(windows1252C1[Int(byte) - 0x80]) : UInt32(byte)
                case .xUserDefined:
                    scalar = 0xF780 + UInt32(byte) - 0x80
                }
                appendUTF8(scalar, to: output)
            }
        }
        return true
    }

    /// Appends a BMP scalar (U+0080...U+FFFF) as UTF-8; capacity is reserved by the caller.
    @inline(__always)
    private static func appendUTF8(_ scalar: UInt32, to output: ByteBuffer) {
        if scalar < 0x800 {
            output.unsafeAppend(UInt8(0xC0 | (scalar >> 6)))
            output.unsafeAppend(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            output.unsafeAppend(UInt8(0xE0 | (scalar >> 12)))
            output.unsafeAppend(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.unsafeAppend(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// windows-1252 bytes 0x80-0x9F (0xA0-0xFF are Latin-1). The five bytes Microsoft left
    /// undefined map to the C1 control of the same value, as in the Encoding Standard.
    static let windows1252C1: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
