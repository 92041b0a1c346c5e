#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers for the SAX callbacks: libxml2 hands out NUL-terminated UTF-8, and comparing
/// bytes avoids building a `String` for every tag and attribute the crawler does not keep.
enum ASCIIBytes {
    /// HTML's "ASCII whitespace": TAB, LF, FF, CR, SPACE.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// Whether the NUL-terminated string at `pointer` equals `literal` (lowercase ASCII),
    /// ignoring ASCII case. Reads no further than the terminator or the literal's length + 1.
    @inline(__always)
    static func equals(_ pointer: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for index in 0..<count where lower(pointer[index]) != expected[index] {
            return false  // also stops at the terminator, which never equals a literal byte
        }
        return pointer[count] == 0
    }

    /// Whether `bytes` equals `literal` (lowercase ASCII), ignoring ASCII case.
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        equals(bytes, lowercase: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Whether `bytes` equals `expected` (lowercase ASCII), ignoring ASCII case.
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, lowercase expected: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == expected.count else { return false }
        for index in 0..<expected.count where lower(bytes[index]) != expected[index] {
            return false
        }
        return true
    }

    /// The bytes of a NUL-terminated string.
    @inline(__always)
    static func buffer(_ pointer: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }

    /// `bytes` without leading and trailing ASCII whitespace.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// A `String` from bytes that should be UTF-8; invalid sequences become U+FFFD.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` for each token of `bytes` separated by any byte for which `isSeparator` holds;
    /// empty tokens are skipped.
    @inline(__always)
    static func forEachToken(
        _ bytes: UnsafeBufferPointer<UInt8>,
        separatedBy isSeparator: (UInt8) -> Bool,
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, isSeparator(bytes[index]) { index += 1 }
            let start = index
            while index < count, !isSeparator(bytes[index]) { index += 1 }
            if index > start { body(UnsafeBufferPointer(rebasing: bytes[start..<index])) }
        }
    }
}
