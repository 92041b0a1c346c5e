/// A minimal, allocation-light JSON object writer for JSONL records.
///
/// Strings are escaped by `JSONString`, so every line is valid JSON *and* safe for line-oriented readers.
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
            bytes.append(JSONString.hexDigits[Int(truncatingIfNeeded: value >> UInt64(shift)) & 0xF])
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

    private mutating func writeString(_ value: String) {
        JSONString.append(value, to: &bytes)
    }
}
