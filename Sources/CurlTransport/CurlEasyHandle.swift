import CCurl
import ContentCoding

/// One libcurl easy handle with the options that never change between transfers.
///
/// Handles are reused from a free list: reuse keeps curl's per-handle state warm and means only
/// the per-transfer options are set each time (see `CurlTransfer.configure`). Confined to the multi
/// thread; it must not cross threads, hence the unavailable `Sendable` conformance.
final class CurlEasyHandle {
    /// `CURL *`, owned: cleaned up in deinit, which runs on the multi thread.
    let raw: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER storage; curl writes a NUL-terminated message here on failure.
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The client's cookie jar, held so it outlives this handle (see `CurlCookieShare`).
    private let cookies: CurlCookieShare?
    /// CURLOPT_COOKIE is set from an earlier transfer, so the next one must clear it if it has none.
    var hasCookieOption = false

    /// CURLOPT_BUFFERSIZE: bytes of one receive.
    static let receiveBufferBytes = 64 << 10

    /// Returns nil when libcurl cannot create a handle or rejects a static option.
    init?(configuration: CurlClientConfiguration, resolve: UnsafeMutablePointer<curl_slist>?, cookies: CurlCookieShare? = nil) {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))

        var ok = true
        func check(_ code: CURLcode) { if code != CURLE_OK { ok = false } }

        // Signals: curl must never use SIGALRM for DNS timeouts in a multithreaded process.
        check(ccurl_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1))
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer))
        // 7.88 would follow redirects to any protocol curl knows; we allow only http(s), and the
        // crawler follows redirects itself so every hop passes scope, robots and rate limits.
        check(ccurl_easy_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(ccurl_easy_setopt_string(raw, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        check(ccurl_easy_setopt_long(raw, CURLOPT_FOLLOWLOCATION, 0))
        check(ccurl_easy_setopt_long(raw, CURLOPT_MAXREDIRS, 0))
        // Accept-Encoding is sent, but bodies arrive as they came: `CurlTransfer` decodes them with
        // `ContentDecoder`, which (unlike libcurl 7.88) fails a stream that stops before its end.
        check(ccurl_easy_setopt_string(raw, CURLOPT_ACCEPT_ENCODING, ContentCoding.acceptEncoding))
        check(ccurl_easy_setopt_long(raw, CURLOPT_HTTP_CONTENT_DECODING, 0))
        check(ccurl_easy_setopt_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        check(ccurl_easy_setopt_long(raw, CURLOPT_HTTP09_ALLOWED, 0))
        check(ccurl_easy_setopt_string(raw, CURLOPT_USERAGENT, configuration.userAgent))
        check(ccurl_easy_setopt_write_function(raw, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        check(ccurl_easy_setopt_write_function(raw, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        check(ccurl_easy_setopt_xferinfo_function(raw, curlXferInfoCallback))
        check(ccurl_easy_setopt_long(raw, CURLOPT_NOPROGRESS, 0))
        // A 64 KiB receive buffer (the default is 16 KiB): a typical page arrives in one recv and one
        // write callback instead of two or three, which measurably cuts the loop thread's work.
        check(ccurl_easy_setopt_long(raw, CURLOPT_BUFFERSIZE, Self.receiveBufferBytes))
        // Every new connection's resolved address passes the transfer's address policy.
        check(ccurl_easy_setopt_opensocket_function(raw, curlOpenSocketCallback))
        // The moment a request is sent, for `TransferRequest.onSend`.
        check(ccurl_easy_setopt_prereq_function(raw, curlPrereqCallback))
        // "" disables proxies, including those from the environment.
        check(ccurl_easy_setopt_string(raw, CURLOPT_PROXY, configuration.proxy ?? ""))
        if let caFile = configuration.caFile {
            check(ccurl_easy_setopt_string(raw, CURLOPT_CAINFO, caFile))
        }
        if let resolve {
            check(ccurl_easy_setopt_slist(raw, CURLOPT_RESOLVE, resolve))
        }
        self.cookies = cookies
        if let cookies {
            check(ccurl_easy_setopt_pointer(raw, CURLOPT_SHARE, cookies.raw))
            // "" turns the cookie engine on without reading a file.
            check(ccurl_easy_setopt_string(raw, CURLOPT_COOKIEFILE, ""))
        }
        if !ok { return nil }
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// The error buffer's message, or curl_easy_strerror(code) when curl left it empty.
    func errorMessage(for code: CURLcode) -> String {
        if errorBuffer[0] != 0 {
            var message = String(cString: errorBuffer)
            while message.last == "\n" { message.removeLast() }
            return message
        }
        return String(cString: curl_easy_strerror(code))
    }

    // MARK: typed getinfo

    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    func infoOffset(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return ccurl_easy_getinfo_off_t(raw, info, &value) == CURLE_OK ? Int64(value) : 0
    }

    func infoString(_ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard ccurl_easy_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}

@available(*, unavailable)
extension CurlEasyHandle: Sendable {}
