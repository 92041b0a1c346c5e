/// Why a transfer did not complete. An HTTP error status is not a `TransferError`.
///
/// A struct over a private enum (like async-http-client's `HTTPClientError`) so codes can be added
/// without breaking callers that `switch` on them.
public struct TransferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; see `TransferError+Curl.swift` for how curl codes map onto it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case timeout, connectTimeout, tooSlow, connectionRefused, connectionReset, dnsFailure
            case tlsError, tooLarge, partialBody, protocolError, decodeError, cancelled
            case invalidRequest, bodySkipped, blockedAddress, other
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The total timeout expired after a connection was made.
        public static let timeout = Code(.timeout)
        /// The connect timeout (or total timeout) expired before any connection was made.
        public static let connectTimeout = Code(.connectTimeout)
        /// The low-speed limit tripped.
        public static let tooSlow = Code(.tooSlow)
        /// The TCP connection was refused (or otherwise could not be made).
        public static let connectionRefused = Code(.connectionRefused)
        /// The peer reset or closed the connection without a response.
        public static let connectionReset = Code(.connectionReset)
        /// The host name did not resolve.
        public static let dnsFailure = Code(.dnsFailure)
        /// TLS handshake or certificate verification failed.
        public static let tlsError = Code(.tlsError)
        /// The body (raw or decoded) or the header block exceeded its cap.
        public static let tooLarge = Code(.tooLarge)
        /// The connection ended before the announced body length, or a content-coded body's stream
        /// stopped before its end.
        public static let partialBody = Code(.partialBody)
        /// The server spoke broken HTTP (or HTTP/2), or an unsupported scheme was used.
        public static let protocolError = Code(.protocolError)
        /// The Content-Encoding could not be decoded.
        public static let decodeError = Code(.decodeError)
        /// The caller's task was cancelled, or the client shut down.
        public static let cancelled = Code(.cancelled)
        /// The request was rejected before reaching libcurl (NUL/CR/LF in URL or headers, ...).
        public static let invalidRequest = Code(.invalidRequest)
        /// The response's Content-Type was not in `TransferRequest.acceptedMediaTypes`: status and
        /// headers are valid, the body was not kept. Not a failure of the server.
        public static let bodySkipped = Code(.bodySkipped)
        /// Every address the host resolved to was refused by the address policy
        /// (`TransferRequest.allowsNonPublicAddresses`); no connection was made.
        public static let blockedAddress = Code(.blockedAddress)
        /// Anything else; `curlCode` and `message` tell more.
        public static let other = Code(.other)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The libcurl `CURLcode` (0 when the failure did not come from libcurl).
    public var curlCode: Int32
    /// libcurl's error buffer, or `curl_easy_strerror`, or our own reason.
    public var message: String

    public init(code: Code, curlCode: Int32 = 0, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
    }

    public var description: String {
        curlCode == 0 ? "\(code): \(message)" : "\(code): \(message) (curl code \(curlCode))"
    }
}
