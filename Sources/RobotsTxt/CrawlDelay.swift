/// Parsing of `crawl-delay` values.
enum CrawlDelay {
    /// Parses a non-negative decimal number of seconds: digits with an optional fraction
    /// (`1`, `0.5`, `10.0`, `.5`, `5.`). Signs, exponents, units and any other text make the value
    /// invalid (nil), as does a number too large to be finite.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var integer = 0.0
        var fraction = 0.0
        var scale = 1.0
        var digits = 0
        var seenPoint = false
        for byte in bytes {
            if byte &- 0x30 < 10 {
                let digit = Double(byte &- 0x30)
                if seenPoint {
                    scale /= 10
                    fraction += digit * scale
                } else {
                    integer = integer * 10 + digit
                }
                digits += 1
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
        }
        let value = integer + fraction
        guard digits > 0, value.isFinite else { return nil }
        return value
    }
}
