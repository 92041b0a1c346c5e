/// Passwords in URLs (`http://user:secret@host/`) never reach the output. A seed may carry one for a
/// site behind basic authentication, and WHATWG resolution copies it into every link on that site, so
/// it would be in the `url`, `parent` and `dedup_key` of every record. As wget does in its logs, the
/// password is replaced, here by `***` (a URL stays valid with it unencoded, and re-serialises the
/// same). The username stays. Requests still use the URL as given.
extension WebURL {
    /// What a password is replaced with in output.
    public static let passwordMark = "***"

    /// Whether the URL has a password other than `passwordMark`.
    var hasUnredactedPassword: Bool {
        guard hasHost, usernameEnd < hostStart else { return false }
        let length = Int(hostStart) - 1 - (Int(usernameEnd) + 1)  // between "user:" and "@"
        return length > 0 && !(length == 3 && password == WebURL.passwordMark)
    }

    /// `href` with any password replaced by `passwordMark` (cut at the parsed components).
    public var hrefWithoutPassword: String {
        guard hasUnredactedPassword else { return serialization }
        return slice(0, Int(usernameEnd) + 1) + WebURL.passwordMark + slice(Int(hostStart) - 1, totalLength)
    }

    /// `text` with the password of the URL it starts with replaced by `passwordMark`: the bytes
    /// between the first ":" and the last "@" of the authority (after "scheme://", up to the first
    /// "/", "?", "#" or "\"). In a serialised URL the username and password are percent-encoded, so
    /// neither holds a ":" or "@" of its own. Text without such a password comes back unchanged; the
    /// check is a scan of the authority's bytes, made for every URL field of every record.
    public static func redactingPassword(in text: String) -> String {
        var text = text
        let cut: (start: Int, end: Int)? = text.withUTF8 { bytes in
            // "scheme://": letters, digits, "+", "-", "." before it (of any length).
            var index = 0
            while index < bytes.count, ASCII.isAlpha(bytes[index]) || ASCII.isDigit(bytes[index])
                || bytes[index] == 0x2B || bytes[index] == 0x2D || bytes[index] == 0x2E {
                index += 1
            }
            guard index > 0, index + 2 < bytes.count, bytes[index] == 0x3A, bytes[index + 1] == 0x2F,
                  bytes[index + 2] == 0x2F else { return nil }
            let authorityStart = index + 3
            var at = -1
            index = authorityStart
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x2F || byte == 0x3F || byte == 0x23 || byte == 0x5C { break }
                if byte == 0x40 { at = index }
                index += 1
            }
            guard at > authorityStart else { return nil }
            var colon = authorityStart
            while colon < at, bytes[colon] != 0x3A { colon += 1 }
            let passwordStart = colon + 1
            guard passwordStart < at else { return nil }  // no ":", or an empty password
            let isMark = at - passwordStart == 3 && bytes[passwordStart] == 0x2A && bytes[passwordStart + 1] == 0x2A
                && bytes[passwordStart + 2] == 0x2A
            return isMark ? nil : (passwordStart, at)
        }
        guard let cut else { return text }
        var out = [UInt8]()
        text.withUTF8 { bytes in
            out.reserveCapacity(bytes.count - (cut.end - cut.start) + 3)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<cut.start]))
            out.append(contentsOf: WebURL.passwordMark.utf8)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cut.end...]))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
