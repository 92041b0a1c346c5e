/// Byte-level character classes used by the parser and the matcher (no `Character` on hot paths).
enum ASCII {
    static let percent = UInt8(ascii: "%")
    static let star = UInt8(ascii: "*")
    static let dollar = UInt8(ascii: "$")
    static let slash = UInt8(ascii: "/")
    static let hash = UInt8(ascii: "#")
    static let colon = UInt8(ascii: ":")
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whitespace as `absl::StripAsciiWhitespace` sees it: space, \t, \n, \v, \f, \r.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always)
    static func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// `[a-zA-Z_-]`, the characters of a robots.txt product token.
    @inline(__always)
    static func isProductTokenByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// Value of a hex digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 &+ 10 }
        return nil
    }

    /// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". Percent-escapes of these are
    /// decoded before comparison (RFC 9309 section 2.2.2); escapes of anything else are kept.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }
}
