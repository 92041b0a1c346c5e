/// Byte-level parsing of the header lines libcurl hands to the header callback.
enum HeaderLine {
    /// "HTTP/1.1 200 OK", "HTTP/2 200" (curl synthesises the latter for HTTP/2).
    static func isStatusLine(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= 5 && line[0] == 0x48 && line[1] == 0x54 && line[2] == 0x54 && line[3] == 0x50 && line[4] == 0x2F
    }

    /// The three-digit code after the first space, or 0.
    static func status(_ line: UnsafeRawBufferPointer) -> Int {
        guard let space = line.firstIndex(of: 0x20) else { return 0 }
        var index = space
        while index < line.count, line[index] == 0x20 { index += 1 }
        var value = 0
        var digits = 0
        while index < line.count, digits < 3, line[index] >= 0x30, line[index] <= 0x39 {
            value = value * 10 + Int(line[index] - 0x30)
            index += 1
            digits += 1
        }
        return digits == 3 ? value : 0
    }

    /// "Name: value" split at the first colon, both trimmed; nil without a colon or a name.
    static func field(_ line: UnsafeRawBufferPointer) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: 0x3A) else { return nil }
        let name = trimmed(UnsafeRawBufferPointer(rebasing: line[0..<colon]))
        if name.isEmpty { return nil }
        let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        return (name, value)
    }

    /// The bytes without leading and trailing spaces and tabs, decoded as UTF-8 (invalid bytes
    /// become U+FFFD; header values from hostile servers are not trusted to be valid).
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> String {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// The first Content-Length value if it is a plain non-negative integer.
    static func contentLength(in headers: [(name: String, value: String)]) -> Int64? {
        for field in headers where TransferResponse.asciiCaseInsensitiveEqual(field.name, "content-length") {
            return Int64(field.value)
        }
        return nil
    }

    /// The Content-Type's media type, lowercased, without parameters; nil when absent or empty.
    static func mediaType(in headers: [(name: String, value: String)]) -> String? {
        for field in headers where TransferResponse.asciiCaseInsensitiveEqual(field.name, "content-type") {
            // Byte-level (this runs on every response): up to the first `;`, spaces and tabs trimmed.
            let value = field.value
            let utf8 = value.utf8
            var first = utf8.startIndex
            var last = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
            while first < last, utf8[first] == 0x20 || utf8[first] == 0x09 { first = utf8.index(after: first) }
            while last > first, utf8[utf8.index(before: last)] == 0x20 || utf8[utf8.index(before: last)] == 0x09 {
                last = utf8.index(before: last)
            }
            return first == last ? nil : value[first..<last].lowercased()
        }
        return nil
    }
}
