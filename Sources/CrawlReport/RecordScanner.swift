#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte range of a JSON string value inside the current line (quotes excluded).
struct StringSpan {
    var start: Int
    var end: Int
    /// True when the raw bytes contain a backslash, so they must be unescaped before use.
    var escaped: Bool
}

/// The fields of one JSONL record that the report needs, as found by `RecordScanner`.
///
/// Strings are kept as spans into the line so that only the few that are used (host, outcome,
/// content type; a URL only when it enters a top-10 list) are ever turned into `String`s.
struct ScannedRecord {
    var url: StringSpan?
    var host: StringSpan?
    var outcome: StringSpan?
    var contentType: StringSpan?
    var fetchedAt: StringSpan?
    var depth: Double?
    var status: Double?
    var bytes: Double?
    var timeMs: Double?
    var attempts: Double?
    var ttfbMs: Double?

    mutating func reset() {
        self = ScannedRecord()
    }
}

/// A validating, allocation-free JSON scanner for one JSONL line that picks out the record's fields.
///
/// Why not `JSONSerialization`: it builds a dictionary of ~20 boxed values per record, which caps a
/// multi-GB report at a few MB/s on Linux. This scanner checks the whole line against the JSON
/// grammar (so a truncated or corrupt line is rejected, not half-read) while copying nothing.
/// Nesting is limited to `maxDepth` so hostile input cannot exhaust the stack.
struct RecordScanner {
    static let maxDepth = 64

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var pos = 0

    /// Nil for an empty line (which is never a record).
    init?(_ line: UnsafeBufferPointer<UInt8>) {
        guard let base = line.baseAddress, !line.isEmpty else { return nil }
        self.base = base
        self.count = line.count
    }

    /// Scans the line; returns false when it is not exactly one JSON object (surrounding
    /// whitespace allowed).
    mutating func scan(into record: inout ScannedRecord) -> Bool {
        record.reset()
        skipWhitespace()
        guard pos < count, base[pos] == UInt8(ascii: "{") else { return false }
        pos += 1
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "}") {
            pos += 1
        } else {
            while true {
                skipWhitespace()
                guard let key = scanString() else { return false }
                skipWhitespace()
                guard pos < count, base[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                skipWhitespace()
                guard scanField(key, into: &record) else { return false }
                skipWhitespace()
                guard pos < count else { return false }
                if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if base[pos] == UInt8(ascii: "}") { pos += 1; break }
                return false
            }
        }
        skipWhitespace()
        return pos == count
    }

    // MARK: - Fields

    private mutating func scanField(_ key: StringSpan, into record: inout ScannedRecord) -> Bool {
        // Keys of interest never contain escapes; an escaped key is treated as unknown.
        if key.escaped { return skipValue(depth: 1) }
        switch keyID(key) {
        case .url: return scanOptionalString(&record.url)
        case .host: return scanOptionalString(&record.host)
        case .outcome: return scanOptionalString(&record.outcome)
        case .contentType: return scanOptionalString(&record.contentType)
        case .fetchedAt: return scanOptionalString(&record.fetchedAt)
        case .depth: return scanOptionalNumber(&record.depth)
        case .status: return scanOptionalNumber(&record.status)
        case .bytes: return scanOptionalNumber(&record.bytes)
        case .timeMs: return scanOptionalNumber(&record.timeMs)
        case .attempts: return scanOptionalNumber(&record.attempts)
        case .timings: return scanTimings(into: &record)
        case .other: return skipValue(depth: 1)
        }
    }

    private enum Key { case url, host, outcome, contentType, fetchedAt, depth, status, bytes, timeMs, attempts, timings, other }

