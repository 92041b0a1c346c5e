/// Content-Type inspection: is a response HTML, and with which charset.
public enum ContentType {
    // These run on every response, so they read the header's UTF-8 bytes directly (no `split`, no
    // Character iteration, no lowercased copies). Names and the whitespace trimmed are ASCII, and no
    // other character lowercases to an ASCII letter of "charset", "text/html" or
    // "application/xhtml+xml", so ASCII case folding gives what Unicode lowercasing gave.

    /// The media type without parameters, trimmed (`text/html`); its case is left as sent.
    public static func mediaType(_ contentType: String) -> Substring {
        let utf8 = contentType.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        let (first, last) = trimmedBounds(utf8[..<end])
        return contentType[first..<last]
    }

    /// Whether a Content-Type names HTML (text/html or application/xhtml+xml).
    public static func isHTML(_ contentType: String) -> Bool {
        let type = mediaType(contentType).utf8
        return equalsIgnoringASCIICase(type, "text/html") || equalsIgnoringASCIICase(type, "application/xhtml+xml")
    }

    /// The `charset` parameter, unquoted, if present.
    public static func charset(_ contentType: String) -> String? {
        let utf8 = contentType.utf8
        // Parameters follow the first non-empty `;`-separated segment (the media type); with an
        // empty media type the first parameter takes its place and is not read as one.
        var segmentStart = utf8.startIndex
        var found: String.Index?
        while let semicolon = utf8[segmentStart...].firstIndex(of: UInt8(ascii: ";")) {
            if semicolon > segmentStart {
                found = semicolon
                break
            }
            segmentStart = utf8.index(after: semicolon)
        }
        guard var cursor = found else { return nil }
        while cursor < utf8.endIndex {
            let parameterStart = utf8.index(after: cursor)
            let parameterEnd = utf8[parameterStart...].firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
            cursor = parameterEnd
            // `name=value` with both sides non-empty before trimming; anything else is skipped.
            guard let equals = utf8[parameterStart..<parameterEnd].firstIndex(of: UInt8(ascii: "=")),
                  equals > parameterStart, utf8.index(after: equals) < parameterEnd else { continue }
            let (nameStart, nameEnd) = trimmedBounds(utf8[parameterStart..<equals])
            guard equalsIgnoringASCIICase(utf8[nameStart..<nameEnd], "charset") else { continue }
            var (valueStart, valueEnd) = trimmedBounds(utf8[utf8.index(after: equals)..<parameterEnd])
            if utf8.distance(from: valueStart, to: valueEnd) >= 2, utf8[valueStart] == UInt8(ascii: "\""),
               utf8[utf8.index(before: valueEnd)] == UInt8(ascii: "\"") {
                valueStart = utf8.index(after: valueStart)
                valueEnd = utf8.index(before: valueEnd)
            }
            return valueStart < valueEnd ? String(contentType[valueStart..<valueEnd]) : nil
        }
        return nil
    }

    /// The bounds of `bytes` without ASCII whitespace (space, tab, CR, LF, FF) at either end.
    private static func trimmedBounds(_ bytes: Substring.UTF8View) -> (String.Index, String.Index) {
        var first = bytes.startIndex
        var last = bytes.endIndex
        while first < last, isASCIIWhitespace(bytes[first]) { first = bytes.index(after: first) }
        while last > first, isASCIIWhitespace(bytes[bytes.index(before: last)]) { last = bytes.index(before: last) }
        return (first, last)
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    private static func equalsIgnoringASCIICase(_ bytes: Substring.UTF8View, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        var expected = lowercase.utf8Start
        for byte in bytes {
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard folded == expected.pointee else { return false }
            expected += 1
        }
        return true
    }

    /// For a response without a Content-Type: whether the first bytes look like HTML, following the
    /// WHATWG MIME sniffing rules for the HTML signatures (leading whitespace skipped, tag names
    /// case-insensitive, followed by a space or `>`).
    public static func sniffsAsHTML(_ body: [UInt8]) -> Bool {
        var index = 0
        // Skip a UTF-8 BOM and whitespace.
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { index = 3 }
        while index < body.count, [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(body[index]) { index += 1 }
        let signatures = ["<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div",
                          "<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--"]
        for signature in signatures {
            let pattern = Array(signature.utf8)
            guard body.count - index > pattern.count else { continue }
            var matches = true
            for (offset, expected) in pattern.enumerated() {
                var byte = body[index + offset]
                if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
                if byte != expected {
                    matches = false
                    break
                }
            }
            guard matches else { continue }
            if signature == "<!--" { return true }
            let terminator = body[index + pattern.count]
            if terminator == 0x20 || terminator == 0x3E { return true }
        }
        return false
    }
}

extension Substring {
    /// Trims ASCII whitespace (space, tab, CR, LF, FF) at both ends.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isSpace($0) }) ?? first
        return self[first...last]
    }
}

extension String {
    func trimmingASCIIWhitespace() -> Substring { self[...].trimmingASCIIWhitespace() }
}
