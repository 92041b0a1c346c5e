/// A minimal, allocation-light JSON object writer for JSONL records.
///
/// Strings are escaped so that every line is valid JSON *and* safe for line-oriented readers:
/// control characters, `"` and `\` are escaped as JSON requires, and U+2028/U+2029 and the C1 controls
/// (U+0080-U+009F, among them U+0085 NEL) are written as `\uXXXX` because some readers treat them as
/// line breaks (JavaScript-era parsers; Python's `str.splitlines`; Swift's `Character.isNewline`). Swift `String`s are
/// always valid Unicode, so the output is always valid UTF-8.
struct JSONObjectWriter {
    private var bytes: [UInt8]
    /// Bit `depth` is set while the innermost open object has no field yet (no comma needed before
    /// the next). Bits, not a `[Bool]`: that array was an allocation per record.
    private var noFieldYet: UInt64 = 1
    /// Open objects below the top-level one (records nest two deep).
    private var depth = 0

    init(into buffer: [UInt8]) {
        bytes = buffer
        bytes.reserveCapacity(bytes.count + 1024)  // a page's record is 700-800 bytes
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func field(_ key: StaticString, _ value: String?) {
        writeKey(key)
        if let value { writeString(value) } else { writeNull() }
    }

    mutating func field(_ key: StaticString, _ value: Int?) {
        writeKey(key)
        if let value { writeInt(value) } else { writeNull() }
    }

    /// Writes a non-negative duration-like value with at most one decimal (e.g. `12.3`).
    mutating func field(_ key: StaticString, _ value: Double) {
        writeKey(key)
        writeTenths(value)
    }

    mutating func field(_ key: StaticString, _ value: Bool?) {
        writeKey(key)
        switch value {
        case .some(true): bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // "true"
        case .some(false): bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // "false"
        case .none: writeNull()
        }
    }

    /// A 64-bit value as a string of 16 lowercase hex digits (`content_hash`), written without a
    /// `String` in between (one fewer allocation per page than `ContentHash.hex`).
    mutating func field(_ key: StaticString, hex value: UInt64?) {
        writeKey(key)
        guard let value else { return writeNull() }
        bytes.append(UInt8(ascii: "\""))
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(Self.hexDigits[Int(truncatingIfNeeded: value >> UInt64(shift)) & 0xF])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func nullField(_ key: StaticString) {
        writeKey(key)
        writeNull()
    }

    mutating func beginObjectField(_ key: StaticString) {
        writeKey(key)
        bytes.append(UInt8(ascii: "{"))
        depth += 1
        precondition(depth < 64, "JSON objects nested deeper than 63")
        noFieldYet |= 1 << UInt64(depth)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        noFieldYet &= ~(1 << UInt64(depth))
        depth -= 1
    }

    /// Closes the top-level object and appends the line feed.
    mutating func finishLine() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        return bytes
    }

    // MARK: - Pieces

    private mutating func writeKey(_ key: StaticString) {
        let bit: UInt64 = 1 << UInt64(depth)
        if noFieldYet & bit != 0 {
            noFieldYet &= ~bit
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }  // keys are plain ASCII literals
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func writeNull() {
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // "null"
    }

    private mutating func writeInt(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            writeUnsigned(value.magnitude)
        } else {
            writeUnsigned(UInt(value))
        }
    }

    private mutating func writeUnsigned(_ value: UInt) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                bytes.append(buffer[index])
            }
        }
    }

    private mutating func writeTenths(_ value: Double) {
        guard value.isFinite else {
            writeNull()  // JSON has no NaN/Infinity
            return
        }
        let tenths = (value * 10).rounded()
        guard abs(tenths) < 9e17 else {
            writeNull()
            return
        }
        let scaled = Int(tenths)
        if scaled < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        writeUnsigned(magnitude / 10)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") &+ UInt8(magnitude % 10))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = value.utf8
        if utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            // Bridged or non-contiguous strings: make a native copy once.
            var copy = value
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            _ = utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
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
                bytes.append(Self.hexDigits[Int(unit >> 12) & 0xF])
                bytes.append(Self.hexDigits[Int(unit >> 8) & 0xF])
                bytes.append(Self.hexDigits[Int(unit >> 4) & 0xF])
                bytes.append(Self.hexDigits[Int(unit) & 0xF])
                index += unit >= 0x2028 ? 3 : (unit >= 0x80 ? 2 : 1)
            }
            runStart = index
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
        }
    }
}
