import CCurl

/// `curl_global_init` result. A global `let` is initialised exactly once, thread-safely (swift_once),
/// on first use: `CurlClient.init` touches it before it starts any curl thread, as libcurl requires.
/// Never paired with `curl_global_cleanup`: other clients may still exist, and process exit frees it.
private let curlGlobalInitResult: CURLcode = ccurl_global_init_default()

enum CurlGlobal {
    static func initialize() throws(TransferError) {
        let result = curlGlobalInitResult
        if result != CURLE_OK {
            throw TransferError(code: .other, curlCode: Int32(bitPattern: result.rawValue), message: "curl_global_init failed: \(String(cString: curl_easy_strerror(result)))")
        }
    }
}

/// The libcurl this process runs with (not the headers it was built against), for `crawl --version`.
public enum CurlLibrary {
    public static var version: String {
        guard let text = ccurl_version_text() else { return "?" }
        return String(cString: text)
    }
}
