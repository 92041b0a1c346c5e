/// One request as the server saw it: who asked for what, and when the response started and ended.
public struct RequestLogEntry: Sendable {
    /// The local port of the server that received it (one port = one host of a multi-host site).
    public var port: Int
    /// Request method as sent.
    public var method: String
    /// Request target as sent (path plus query).
    public var uri: String
    /// `uri` without its query.
    public var path: String
    /// The `Host` header, or nil when absent.
    public var host: String?
    /// All request headers in order.
    public var headers: [(name: String, value: String)]
    /// When the complete request had been received.
    public var start: ContinuousClock.Instant
    /// When the response was fully written, or the connection dropped; nil while in flight.
    public var end: ContinuousClock.Instant?
    /// The status the handler answered with; nil while the handler runs (or for `.raw` bodies).
    public var status: Int?
    /// True when the whole response was written; false while in flight or when the client left first.
    public var completed: Bool

    /// The first request header with this name (ASCII case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        for h in headers where asciiCaseInsensitiveEquals(h.name, name) { return h.value }
        return nil
    }
}
