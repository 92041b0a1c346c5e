/// What the test server sends back for one request.
public struct ServerResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Response headers, written in order. `Content-Length` and `Transfer-Encoding` are normally
    /// added by the server (see `Body`); `Connection` is managed by the server.
    public var headers: [(name: String, value: String)]
    /// The body and how it is framed.
    public var body: Body
    /// Wait this long (on a scheduled timer, not blocking any thread) before sending the response head.
    public var headerDelay: Duration?

    /// How the body is produced and framed.
    public enum Body: Sendable {
        /// Sent at once with `Content-Length` (unless `headers` already carries one, which then wins:
        /// that is how a test sends a lying length on a kept-alive connection).
        case bytes([UInt8])
        /// `chunk` repeated `count` times (nil = endless until the client disconnects), waiting
        /// `interval` between chunks, written only while the connection is writable (backpressure).
        /// Sent with chunked encoding, or raw (identity) when `headers` carries a `Content-Length`.
        /// An empty `chunk` writes nothing but keeps the timing, so
        /// `.stream(chunk: [], count: nil, interval: nil)` is a body that never arrives.
        case stream(chunk: [UInt8], count: Int?, interval: Duration?)
        /// Written verbatim instead of a normal response (status and headers ignored), then the
        /// connection is closed: for lies such as a wrong Content-Length or garbage.
        case raw([UInt8])
        /// No response: the connection is aborted with a TCP RST (SO_LINGER 0), as a crashed or
        /// hostile server would, so clients see "connection reset by peer".
        case reset
    }

    /// Creates a response.
    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: Body = .bytes([]),
        headerDelay: Duration? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.headerDelay = headerDelay
    }

    /// An HTML page (`text/html; charset=utf-8`).
    public static func html(_ s: String, status: Int = 200) -> ServerResponse {
        ServerResponse(
            status: status, headers: [(name: "Content-Type", value: "text/html; charset=utf-8")],
            body: .bytes(Array(s.utf8)))
    }

    /// A text (or any other) body with the given content type.
    public static func text(_ s: String, contentType: String = "text/plain", status: Int = 200) -> ServerResponse {
        ServerResponse(status: status, headers: [(name: "Content-Type", value: contentType)], body: .bytes(Array(s.utf8)))
    }

    /// A redirect with a `Location` header and a tiny HTML body.
    public static func redirect(to location: String, status: Int = 302) -> ServerResponse {
        ServerResponse(
            status: status,
            headers: [(name: "Location", value: location), (name: "Content-Type", value: "text/html; charset=utf-8")],
            body: .bytes(Array("<html><body>Moved</body></html>".utf8)))
    }

    /// A 404 with a small HTML body.
    public static func notFound() -> ServerResponse {
        .html("<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>", status: 404)
    }

    /// The first header with this name (ASCII case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        for h in headers where asciiCaseInsensitiveEquals(h.name, name) { return h.value }
        return nil
    }
}

/// The request handler a `LocalHTTPServer` calls for each request.
public typealias ServerHandler = @Sendable (ServerRequest) async -> ServerResponse
