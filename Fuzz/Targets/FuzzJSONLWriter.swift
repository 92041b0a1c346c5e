// libFuzzer target for the JSONL encoder (Sources/CrawlerCore/Output/JSONObjectWriter.swift).
//
// Compiled into a module named CrawlerCore with only JSONObjectWriter.swift, JSONString.swift and
// Support/RFC3339.swift, which depend on nothing: no Foundation, no swift-collections. (CrawlRecord
// itself is not compiled in: its `encodeLine` is a fixed sequence of the writer calls used here,
// and it now pulls in the journal and state types, which are being rewritten.)
//
// The input is a little program that builds one JSON object: string fields (UTF-8 with invalid
// sequences repaired to U+FFFD, as every producer of these strings does, or raw code points so
// U+2028, U+0085, NUL and astral characters are easy to reach), integers, doubles, nulls, nested
// objects and RFC 3339 timestamps. The line is then checked: exactly one 0x0A, at the end; no raw
// control character, U+2028 or U+2029; valid UTF-8; and a strict JSON parser (below, written for
// this target) reads it back to the same field names, in order, with byte-identical strings and
// the expected numbers. Timestamps must be RFC 3339 and convert back to the same instant.
//
// Program bytes (each op byte is taken modulo 10; missing operand bytes read as 0):
//   0 L bytes[L]     string field, UTF-8 (repaired)
//   1 L bytes[3L]    string field, L code points of 3 little-endian bytes each (mod 0x110000;
//                    surrogates skipped)
//   2 bytes[8]       integer field (Int, little-endian)
//   3                string field whose value is nil (null)
//   4 bytes[8]       double field (bit pattern): one decimal, null when not finite or huge
//   5                begin a nested object field (at most 8 deep)
//   6                end the innermost nested object
//   7 bytes[8]       "fetched_at"-style field: RFC3339.format of the Int64 milliseconds
//   8                integer field whose value is nil (null)
//   9                nullField
// Open objects are closed at the end; a top-level object holds at most 64 fields.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys are `StaticString`s in the writer's API, so fields are named by position.
private let keys: [StaticString] = [
    "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15",
    "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30",
    "f31", "f32", "f33", "f34", "f35", "f36", "f37", "f38", "f39", "f40", "f41", "f42", "f43", "f44", "f45",
    "f46", "f47", "f48", "f49", "f50", "f51", "f52", "f53", "f54", "f55", "f56", "f57", "f58", "f59", "f60",
    "f61", "f62", "f63",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLWriter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = ByteReader(UnsafeBufferPointer(start: data, count: size))

    // Encoding appends to what the buffer already holds; odd-sized inputs start from a non-empty
    // buffer and check that the earlier line is left alone.
    let previous: [UInt8] = size % 2 == 0 ? [] : Array("{\"earlier\":1}\n".utf8)
    var writer = JSONObjectWriter(into: previous)
    // The expected members of each open object, innermost last.
    var stack: [[(String, Expected)]] = [[]]

    while let op = input.next() {
        let level = stack.count - 1
        let count = stack[level].count
        if op % 10 == 6 {
            if level > 0 {
                writer.endObject()
                let finished = stack.removeLast()
                let last = stack[level - 1].count - 1
                stack[level - 1][last].1 = .object(finished)
            }
            continue
        }
        guard count < keys.count else { break }
        let key = keys[count]
        let name = "f\(count)"
        switch op % 10 {
        case 0:
            let length = Int(input.byte())
            let text = String(decoding: input.bytes(length), as: UTF8.self)
            writer.field(key, text)
            stack[level].append((name, .string(text)))
        case 1:
            let length = Int(input.byte())
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length {
                let raw = input.bytes(3) + [0, 0, 0]
                let value = (UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16) % 0x11_0000
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let text = String(scalars)
            writer.field(key, text)
            stack[level].append((name, .string(text)))
        case 2:
            let value = Int(truncatingIfNeeded: input.uint64())
            writer.field(key, value)
            stack[level].append((name, .number(String(value))))
        case 3:
            writer.field(key, nil as String?)
            stack[level].append((name, .null))
        case 4:
            let value = Double(bitPattern: input.uint64())
            writer.field(key, value)
            stack[level].append((name, tenths(value)))
        case 5:
            guard stack.count <= 8 else { continue }
            writer.beginObjectField(key)
            stack[level].append((name, .object([])))
            stack.append([])
        case 7:
            // Any Int64, including the range near Int64.min that used to trap (finding F1).
            let ms = Int64(bitPattern: input.uint64())
            writer.field(key, RFC3339.format(millisecondsSinceEpoch: ms))
            stack[level].append((name, .timestamp(ms)))
        case 8:
            writer.field(key, nil as Int?)
            stack[level].append((name, .null))
        default:
            writer.nullField(key)
            stack[level].append((name, .null))
        }
    }
    while stack.count > 1 {
        writer.endObject()
        let finished = stack.removeLast()
        let last = stack[stack.count - 1].count - 1
        stack[stack.count - 1][last].1 = .object(finished)
    }
    let out = writer.finishLine()

    guard out.count > previous.count, Array(out[..<previous.count]) == previous else {
        fail("the bytes already in the buffer were changed", out)
    }
    check(Array(out[previous.count...]), expected: stack[0])
    return 0
}

// MARK: - The checks

private func check(_ line: [UInt8], expected: [(String, Expected)]) {
    guard line.last == 0x0A else { fail("line does not end in \\n", line) }
    for (index, byte) in line.dropLast().enumerated() {
        if byte < 0x20 { fail("raw control byte \(byte) at \(index)", line) }
        if byte == 0xE2, index + 2 < line.count, line[index + 1] == 0x80, line[index + 2] == 0xA8 || line[index + 2] == 0xA9 {
            fail("raw U+2028/U+2029 at \(index)", line)
        }
    }
    guard String(validating: line, as: UTF8.self) != nil else { fail("not valid UTF-8", line) }

    var parser = StrictJSON(Array(line.dropLast()))
    let value: JSON
    do {
        value = try parser.parseDocument()
    } catch {
        fail("strict JSON parser rejected the line: \(error)", line)
    }
    guard case .object(let members) = value else { fail("not an object", line) }
    compare(members, expected, line: line)
}

/// What one field must hold.
private indirect enum Expected {
    case string(String)
    case number(String)
    case null
    case object([(String, Expected)])
    /// An RFC 3339 UTC time with milliseconds that converts back to this many ms since 1970.
    case timestamp(Int64)
}

private func compare(_ members: [(key: [UInt8], value: JSON)], _ expected: [(String, Expected)], line: [UInt8]) {
    guard members.count == expected.count else { fail("\(members.count) fields, expected \(expected.count)", line) }
    for ((key, value), (name, want)) in zip(members, expected) {
        guard key == Array(name.utf8) else { fail("field \(name) missing or out of order", line) }
        switch (want, value) {
        case (.string(let text), .string(let bytes)):
            // Bytes, not String ==, which would equate canonically equivalent spellings.
            if bytes != Array(text.utf8) { fail("\(name) did not round-trip", line) }
        case (.number(let text), .number(let raw)):
            if raw != Array(text.utf8) { fail("\(name) is \(String(decoding: raw, as: UTF8.self)), expected \(text)", line) }
        case (.null, .null):
            break
        case (.object(let nested), .object(let got)):
            compare(got, nested, line: line)
        case (.timestamp(let ms), .string(let bytes)):
            checkTimestamp(bytes, ms, line: line)
        default:
            fail("\(name) has the wrong JSON type", line)
        }
    }
}

/// `JSONObjectWriter`'s rounding to one decimal, written independently: null when not finite or
/// too large for an exact integer count of tenths.
private func tenths(_ value: Double) -> Expected {
    guard value.isFinite else { return .null }
    let scaled = (value * 10).rounded()
    guard abs(scaled) < 9e17 else { return .null }
    let integer = Int(scaled)
    let magnitude = integer.magnitude
    return .number((integer < 0 ? "-" : "") + "\(magnitude / 10).\(magnitude % 10)")
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` that maps back to `ms`, clamped to years 0000-9999 (the instants
/// with four year digits; `RFC3339.format` clamps values outside them since finding F1).
private func checkTimestamp(_ bytes: [UInt8], _ raw: Int64, line: [UInt8]) {
    let ms = min(max(raw, -62_167_219_200_000), 253_402_300_799_999)
    let shape = Array("dddd-dd-ddTdd:dd:dd.dddZ".utf8)
    guard bytes.count == shape.count else { fail("fetched_at has the wrong length", line) }
    var digits: [Int64] = []
    for (byte, want) in zip(bytes, shape) {
        if want == UInt8(ascii: "d") {
            guard byte >= 0x30, byte <= 0x39 else { fail("fetched_at is not RFC 3339", line) }
            digits.append(Int64(byte - 0x30))
        } else if byte != want {
            fail("fetched_at is not RFC 3339", line)
        }
    }
    func number(_ range: Range<Int>) -> Int64 { digits[range].reduce(0) { $0 * 10 + $1 } }
    let (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
    let (hour, minute, second, milli) = (number(8..<10), number(10..<12), number(12..<14), number(14..<17))
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60 else {
        fail("fetched_at has an impossible date or time", line)
    }
    // Days from 1970-01-01 by counting (independent of RFC3339.civil's era arithmetic).
    var days: Int64 = 0
    if year >= 1970 {
        for y in 1970..<year { days += isLeap(y) ? 366 : 365 }
    } else {
        for y in year..<1970 { days -= isLeap(y) ? 366 : 365 }
    }
    for m in 1..<month { days += daysIn(month: m, year: year) }
    days += day - 1
    let back = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli
    if back != ms { fail("fetched_at converts back to \(back), expected \(ms)", line) }
}

private func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

private func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

// MARK: - Input decoding

private struct ByteReader {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func next() -> UInt8? {
        guard position < buffer.count else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func byte() -> UInt8 { next() ?? 0 }

    /// Up to `count` bytes (fewer at the end of the input).
    mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(buffer.count, position + count)
        defer { position = end }
        return Array(buffer[position..<end])
    }

    mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(byte()) << UInt64(shift) }
        return value
    }
}

// MARK: - A strict JSON parser (RFC 8259), enough for one JSONL line

private indirect enum JSON {
    case string([UInt8])
    /// The number as written, after checking it against the grammar.
    case number([UInt8])
    case bool(Bool)
    case null
    case object([(key: [UInt8], value: JSON)])
    case array([JSON])
}

private struct JSONError: Error, CustomStringConvertible {
    let message: String
    let offset: Int
    var description: String { "\(message) at byte \(offset)" }
}

/// Rejects everything RFC 8259 rejects that the writer could plausibly produce: raw control
/// characters in strings, unknown escapes, lone surrogates, leading zeros, "1.", NaN, trailing
/// commas, duplicate keys (not forbidden by the RFC, but never produced on purpose), trailing
/// bytes. Whitespace is not allowed either: the writer emits none.
private struct StrictJSON {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> JSON {
        let value = try parseValue()
        guard index == bytes.count else { throw JSONError(message: "trailing bytes", offset: index) }
        return value
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw JSONError(message: "expected \(Character(Unicode.Scalar(byte)))", offset: index) }
        index += 1
    }

    private mutating func parseValue() throws -> JSON {
        guard let byte = peek() else { throw JSONError(message: "unexpected end", offset: index) }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        default: return .number(try parseNumber())
        }
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 { try expect(byte) }
    }

    private mutating func nest() throws {
        depth += 1
        guard depth < 64 else { throw JSONError(message: "too deep", offset: index) }
    }

    private mutating func parseObject() throws -> JSON {
        try expect(UInt8(ascii: "{"))
        try nest()
        defer { depth -= 1 }
        var members: [(key: [UInt8], value: JSON)] = []
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            let key = try parseString()
            if members.contains(where: { $0.key == key }) { throw JSONError(message: "duplicate key", offset: index) }
            try expect(UInt8(ascii: ":"))
            members.append((key, try parseValue()))
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func parseArray() throws -> JSON {
        try expect(UInt8(ascii: "["))
        try nest()
        defer { depth -= 1 }
        var elements: [JSON] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    /// The string's content as UTF-8 bytes.
    private mutating func parseString() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw JSONError(message: "unterminated string", offset: index) }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return out
            case 0x00..<0x20:
                throw JSONError(message: "raw control character in string", offset: index - 1)
            case UInt8(ascii: "\\"):
                guard let escape = peek() else { throw JSONError(message: "unterminated escape", offset: index) }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xDC00...0xDFFF).contains(unit) { throw JSONError(message: "lone low surrogate", offset: index) }
                    if (0xD800...0xDBFF).contains(unit) {
                        try expect(UInt8(ascii: "\\"))
                        try expect(UInt8(ascii: "u"))
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(message: "lone high surrogate", offset: index) }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(unit) else { throw JSONError(message: "bad scalar", offset: index) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw JSONError(message: "unknown escape", offset: index - 1)
                }
            default:
                out.append(byte)  // UTF-8 validity of the whole line is checked separately
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw JSONError(message: "short \\u escape", offset: index) }
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw JSONError(message: "bad hex digit", offset: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() throws -> [UInt8] {
        let start = index
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
            if isDigit(peek()) { throw JSONError(message: "leading zero", offset: index) }
        } else {
            guard isDigit(peek()) else { throw JSONError(message: "bad value", offset: index) }
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard isDigit(peek()) else { throw JSONError(message: "no digit after the point", offset: index) }
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard isDigit(peek()) else { throw JSONError(message: "bad exponent", offset: index) }
            while isDigit(peek()) { index += 1 }
        }
        return Array(bytes[start..<index])
    }
}

/// Reports an invariant violation and aborts (libFuzzer saves the input as crash-<sha1>).
private func fail(_ what: String, _ line: [UInt8]) -> Never {
    let shown = String(decoding: line.prefix(2000), as: UTF8.self).debugDescription
    writeToStderr("FUZZ INVARIANT: \(what)\n  line: \(shown)\n")
    abort()
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
private func writeToStderr(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