    private func keyID(_ key: StringSpan) -> Key {
        let len = key.end - key.start
        let p = base + key.start
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == len && memcmp(p, s.utf8Start, len) == 0
        }
        switch len {
        case 3: return eq("url") ? .url : .other
        case 4: return eq("host") ? .host : .other
        case 5: return eq("depth") ? .depth : eq("bytes") ? .bytes : .other
        case 6: return eq("status") ? .status : .other
        case 7: return eq("outcome") ? .outcome : eq("time_ms") ? .timeMs : eq("timings") ? .timings : .other
        case 8: return eq("attempts") ? .attempts : .other
        case 10: return eq("fetched_at") ? .fetchedAt : .other
        case 12: return eq("content_type") ? .contentType : .other
        default: return .other
        }
    }

    /// `timings` is an object (we want `ttfb_ms`) or null.
    private mutating func scanTimings(into record: inout ScannedRecord) -> Bool {
        guard pos < count else { return false }
        if base[pos] != UInt8(ascii: "{") { return scanNull() || skipValue(depth: 1) }
        pos += 1
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "}") { pos += 1; return true }
        while true {
            skipWhitespace()
            guard let key = scanString() else { return false }
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: ":") else { return false }
            pos += 1
            skipWhitespace()
            let isTTFB = !key.escaped && key.end - key.start == 7
                && memcmp(base + key.start, ("ttfb_ms" as StaticString).utf8Start, 7) == 0
            if isTTFB {
                guard scanOptionalNumber(&record.ttfbMs) else { return false }
            } else {
                guard skipValue(depth: 2) else { return false }
            }
            skipWhitespace()
            guard pos < count else { return false }
            if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if base[pos] == UInt8(ascii: "}") { pos += 1; return true }
            return false
        }
    }

    /// A string, or null (leaves nil); any other type is skipped and also leaves nil.
    private mutating func scanOptionalString(_ out: inout StringSpan?) -> Bool {
        guard pos < count else { return false }
        if base[pos] == UInt8(ascii: "\"") {
            guard let s = scanString() else { return false }
            out = s
            return true
        }
        return skipValue(depth: 1)
    }

    /// A number, or null (leaves nil); any other type is skipped and also leaves nil.
    private mutating func scanOptionalNumber(_ out: inout Double?) -> Bool {
        guard pos < count else { return false }
        let c = base[pos]
        if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
            guard let v = scanNumber() else { return false }
            out = v
            return true
        }
        return skipValue(depth: 1)
    }

    // MARK: - Grammar

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < count {
            let c = base[pos]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            pos += 1
        }
    }

    private mutating func skipValue(depth: Int) -> Bool {
        guard depth <= RecordScanner.maxDepth, pos < count else { return false }
        switch base[pos] {
        case UInt8(ascii: "\""):
            return scanString() != nil
        case UInt8(ascii: "{"):
            pos += 1
            skipWhitespace()
            if pos < count, base[pos] == UInt8(ascii: "}") { pos += 1; return true }
            while true {
                skipWhitespace()
                guard scanString() != nil else { return false }
                skipWhitespace()
                guard pos < count, base[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                skipWhitespace()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                guard pos < count else { return false }
                if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if base[pos] == UInt8(ascii: "}") { pos += 1; return true }
                return false
            }
        case UInt8(ascii: "["):
            pos += 1
            skipWhitespace()
            if pos < count, base[pos] == UInt8(ascii: "]") { pos += 1; return true }
            while true {
                skipWhitespace()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                guard pos < count else { return false }
                if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if base[pos] == UInt8(ascii: "]") { pos += 1; return true }
                return false
            }
        case UInt8(ascii: "t"): return scanLiteral("true")
        case UInt8(ascii: "f"): return scanLiteral("false")
        case UInt8(ascii: "n"): return scanNull()
        default: return scanNumber() != nil
        }
    }

    private mutating func scanNull() -> Bool { scanLiteral("null") }

    private mutating func scanLiteral(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard count - pos >= n, memcmp(base + pos, word.utf8Start, n) == 0 else { return false }
        pos += n
        return true
    }

    /// Scans a string at `pos` (which must be a quote); validates escapes and rejects raw control
    /// characters, as JSON requires. UTF-8 validity is checked when the span is decoded.
    private mutating func scanString() -> StringSpan? {
        guard pos < count, base[pos] == UInt8(ascii: "\"") else { return nil }
        pos += 1
        let start = pos
        var escaped = false
        while pos < count {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let span = StringSpan(start: start, end: pos, escaped: escaped)
                pos += 1
                return span
            }
            if c < 0x20 { return nil }
            if c == UInt8(ascii: "\\") {
                escaped = true
                pos += 1
                guard pos < count else { return nil }
                switch base[pos] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    pos += 1
                case UInt8(ascii: "u"):
                    guard count - pos >= 5 else { return nil }
                    for k in 1...4 where JSONText.hexValue(base[pos + k]) == nil { return nil }
                    pos += 5
                default:
                    return nil
                }
                continue
            }
            pos += 1
        }
        return nil
    }

    /// Scans a JSON number. Fast path (Clinger): at most 19 digits below 2^53 and a power of ten
    /// up to 1e22 give a correctly rounded `Double`; other forms fall back to `Double(String)`.
    private mutating func scanNumber() -> Double? {
        let start = pos
        var negative = false
        if pos < count, base[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        guard pos < count else { return nil }
        var mantissa: UInt64 = 0
        var used = 0          // digits folded into `mantissa`
        var dropped = false   // digits that did not fit: take the slow path
        var fracDigits = 0
        @inline(__always) func fold(_ d: UInt8) -> Bool {
            guard used < 19 else { dropped = true; return false }
            mantissa = mantissa &* 10 &+ UInt64(d &- 0x30)
            used += 1
            return true
        }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if base[pos] >= 0x31 && base[pos] <= 0x39 {
            while pos < count, base[pos] >= 0x30, base[pos] <= 0x39 {
                _ = fold(base[pos])
                pos += 1
            }
        } else {
            return nil
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            pos += 1
            let fracStart = pos
            while pos < count, base[pos] >= 0x30, base[pos] <= 0x39 {
                if fold(base[pos]) { fracDigits += 1 }
                pos += 1
            }
            guard pos > fracStart else { return nil }
        }
        var exponent = 0
        if pos < count, base[pos] == UInt8(ascii: "e") || base[pos] == UInt8(ascii: "E") {
            pos += 1
            var expNegative = false
            if pos < count, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                expNegative = base[pos] == UInt8(ascii: "-")
                pos += 1
            }
            let expStart = pos
            while pos < count, base[pos] >= 0x30, base[pos] <= 0x39 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(base[pos] - 0x30) }
                pos += 1
            }
            guard pos > expStart else { return nil }
            if expNegative { exponent = -exponent }
        }
        let scale = exponent - fracDigits
        if !dropped, mantissa < (1 << 53), scale >= -22, scale <= 22 {
            var value = Double(mantissa)
            if scale < 0 {
                value /= RecordScanner.powersOfTen[-scale]
            } else if scale > 0 {
                value *= RecordScanner.powersOfTen[scale]
            }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
        return Double(text)
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }
}

