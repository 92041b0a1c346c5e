/// One HTTP request as the test server received it (the body is read and discarded).
public struct ServerRequest: Sendable {
    /// The method as sent, e.g. `GET`.
    public var method: String
    /// The request target exactly as sent: path plus optional `?query`.
    public var uri: String
    /// The part of `uri` before `?` (not percent-decoded).
    public var path: String
    /// The part of `uri` after the first `?`, or nil when there is no `?`.
    public var query: String?
    /// Request headers in the order received, names as sent.
    public var headers: [(name: String, value: String)]
    /// The local port of the server that received the request (tells hosts of a multi-host site apart).
    public var serverPort: Int
    /// Size of the request body in bytes (the body itself is discarded).
    public var bodyLength: Int

    /// Creates a request value (mostly for handlers that call other handlers in tests).
    public init(
        method: String, uri: String, headers: [(name: String, value: String)] = [],
        serverPort: Int = 0, bodyLength: Int = 0
    ) {
        self.method = method
        self.uri = uri
        if let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(uri[..<q])
            self.query = String(uri[uri.index(after: q)...])
        } else {
            self.path = uri
            self.query = nil
        }
        self.headers = headers
        self.serverPort = serverPort
        self.bodyLength = bodyLength
    }

    /// The first header with this name (ASCII case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        for h in headers where asciiCaseInsensitiveEquals(h.name, name) { return h.value }
        return nil
    }

    /// All values of headers with this name (ASCII case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }
}

/// Compares two strings byte-wise, folding ASCII letters only (header names are ASCII tokens).
@inlinable
func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { ua in
        b.withUTF8 { ub in
            guard ua.count == ub.count else { return false }
            for i in 0..<ua.count where ua[i] != ub[i] {
                // Setting bit 0x20 lower-cases A-Z; only letters may differ that way.
                let la = ua[i] | 0x20, lb = ub[i] | 0x20
                guard la == lb, la >= UInt8(ascii: "a"), la <= UInt8(ascii: "z") else { return false }
            }
            return true
        }
    }
}
