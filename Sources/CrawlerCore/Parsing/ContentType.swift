/// Content-Type inspection: is a response HTML, and with which charset.
public enum ContentType {
    /// The media type without parameters, lowercased and trimmed (`text/html`).
    public static func mediaType(_ contentType: String) -> Substring {
        let end = contentType.firstIndex(of: ";") ?? contentType.endIndex
        return contentType[..<end].trimmingASCIIWhitespace()
    }

    /// Whether a Content-Type names HTML (text/html or application/xhtml+xml).
    public static func isHTML(_ contentType: String) -> Bool {
        let type = mediaType(contentType).lowercased()
        return type == "text/html" || type == "application/xhtml+xml"
    }

    /// The `charset` parameter, unquoted, if present.
    public static func charset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingASCIIWhitespace().lowercased() == "charset" else { continue }
            var value = pair[1].trimmingASCIIWhitespace()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
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
