/// A fast UTF-8 validity check over raw bytes (no allocation).
///
/// libxml2 2.9.x decodes an HTML document that declares no encoding as ISO-8859-1, turning every
/// UTF-8 page without a charset into mojibake. The extractor therefore tells libxml2 "UTF-8" when
/// the bytes are valid UTF-8 (text in a legacy encoding practically never is), and leaves
/// detection to libxml2 (`<meta>`, then Latin-1) otherwise.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            // Markup is mostly ASCII: skip it eight bytes at a time.
            while index + 8 <= count,
                  base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0          // no overlong forms
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F          // no surrogates
            case 0xF0: length = 4; lower = 0x90          // no overlong forms
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F          // nothing above U+10FFFF
            default: return false
            }
            guard index + length <= count else { return false }
            let second = base.load(fromByteOffset: index + 1, as: UInt8.self)
            guard second >= lower, second <= upper else { return false }
            for offset in 2..<max(2, length) {
                let next = base.load(fromByteOffset: index + offset, as: UInt8.self)
                guard next & 0xC0 == 0x80 else { return false }
            }
            index += length
        }
        return true
    }
}
