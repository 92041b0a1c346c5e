/// The outcome of one ``TransferRequest``: whatever arrived, plus an error when it did not complete.
///
/// Redirects are not followed: a 3xx comes back with its `Location` header so the crawler can
/// check every hop against scope, robots and rate limits.
public struct TransferResponse: Sendable {
    /// HTTP status of the last response; 0 when no response arrived.
    public var status: Int
    /// Headers of the last header block only (reset on each status line, e.g. after `100 Continue`),
    /// in arrival order, names and values as sent (trimmed).
    public var fields: HeaderFields
    /// Decoded body (after Content-Encoding). On error it is kept only when small, for diagnostics.
    public var body: [UInt8]
    /// Body bytes as received on the wire (before content decoding).
    public var rawBytes: Int64
    /// Body bytes after content decoding.
    public var decodedBytes: Int64
    /// The URL libcurl last used (the request URL, since redirects are not followed).
    public var effectiveURL: String
    /// The IP address connected to, if any.
    public var primaryIP: String?
    /// HTTP version of the response: 10, 11, 20 or 30 (HTTP/1.0, 1.1, 2, 3); 0 when unknown.
    public var httpVersion: Int
    /// Phase timings.
    public var timings: TransferTimings
    /// Nil when the transfer completed (any HTTP status); otherwise why it did not.
    public var error: TransferError?
    /// The body was cut at `maxBodyBytes` (only with `TransferRequest.truncatesBody`).
    public var bodyTruncated = false
    /// Bytes of `TransferRequest.memoryBudget` the caller now holds for this body, and must release.
    public var heldBytes = 0

    public init(
        status: Int = 0,
        fields: HeaderFields = HeaderFields(),
        body: [UInt8] = [],
        rawBytes: Int64 = 0,
        decodedBytes: Int64 = 0,
        effectiveURL: String,
        primaryIP: String? = nil,
        httpVersion: Int = 0,
        timings: TransferTimings = .zero,
        error: TransferError? = nil,
        heldBytes: Int = 0
    ) {
        self.heldBytes = heldBytes
        self.status = status
        self.fields = fields
        self.body = body
        self.rawBytes = rawBytes
        self.decodedBytes = decodedBytes
        self.effectiveURL = effectiveURL
        self.primaryIP = primaryIP
        self.httpVersion = httpVersion
        self.timings = timings
        self.error = error
    }

    /// The first header named `name` (ASCII case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        fields.value(named: name)
    }

    /// Every header named `name` (ASCII case-insensitive), in arrival order.
    public func headers(_ name: String) -> [String] {
        fields.values(named: name)
    }
}
