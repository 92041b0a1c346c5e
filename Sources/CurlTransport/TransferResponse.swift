/// The outcome of one ``TransferRequest``: whatever arrived, plus an error when it did not complete.
///
/// Redirects are not followed: a 3xx comes back with its `Location` header so the crawler can
/// check every hop against scope, robots and rate limits.
public struct TransferResponse: Sendable {
    /// HTTP status of the last response; 0 when no response arrived.
    public var status: Int
    /// Headers of the last header block only (reset on each status line, e.g. after `100 Continue`),
    /// in arrival order, names and values as sent (values trimmed).
    public var headers: [(name: String, value: String)]
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
        headers: [(name: String, value: String)] = [],
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
        self.headers = headers
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
        for field in headers where Self.asciiCaseInsensitiveEqual(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Compares UTF-8 bytes folding only ASCII letters: header names are ASCII tokens, and this
    /// avoids Unicode case mapping on a hot path.
    static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        // Native strings know their UTF-8 count: most names differ in length, and stop here.
        guard a.utf8.count == b.utf8.count else { return false }
        // Contiguous bytes (the names are native strings, so no copy): no iterator per character.
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for index in 0..<x.count where x[index] != y[index] {
                    let lx = (x[index] >= 0x41 && x[index] <= 0x5A) ? x[index] | 0x20 : x[index]
                    let ly = (y[index] >= 0x41 && y[index] <= 0x5A) ? y[index] | 0x20 : y[index]
                    if lx != ly { return false }
                }
                return true
            }
        }
    }
}
