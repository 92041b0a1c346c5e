/// The directives of a `<meta name=robots content=...>` that matter to a crawler.
struct RobotsDirectives {
    var nofollow = false
    var noindex = false

    /// Tokens are comma separated by the convention search engines document; whitespace is also
    /// accepted as a separator because "noindex nofollow" is common in the wild.
    init(_ content: UnsafeBufferPointer<UInt8>) {
        ASCIIBytes.forEachToken(content, separatedBy: { $0 == UInt8(ascii: ",") || ASCIIBytes.isWhitespace($0) }) { token in
            if ASCIIBytes.equals(token, "nofollow") {
                nofollow = true
            } else if ASCIIBytes.equals(token, "noindex") {
                noindex = true
            } else if ASCIIBytes.equals(token, "none") {
                nofollow = true
                noindex = true
            }
        }
    }
}

/// The `charset` parameter of a Content-Type value such as `text/html; charset="ISO-8859-1"`,
/// found as a `<meta http-equiv>`'s content is read by browsers.
enum ContentTypeCharset {
    static func label(in content: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let key: StaticString = "charset"
        let keyLength = key.utf8CodeUnitCount
        var index = 0
        while index + keyLength <= content.count {
            let candidate = UnsafeBufferPointer(rebasing: content[index..<(index + keyLength)])
            guard ASCIIBytes.equals(candidate, key) else {
                index += 1
                continue
            }
            var cursor = index + keyLength
            while cursor < content.count, ASCIIBytes.isWhitespace(content[cursor]) { cursor += 1 }
            guard cursor < content.count, content[cursor] == UInt8(ascii: "=") else {
                index += 1
                continue
            }
            cursor += 1
            while cursor < content.count, ASCIIBytes.isWhitespace(content[cursor]) { cursor += 1 }
            var quote: UInt8?
            if cursor < content.count, content[cursor] == UInt8(ascii: "\"") || content[cursor] == UInt8(ascii: "'") {
                quote = content[cursor]
                cursor += 1
            }
            let start = cursor
            while cursor < content.count {
                let byte = content[cursor]
                if let quote, byte == quote { break }
                if quote == nil, byte == UInt8(ascii: ";") || ASCIIBytes.isWhitespace(byte) { break }
                cursor += 1
            }
            // An unmatched quote declares nothing (the HTML Standard's "extracting a character
            // encoding from a meta element").
            if quote != nil, cursor == content.count { return nil }
            return cursor > start ? UnsafeBufferPointer(rebasing: content[start..<cursor]) : nil
        }
        return nil
    }
}
