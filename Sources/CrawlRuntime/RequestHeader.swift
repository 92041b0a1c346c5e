/// A `--header 'Name: value'` sent with the crawl's requests.
///
/// Headers that carry credentials (`Cookie`, `Authorization`) go only to the seeds' hosts: under
/// `--scope domain` or `all` a crawl reaches servers the user did not name, which must not receive a
/// session cookie or a token meant for the site (curl drops the same headers when a redirect leaves
/// the host). Every other header goes to every host.
public struct RequestHeader: Sendable, Equatable {
    public let name: String
    public let value: String
    /// The header line as libcurl sends it.
    public let line: String
    /// Sent only to the seeds' hosts. (Worked out once: it is asked for every request.)
    public let isCredential: Bool
    /// A `Cookie` header (joins the cookie jar's line under `--cookies`).
    public let isCookie: Bool

    static let credentialNames: Set<String> = ["cookie", "authorization"]

    /// Headers crawl sets itself, so a `--header` could only break them: framing and the connection
    /// (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, `Upgrade`, `TE`, `Expect`), the
    /// body's decoding (`Accept-Encoding`: crawl decodes what it asks for), the conditional re-fetch
    /// (`If-None-Match`, `If-Modified-Since`), the range (`Range`: a partial body would be taken for
    /// the page), and `User-Agent` (`--user-agent`, which robots.txt rules are matched against).
    static let reservedNames: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "expect",
        "accept-encoding", "if-none-match", "if-modified-since", "if-match", "if-unmodified-since",
        "if-range", "range", "user-agent", "proxy-authorization", "proxy-connection", "keep-alive",
    ]

    /// Parses `Name: value`; throws why it cannot be sent.
    public init(parsing text: String) throws(RequestHeaderError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw RequestHeaderError(text: text, reason: "expected 'Name: value'")
        }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...]).trimmingSpacesAndTabs()
        // RFC 9110 5.1: a field name is a token.
        guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
            throw RequestHeaderError(text: text, reason: "'\(name)' is not a header name (letters, digits and !#$%&'*+-.^_`|~, no spaces)")
        }
        let lowercased = name.lowercased()
        guard !Self.reservedNames.contains(lowercased) else {
            throw RequestHeaderError(text: text, reason: "\(name) is set by crawl itself" + (lowercased == "user-agent" ? " (use --user-agent)" : ""))
        }
        // An empty value would make libcurl drop a header of that name instead of sending one.
        guard !value.isEmpty else { throw RequestHeaderError(text: text, reason: "no value") }
        // RFC 9110 5.5: visible characters, spaces and tabs, and bytes of 0x80 and above; no CR, LF
        // or NUL, which would end the line and start one of the caller's making.
        guard value.utf8.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else {
            throw RequestHeaderError(text: text, reason: "the value holds a control character (a line break?)")
        }
        self.name = name
        self.value = value
        line = "\(name): \(value)"
        isCredential = Self.credentialNames.contains(lowercased)
        isCookie = lowercased == "cookie"
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// A `--header` that cannot be sent, and why.
public struct RequestHeaderError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String

    public var description: String { reason }
}

extension String {
    /// Without leading and trailing spaces and tabs (a header value's optional whitespace).
    fileprivate func trimmingSpacesAndTabs() -> String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
