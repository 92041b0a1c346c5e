/// A WHATWG percent-encode set over bytes, as two 64-bit masks for ASCII; every byte >= 0x80 is in
/// every set (the C0 control percent-encode set contains all code points above U+007E).
///
/// Masks instead of `Set<UInt8>` or a table: a shift and an AND per byte, no memory load, and the
/// constants fold into the parser's loops. `PercentEncodeSetTests` rebuilds them from the spec text.
struct PercentEncodeSet: Sendable {
    let low: UInt64   // bytes 0x00...0x3F
    let high: UInt64  // bytes 0x40...0x7F

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 64 { return (low &>> UInt64(byte)) & 1 != 0 }
        if byte < 128 { return (high &>> UInt64(byte &- 64)) & 1 != 0 }
        return true
    }

    /// C0 controls and everything above U+007E.
    static var c0Control: PercentEncodeSet { .init(low: 0xFFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// C0 control set plus space " < > `.
    static var fragment: PercentEncodeSet { .init(low: 0x5000_0005_FFFF_FFFF, high: 0x8000_0001_0000_0000) }
    /// C0 control set plus space " # < >.
    static var query: PercentEncodeSet { .init(low: 0x5000_000D_FFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// Query set plus ' (for special schemes).
    static var specialQuery: PercentEncodeSet { .init(low: 0x5000_008D_FFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// Query set plus ? ^ ` { }.
    static var path: PercentEncodeSet { .init(low: 0xD000_000D_FFFF_FFFF, high: 0xA800_0001_4000_0000) }
    /// Path set plus / : ; = @ [ \ ] ^ |.
    static var userinfo: PercentEncodeSet { .init(low: 0xFC00_800D_FFFF_FFFF, high: 0xB800_0001_7800_0001) }
}

/// Byte classes from the spec that are not percent-encode sets but use the same mask trick.
enum ByteClass {
    /// Forbidden host code points (ASCII only; the set has no non-ASCII members).
    static var forbiddenHost: PercentEncodeSet { .init(low: 0xD400_8009_0000_2601, high: 0x1000_0000_7800_0001) }
    /// Forbidden domain code points: forbidden host code points, C0 controls, % and DEL.
    static var forbiddenDomain: PercentEncodeSet { .init(low: 0xD400_8029_FFFF_FFFF, high: 0x9000_0000_7800_0001) }

    @inline(__always)
    static func isForbiddenHost(_ b: UInt8) -> Bool { b < 0x80 && forbiddenHost.contains(b) }
    @inline(__always)
    static func isForbiddenDomain(_ b: UInt8) -> Bool { b < 0x80 && forbiddenDomain.contains(b) }
}

/// ASCII helpers shared by the parser, the host parsers and the dedup key.
enum ASCII {
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool { hexValue(b) != nil }
    @inline(__always) static func lowercased(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        if b &- 0x30 < 10 { return b &- 0x30 }
        let l = b | 0x20
        if l &- 0x61 < 6 { return l &- 0x61 &+ 10 }
        return nil
    }

    /// Uppercase hex digit for a nibble (percent-encoding always emits uppercase).
    @inline(__always)
    static func upperHex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x37 &+ nibble }

    /// Lowercase hex digit for a nibble (IPv6 serialisation is lowercase).
    @inline(__always)
    static func lowerHex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble }
}

extension Array where Element == UInt8 {
    /// Appends the decimal digits of a non-negative `value` (ports in `hostKey`).
    mutating func appendDecimal(_ value: Int) {
        DecimalDigits.forEach(of: value) { append($0) }
    }
}

/// ASCII decimal digits of a non-negative integer, most significant first, without allocating.
enum DecimalDigits {
    @inline(__always)
    static func forEach(of value: Int, _ body: (UInt8) -> Void) {
        var divisor = 1
        while divisor <= value / 10 { divisor &*= 10 }
        var rest = value
        while divisor > 0 {
            body(UInt8(truncatingIfNeeded: 0x30 &+ rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
