import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TransferError {
    /// Maps a libcurl result onto a ``TransferError/Code``.
    ///
    /// - CURLE_OPERATION_TIMEDOUT: `.tooSlow` when the low-speed limit tripped (curl's message
    ///   "Operation too slow. Less than N bytes/sec ..."); `.connectTimeout` when no connection was
    ///   made (curl timed out while resolving, connecting or in the TLS handshake; or, for wording
    ///   we do not know, CURLINFO_CONNECT_TIME_T == 0); otherwise `.timeout`.
    /// - COULDNT_CONNECT → `.connectionRefused`; COULDNT_RESOLVE_HOST/PROXY → `.dnsFailure`.
    /// - RECV_ERROR / SEND_ERROR → `.connectionReset` when the OS error was ECONNRESET/EPIPE or the
    ///   message says "reset"; otherwise `.other`.
    /// - GOT_NOTHING → `.connectionReset`: the server closed the connection without a byte of
    ///   response, which in practice is an overloaded or idle-closing server (transient, retryable),
    ///   not malformed HTTP.
    /// - SSL_* and PEER_FAILED_VERIFICATION → `.tlsError`.
    /// - FILESIZE_EXCEEDED, and our own cap aborts (WRITE_ERROR / ABORTED_BY_CALLBACK after a callback
    ///   recorded why) → `.tooLarge`.
    /// - PARTIAL_FILE → `.partialBody`.
    /// - WEIRD_SERVER_REPLY, HTTP2, HTTP2_STREAM, UNSUPPORTED_PROTOCOL → `.protocolError`.
    /// - BAD_CONTENT_ENCODING → `.decodeError`; URL_MALFORMAT → `.invalidRequest`.
    /// - Everything else → `.other`.
    static func mapping(
        _ result: CURLcode,
        message: String,
        connectTimeMicroseconds: Int64,
        osErrno: Int
    ) -> TransferError {
        let curlCode = Int32(bitPattern: result.rawValue)
        return TransferError(code: code(for: result, message: message, connectTimeMicroseconds: connectTimeMicroseconds, osErrno: osErrno), curlCode: curlCode, message: message)
    }

    /// When a connection failed because the socket could not be opened here, out of descriptors
    /// (`socketErrno` EMFILE or ENFILE, from the open-socket callback): that says nothing of the
    /// server, so it is not `connection_refused`, which curl's words ("Couldn't connect") suggest.
    static func outOfDescriptors(curlCode result: CURLcode, socketErrno: Int32) -> TransferError? {
        guard socketErrno == EMFILE || socketErrno == ENFILE else { return nil }
        let limit = socketErrno == EMFILE ? "this process's limit, ulimit -n" : "the system's limit"
        return TransferError(
            code: .other, curlCode: Int32(bitPattern: result.rawValue),
            message: "cannot open a socket: too many open files (\(limit))")
    }

    private static func code(for result: CURLcode, message: String, connectTimeMicroseconds: Int64, osErrno: Int) -> Code {
        switch result {
        case CURLE_OPERATION_TIMEDOUT:
            // curl 7.88's wording names the phase (multi.c, connect.c). CONNECT_TIME_T alone cannot
            // tell: it is 0 on a reused connection too.
            if message.hasPrefix("Operation too slow") { return .tooSlow }
            if message.hasPrefix("Resolving timed out")
                || message.hasPrefix("Connection timed out")
                || message.hasPrefix("SSL connection timeout") {
                return .connectTimeout
            }
            if message.hasPrefix("Operation timed out") { return .timeout }
            return connectTimeMicroseconds == 0 ? .connectTimeout : .timeout  // unknown wording
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dnsFailure
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            if osErrno == Int(ECONNRESET) || osErrno == Int(EPIPE) || message.contains("reset") {
                return .connectionReset
            }
            return .other
        case CURLE_GOT_NOTHING:
            return .connectionReset
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tlsError
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_PARTIAL_FILE:
            return .partialBody
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_UNSUPPORTED_PROTOCOL:
            return .protocolError
        case CURLE_BAD_CONTENT_ENCODING:
            return .decodeError
        case CURLE_URL_MALFORMAT:
            return .invalidRequest
        default:
            return .other
        }
    }
}
