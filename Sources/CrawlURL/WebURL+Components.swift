extension WebURL {
    /// The WHATWG serialisation ("href"). Always ASCII; this is the string to hand to libcurl.
    @inlinable public var href: String { serialization }

    /// The scheme, lowercased, without the trailing ":".
    public var scheme: String {
        switch kind {
        case .http: return "http"
        case .https: return "https"
        default: return slice(0, Int(schemeEnd))
        }
    }

    /// Whether the scheme is one of the standard's special schemes (http, https, ws, wss, ftp, file).
    public var isSpecial: Bool { kind.isSpecial }

    /// Whether the scheme is `http` or `https`, the only schemes the crawler fetches.
    public var isHTTP: Bool { kind == .http || kind == .https }

    /// The percent-encoded username, or "" when there is none.
    public var username: String {
        guard hasHost else { return "" }
        return slice(Int(schemeEnd) + 3, Int(usernameEnd))
    }

    /// The percent-encoded password, or "" when there is none.
    public var password: String {
        guard hasHost, usernameEnd < hostStart else { return "" }
        // Credentials are "user[:pass]@"; a password exists iff the username is followed by ":".
        let start = Int(usernameEnd) + 1
        let end = Int(hostStart) - 1
        return start < end ? slice(start, end) : ""
    }

    /// The serialised host: lowercased domain, dotted IPv4, bracketed IPv6, or an opaque host for
    /// non-special schemes. `nil` when the URL has no host (e.g. `mailto:`); "" for `file:///x`.
    public var host: String? {
        guard hasHost else { return nil }
        return slice(Int(hostStart), Int(hostEnd))
    }

    /// The port, or `nil` when absent or equal to the scheme's default (the standard drops it).
    public var port: Int? { flags & WebURL.hasPortFlag != 0 ? Int(portValue) : nil }

    /// `port`, or the scheme's default port (80 for http, 443 for https); `nil` if neither exists.
    public var effectivePort: Int? { port ?? kind.defaultPort }

    /// The serialised path: "/a/b" for hierarchical URLs, the opaque path for `mailto:` and the like.
    public var path: String { slice(Int(pathStart), pathEnd) }

    /// Calls `body` with the path's UTF-8 bytes, without making a String of them.
    public func withPathUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var serialization = serialization
        let start = Int(pathStart)
        let end = pathEnd
        return try serialization.withUTF8 { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with everything before the path ("https://user:pass@host:8443"): what a
    /// path-absolute or scheme-relative reference resolved against this URL keeps of it.
    public func withAuthorityUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var serialization = serialization
        let end = Int(pathStart)
        return try serialization.withUTF8 { try body(UnsafeBufferPointer(rebasing: $0[0..<end])) }
    }

    /// Calls `body` with everything up to and including the path's last "/"
    /// ("https://host/a/b/" of "https://host/a/b/c?q"): what a relative-path reference ("c2",
    /// "../d") resolved against this URL keeps of it. Without a "/" in the path, everything before it.
    public func withDirectoryUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var serialization = serialization
        let start = Int(pathStart)
        let end = pathEnd
        return try serialization.withUTF8 { bytes in
            var cut = start
            for index in stride(from: end - 1, through: start, by: -1) where bytes[index] == UInt8(ascii: "/") {
                cut = index + 1
                break
            }
            return try body(UnsafeBufferPointer(rebasing: bytes[0..<cut]))
        }
    }

    /// Whether the path is opaque (`mailto:x`, `javascript:...`, `data:...`).
    public var hasOpaquePathComponent: Bool { hasOpaquePath }

    /// The query without its "?", `nil` when there is none ("" for a bare "?").
    public var query: String? {
        guard queryStart != WebURL.absent else { return nil }
        return slice(Int(queryStart) + 1, fragmentlessEnd)
    }

    /// The fragment without its "#", `nil` when there is none.
    public var fragment: String? {
        guard fragmentStart != WebURL.absent else { return nil }
        return slice(Int(fragmentStart) + 1, totalLength)
    }

    /// Path plus "?query" when a query exists: the request-target of an HTTP request line.
    public var requestTarget: String { slice(Int(pathStart), fragmentlessEnd) }

    /// "scheme://host:port" with the effective port always written, e.g. "https://example.com:443":
    /// the key for per-host politeness state and robots.txt. Without a host it is "scheme:"; without
    /// any known port (non-special schemes) the ":port" part is left out.
    public var hostKey: String {
        guard hasHost else { return slice(0, Int(schemeEnd) + 1) }
        let scheme = Int(schemeEnd) + 1
        let host = Int(hostStart)..<Int(hostEnd)
        let port = effectivePort
        // Written straight into the string's storage: it is made for every URL the crawl queues or
        // fetches, and an intermediate byte array doubled its allocations.
        let capacity = scheme + 2 + host.count + (port == nil ? 0 : 1 + 20)
        var s = serialization
        return s.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: capacity) { out in
                var n = 0
                for byte in bytes[0..<scheme] { out[n] = byte; n += 1 }
                out[n] = 0x2F
                out[n + 1] = 0x2F
                n += 2
                for byte in bytes[host] { out[n] = byte; n += 1 }
                if let port {
                    out[n] = 0x3A
                    n += 1
                    DecimalDigits.forEach(of: port) { out[n] = $0; n += 1 }
                }
                return n
            }
        }
    }

    /// The same URL without its fragment (itself when it has none).
    public var removingFragment: WebURL {
        guard fragmentStart != WebURL.absent else { return self }
        return WebURL(truncating: self, at: Int(fragmentStart))
    }

    /// Resolves `reference` (e.g. an `href` attribute) against this URL.
    public func resolve(_ reference: String) -> WebURL? { WebURL.parse(reference, base: self) }
}
