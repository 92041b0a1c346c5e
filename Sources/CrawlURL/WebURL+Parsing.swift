extension WebURL {
    /// Inputs above this many bytes are rejected so every offset fits in a `UInt32` even after
    /// percent-encoding triples the length. Far beyond any URL a crawler keeps (it caps at ~2 KB).
    static let maxInputLength = 64 << 20

    /// Parses `input` as a WHATWG URL, resolving it against `base` when it is relative.
    ///
    /// Returns `nil` where the standard's basic URL parser returns failure, e.g. a relative
    /// reference without a usable base, an invalid host, or a port above 65535.
    public static func parse(_ input: String, base: WebURL? = nil) -> WebURL? {
        var input = input
        // Native Swift strings are already contiguous UTF-8, so this does not copy.
        return input.withUTF8 { parse(utf8: $0, base: base) }
    }

    /// Parses UTF-8 bytes (e.g. an attribute value straight from an HTML parser) against `base`.
    ///
    /// Invalid UTF-8 does not fail the parse unless it is in the host: elsewhere such bytes are
    /// percent-encoded as they are (the standard would first turn them into U+FFFD).
    public static func parse(utf8 input: UnsafeBufferPointer<UInt8>, base: WebURL?) -> WebURL? {
        guard input.count <= maxInputLength else { return nil }
        // Strip leading and trailing C0 control or space.
        var lo = 0
        var hi = input.count
        while lo < hi, input[lo] <= 0x20 { lo &+= 1 }
        while hi > lo, input[hi &- 1] <= 0x20 { hi &-= 1 }
        let trimmed = UnsafeBufferPointer(rebasing: input[lo..<hi])

        // Remove every ASCII tab or newline; copy only when there is one (rare in real links).
        // A min-reduction vectorises; only when some byte is <= CR is the exact check needed.
        var smallest: UInt8 = 0xFF
        for b in trimmed { smallest = Swift.min(smallest, b) }
        var hasTabOrNewline = false
        if smallest <= 0x0D {
            for b in trimmed where b == 0x09 || b == 0x0A || b == 0x0D {
                hasTabOrNewline = true
                break
            }
        }
        if hasTabOrNewline {
            var cleaned = [UInt8]()
            cleaned.reserveCapacity(trimmed.count)
            for b in trimmed where b != 0x09 && b != 0x0A && b != 0x0D { cleaned.append(b) }
            return cleaned.withUnsafeBufferPointer { parseCleaned($0, base: base) }
        }
        return parseCleaned(trimmed, base: base)
    }

    /// Parses any collection of UTF-8 bytes (`[UInt8]`, `ArraySlice<UInt8>`, `String.UTF8View`...).
    public static func parse<Bytes: Collection>(utf8 input: Bytes, base: WebURL?) -> WebURL?
    where Bytes.Element == UInt8 {
        if let result = input.withContiguousStorageIfAvailable({ parse(utf8: $0, base: base) }) {
            return result
        }
        let copy = Array(input)
        return copy.withUnsafeBufferPointer { parse(utf8: $0, base: base) }
    }

    private static func parseCleaned(_ input: UnsafeBufferPointer<UInt8>, base: WebURL?) -> WebURL? {
        guard let base else {
            return URLParser.run(input, base: nil, baseBytes: UnsafeBufferPointer(start: nil, count: 0))
        }
        var baseString = base.serialization
        return baseString.withUTF8 { URLParser.run(input, base: base, baseBytes: $0) }
    }
}
