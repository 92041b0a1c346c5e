/// URL parameters that carry a session id rather than naming a resource, removed from the
/// duplicate-detection key so that a site which puts a fresh session id into every link
/// (`/page;jsessionid=8F3A…`, `/page?PHPSESSID=…`) does not turn each page into endless new URLs.
///
/// Only the key changes: the URL fetched keeps its parameters, since the server may need them.
/// Names match ASCII case-insensitively, as `name=value` (or a bare `name`) in the query or as a
/// path parameter (`;name=value`, the servlet convention). Values are not inspected.
public struct SessionParameters: Sendable, Equatable {
    /// Lowercased ASCII names.
    let names: [[UInt8]]

    /// The names stripped unless configured otherwise: the session parameters of Java servlets,
    /// PHP, ASP, ColdFusion, osCommerce and Zen Cart. Ambiguous short names such as `sid` or `s`
    /// are left out on purpose: on many sites they name content, and dropping them would merge pages.
    public static let defaultNames = [
        "jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "cfid", "cftoken", "oscsid", "zenid",
    ]

    public static let `default` = SessionParameters(names: defaultNames)
    public static let none = SessionParameters(names: [])

    /// `names` are matched ASCII case-insensitively; empty names are ignored.
    public init(names: [String]) {
        self.names = names.compactMap { name in
            let lowered = name.utf8.map { ASCII.lowercased($0) }
            return lowered.isEmpty ? nil : lowered
        }
    }

    /// The names as matched: lowercased, empty ones dropped.
    public var nameList: [String] { names.map { String(decoding: $0, as: UTF8.self) } }

    /// `key` (a `dedupKey`) without the session parameters; `key` itself when it has none.
    public func strip(_ key: String) -> String {
        guard !names.isEmpty else { return key }
        var key = key
        return key.withUTF8 { bytes -> String? in
            guard let pathStart = Self.pathStart(bytes) else { return nil }
            var queryStart = bytes.count
            for i in pathStart..<bytes.count where bytes[i] == UInt8(ascii: "?") {
                queryStart = i
                break
            }
            // Most keys carry no session parameter: find that out without allocating.
            guard hasMatch(bytes, pathStart: pathStart, queryStart: queryStart) else { return nil }
            var out: [UInt8] = []
            var changed = false
            out.reserveCapacity(bytes.count)
            out.append(contentsOf: bytes[..<pathStart])
            // Path parameters: ";name=value" runs up to the next "/" or ";" (or the query).
            var i = pathStart
            while i < queryStart {
                let b = bytes[i]
                if b == UInt8(ascii: ";") {
                    var end = i + 1
                    while end < queryStart, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: ";") { end += 1 }
                    if matches(bytes, from: i + 1, to: end) {
                        changed = true
                        i = end
                        continue
                    }
                }
                out.append(b)
                i += 1
            }
            guard queryStart < bytes.count else { return changed ? String(decoding: out, as: UTF8.self) : nil }
            // Query parameters, "&"-separated; the "?" goes too when every parameter went.
            var kept: [Range<Int>] = []
            var removedAny = false
            var start = queryStart + 1
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start, matches(bytes, from: start, to: end) {
                    removedAny = true
                } else {
                    kept.append(start..<end)
                }
                start = end + 1
            }
            guard removedAny || changed else { return nil }
            if !removedAny {
                out.append(contentsOf: bytes[queryStart...])
            } else if !kept.isEmpty {
                out.append(UInt8(ascii: "?"))
                for (n, range) in kept.enumerated() {
                    if n > 0 { out.append(UInt8(ascii: "&")) }
                    out.append(contentsOf: bytes[range])
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? key
    }

    /// Whether some path parameter (`;name…` before the query) or query parameter has one of the names.
    private func hasMatch(_ bytes: UnsafeBufferPointer<UInt8>, pathStart: Int, queryStart: Int) -> Bool {
        var i = pathStart
        while i < bytes.count {
            let b = bytes[i]
            let inQuery = i >= queryStart
            if inQuery ? (b == UInt8(ascii: "?") || b == UInt8(ascii: "&")) : b == UInt8(ascii: ";") {
                var end = i + 1
                while end < bytes.count {
                    let c = bytes[end]
                    if c == UInt8(ascii: "&") { break }
                    if !inQuery, end == queryStart || c == UInt8(ascii: "/") || c == UInt8(ascii: ";") { break }
                    end += 1
                }
                if end > i + 1, matches(bytes, from: i + 1, to: end) { return true }
                i = end
                continue
            }
            i += 1
        }
        return false
    }

    /// Whether the parameter `bytes[from..<to]` (`name`, `name=value`) has one of the names.
    private func matches(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var nameEnd = from
        while nameEnd < to, bytes[nameEnd] != UInt8(ascii: "=") { nameEnd += 1 }
        let length = nameEnd - from
        outer: for name in names where name.count == length {
            for k in 0..<length where ASCII.lowercased(bytes[from + k]) != name[k] { continue outer }
            return true
        }
        return false
    }

    /// Index of the path's first byte: the "/" after "scheme://authority".
    private static func pathStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") {
                var j = i + 3
                while j < bytes.count, bytes[j] != UInt8(ascii: "/"), bytes[j] != UInt8(ascii: "?") { j += 1 }
                return j
            }
            i += 1
        }
        return nil
    }
}

extension WebURL {
    /// `dedupKey` without the given session parameters.
    public func dedupKey(stripping parameters: SessionParameters) -> String {
        parameters.strip(dedupKey)
    }
}
