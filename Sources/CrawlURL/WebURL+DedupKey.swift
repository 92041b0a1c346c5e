extension WebURL {
    /// The crawl's duplicate-detection key: two URLs with the same key are fetched once.
    ///
    /// Rule: the `href` without its fragment, which already has the scheme and host lowercased,
    /// the default port dropped, "." / ".." segments (including "%2e" forms) resolved and
    /// everything outside the allowed sets percent-encoded. Beyond the WHATWG serialisation:
    /// - `%XX` encoding an RFC 3986 unreserved character (ALPHA / DIGIT / "-" / "." / "_" / "~")
    ///   is decoded (`%7e` → `~`, `%41` → `A`): RFC 3986 §6.2.2.2 makes them equivalent.
    /// - every other `%XX` gets uppercase hex digits (`%2f` → `%2F`) but stays encoded, because
    ///   a server may treat `/a%2Fb` and `/a/b` differently (§6.2.2.1).
    /// - a `%` not followed by two hex digits is left as it is, and a hex digit that decoding would
    ///   place right after it (or after it and one hex digit) stays encoded, so that no escape is
    ///   created that the URL did not have (`/%%34%31` keys as `/%%341`, not as `/%41`).
    /// Nothing else changes: query parameter order, an empty query ("?"), trailing slashes,
    /// letter case in path and query, and reserved characters are all kept, since servers may
    /// give different answers for them.
    /// - a password is replaced by `passwordMark` (see WebURL+Credentials): the key is written to
    ///   every record, and two URLs that differ only in their password name one resource.
    public var dedupKey: String {
        // The redacted URL is parsed again so that the key is made of a URL's serialisation, as for
        // any other; it has no password left to redact, so this does not recurse.
        if hasUnredactedPassword, let redacted = WebURL.parse(hrefWithoutPassword) { return redacted.keyOfSerialization }
        return keyOfSerialization
    }

    /// The key's normalisation of `serialization` as it is (the password included).
    private var keyOfSerialization: String {
        let end = fragmentlessEnd
        var s = serialization
        return s.withUTF8 { bytes in
            var firstPercent = -1
            for i in 0..<end where bytes[i] == 0x25 {
                firstPercent = i
                break
            }
            if firstPercent < 0 {
                return end == bytes.count ? serialization : String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
            }
            var out = [UInt8]()
            out.reserveCapacity(end)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<firstPercent]))
            var i = firstPercent
            // Index in `out` of the last "%" copied as it is (one not starting an escape). A hex
            // digit decoded right after it, or after it and one hex digit, would turn it into a new
            // escape: "/a%%32Fb" would key as "/a%2Fb", the key of "/a%2Fb", though a server
            // decodes the two differently (found by Fuzz/Targets/FuzzURLParser.swift). Such a
            // digit stays encoded instead.
            var strayPercent = -3
            while i < end {
                let b = bytes[i]
                if b == 0x25, i + 2 < end, let high = ASCII.hexValue(bytes[i + 1]), let low = ASCII.hexValue(bytes[i + 2]) {
                    let decoded = high << 4 | low
                    let joinsStrayPercent = ASCII.isHexDigit(decoded)
                        && (strayPercent == out.count - 1 || (strayPercent == out.count - 2 && ASCII.isHexDigit(out[out.count - 1])))
                    if WebURL.isUnreserved(decoded), !joinsStrayPercent {
                        out.append(decoded)
                    } else {
                        out.append(0x25)
                        out.append(ASCII.upperHex(high))
                        out.append(ASCII.upperHex(low))
                    }
                    i += 3
                } else {
                    if b == 0x25 { strayPercent = out.count }
                    out.append(b)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
    @inline(__always)
    static func isUnreserved(_ b: UInt8) -> Bool {
        ASCII.isAlpha(b) || ASCII.isDigit(b) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
    }
}
