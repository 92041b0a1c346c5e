/// A JSON string literal, appended to a byte buffer: what the records and the run summary write.
///
/// Control characters, `"` and `\` are escaped as JSON requires, and U+2028/U+2029 and the C1 controls
/// (U+0080-U+009F, among them U+0085 NEL) are written as `\uXXXX` because some readers treat them as
/// line breaks (JavaScript-era parsers; Python's `str.splitlines`; Swift's `Character.isNewline`).
/// Swift `String`s are always valid Unicode, so the output is always valid UTF-8.
public enum JSONString {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted, escaped JSON string.
    public static func append(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = value.utf8
        if utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &bytes) }) == nil {
            // Bridged or non-contiguous strings: make a native copy once.
            var copy = value
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            _ = utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ input: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            var escape: (UInt8, UInt16)? = nil  // (short escape letter or 0, code unit for \u)
            if byte < 0x20 {
                switch byte {
                case 0x0A: escape = (UInt8(ascii: "n"), 0)
                case 0x0D: escape = (UInt8(ascii: "r"), 0)
                case 0x09: escape = (UInt8(ascii: "t"), 0)
                default: escape = (0, UInt16(byte))
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                escape = (byte, 0)
            } else if byte == 0xC2, index + 1 < count, input[index + 1] >= 0x80, input[index + 1] <= 0x9F {
                escape = (0, UInt16(input[index + 1]))  // C1 controls: U+0085 (NEL) splits lines for some readers
            } else if byte == 0xE2, index + 2 < count, input[index + 1] == 0x80,
                      input[index + 2] == 0xA8 || input[index + 2] == 0xA9 {
                escape = (0, input[index + 2] == 0xA8 ? 0x2028 : 0x2029)
            }
            guard let (letter, unit) = escape else {
                index += 1
                continue
            }
            if runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
            }
            bytes.append(UInt8(ascii: "\\"))
            if letter != 0 {
                bytes.append(letter)
                index += 1
            } else {
                bytes.append(UInt8(ascii: "u"))
                bytes.append(hexDigits[Int(unit >> 12) & 0xF])
                bytes.append(hexDigits[Int(unit >> 8) & 0xF])
                bytes.append(hexDigits[Int(unit >> 4) & 0xF])
                bytes.append(hexDigits[Int(unit) & 0xF])
                index += unit >= 0x2028 ? 3 : (unit >= 0x80 ? 2 : 1)
            }
            runStart = index
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
        }
    }
}
