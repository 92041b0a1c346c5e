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

    /// The first Content-Length value if it is a plain non-negative integer.
    static func contentLength(in headers: HeaderFields) -> Int64? {
        headers.withValue(named: "content-length") { Int64(String(decoding: $0, as: UTF8.self)) } ?? nil
    }

    /// The Content-Type's media type, lowercased, without parameters; nil when absent or empty.
    static func mediaType(in headers: HeaderFields) -> String? {
        headers.withValue(named: "content-type") { value -> String? in
            // Up to the first `;`, spaces and tabs trimmed.
            var first = 0
            var last = value.firstIndex(of: UInt8(ascii: ";")) ?? value.count
            while first < last, value[first] == 0x20 || value[first] == 0x09 { first += 1 }
            while last > first, value[last - 1] == 0x20 || value[last - 1] == 0x09 { last -= 1 }
            return first == last ? nil : String(decoding: UnsafeRawBufferPointer(rebasing: value[first..<last]), as: UTF8.self).lowercased()
        } ?? nil
    }
}
