/// The HTML Standard's "prescan a byte stream to determine its encoding": the `<meta charset>` or
/// `<meta http-equiv=content-type content="...; charset=...">` in the first 1024 bytes, read
/// without a parser (comments and other tags' attributes are skipped so a quoted `<meta` inside
/// them does not count).
///
/// It runs only when there is no byte order mark and no usable HTTP charset, on at most 1 KB.
enum MetaCharsetPrescan {
    /// How far the prescan looks, as browsers do.
    static let limit = 1024

    /// The encoding declared by the first usable `<meta>`, or nil. UTF-16 declarations mean UTF-8
    /// (a page whose bytes could be read as ASCII to find the meta is not UTF-16) and
    /// x-user-defined means windows-1252, as the standard says.
    static func encoding(in bytes: UnsafeRawBufferPointer) -> TextEncoding? {
        guard let raw = bytes.baseAddress else { return nil }
        var scanner = Scanner(base: raw.assumingMemoryBound(to: UInt8.self), end: min(bytes.count, limit))
        guard let found = scanner.run() else { return nil }
        if found.isUTF16 { return .utf8 }
        if found == .xUserDefined { return .windows1252 }
        return found
    }

    private struct Scanner {
        let base: UnsafePointer<UInt8>
        let end: Int
        var position = 0

        init(base: UnsafePointer<UInt8>, end: Int) {
            self.base = base
            self.end = end
        }

        mutating func run() -> TextEncoding? {
            while position < end {
                if matches("<!--") {
                    // The comment ends at the first "-->", whose dashes may be those of "<!--".
                    position += 2
                    while position + 2 < end, !(base[position] == 0x2D && base[position + 1] == 0x2D && base[position + 2] == 0x3E) {
                        position += 1
                    }
                    position += 2  // at the `>`; the step below moves past it
                } else if matchesIgnoringCase("<meta"), position + 5 < end,
                          ASCIIBytes.isWhitespace(base[position + 5]) || base[position + 5] == UInt8(ascii: "/") {
                    position += 6
                    if let encoding = metaElement() { return encoding }
                    continue
                } else if base[position] == UInt8(ascii: "<"), position + 1 < end,
                          isLetter(base[position + 1])
                            || (base[position + 1] == UInt8(ascii: "/") && position + 2 < end && isLetter(base[position + 2])) {
                    // A start or end tag: skip its name and attributes.
                    while position < end, !ASCIIBytes.isWhitespace(base[position]), base[position] != UInt8(ascii: ">") {
                        position += 1
                    }
                    while nextAttribute() != nil {}
                } else if base[position] == UInt8(ascii: "<"), position + 1 < end,
                          base[position + 1] == UInt8(ascii: "!") || base[position + 1] == UInt8(ascii: "/")
                            || base[position + 1] == UInt8(ascii: "?") {
                    // Doctype, processing instruction, bogus comment: up to the next `>`.
                    while position < end, base[position] != UInt8(ascii: ">") { position += 1 }
                }
                position += 1
            }
            return nil
        }

        /// Reads the attributes of a `<meta>` whose name has been passed. Returns the encoding it
        /// declares, or nil to continue the prescan after it.
        private mutating func metaElement() -> TextEncoding? {
            var seen: Set<[UInt8]> = []
            var gotPragma = false
            var needPragma: Bool?
            var charset: TextEncoding?
            var charsetFailed = false
            while let (name, value) = nextAttribute() {
                guard seen.insert(name).inserted else { continue }
                switch name {
                case Array("http-equiv".utf8):
                    if value == Array("content-type".utf8) { gotPragma = true }
                case Array("content".utf8):
                    // Only a known encoding counts here; an unknown one leaves charset unset.
                    guard charset == nil, !charsetFailed,
                          let label = value.withUnsafeBufferPointer({ ContentTypeCharset.label(in: $0).map(Array.init) }),
                          let found = label.withUnsafeBufferPointer(CharsetLabel.encoding(forLabel:)) else { continue }
                    charset = found
                    needPragma = true
                case Array("charset".utf8):
                    charset = value.withUnsafeBufferPointer(CharsetLabel.encoding(forLabel:))
                    charsetFailed = charset == nil
                    needPragma = false
                default:
                    break
                }
            }
            guard let needPragma, !needPragma || gotPragma else { return nil }
            return charset
        }

        /// The standard's "get an attribute": lowercased name and value, or nil at `>` or the end.
        private mutating func nextAttribute() -> (name: [UInt8], value: [UInt8])? {
            while position < end, ASCIIBytes.isWhitespace(base[position]) || base[position] == UInt8(ascii: "/") {
                position += 1
            }
            guard position < end, base[position] != UInt8(ascii: ">") else { return nil }
            var name: [UInt8] = []
            // Name: up to `=` (not as its first byte), whitespace, `/` or `>`.
            while true {
                guard position < end else { return nil }
                let byte = base[position]
                if byte == UInt8(ascii: "="), !name.isEmpty {
                    position += 1
                    return readValue(name: name)
                }
                if ASCIIBytes.isWhitespace(byte) { break }
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") { return (name, []) }
                name.append(ASCIIBytes.lower(byte))
                position += 1
            }
            while position < end, ASCIIBytes.isWhitespace(base[position]) { position += 1 }
            guard position < end else { return nil }
            guard base[position] == UInt8(ascii: "=") else { return (name, []) }
            position += 1
            return readValue(name: name)
        }

        private mutating func readValue(name: [UInt8]) -> (name: [UInt8], value: [UInt8])? {
            var value: [UInt8] = []
            while position < end, ASCIIBytes.isWhitespace(base[position]) { position += 1 }
            guard position < end else { return nil }
            let first = base[position]
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                position += 1
                while position < end {
                    let byte = base[position]
                    position += 1
                    if byte == first { return (name, value) }
                    value.append(ASCIIBytes.lower(byte))
                }
                return nil
            }
            if first == UInt8(ascii: ">") { return (name, value) }
            while position < end {
                let byte = base[position]
                if ASCIIBytes.isWhitespace(byte) || byte == UInt8(ascii: ">") { return (name, value) }
                value.append(ASCIIBytes.lower(byte))
                position += 1
            }
            return nil
        }

        private func matches(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard position + count <= end else { return false }
            for index in 0..<count where base[position + index] != literal.utf8Start[index] { return false }
            return true
        }

        private func matchesIgnoringCase(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard position + count <= end else { return false }
            return ASCIIBytes.equals(UnsafeBufferPointer(start: base + position, count: count), literal)
        }

        private func isLetter(_ byte: UInt8) -> Bool {
            let lower = byte | 0x20
            return lower >= 0x61 && lower <= 0x7A
        }
    }
}
