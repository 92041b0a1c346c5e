import CCurl

/// One client's cookie jar: libcurl's cookie engine in a share handle that every easy handle of the
/// client points to (`CURLOPT_SHARE`), so a cookie a server sets on one transfer is sent on the next,
/// whichever handle runs it. Memory only: nothing is read from or written to a file.
///
/// Confined to the multi thread, like the easy handles: libcurl needs lock callbacks only for a share
/// used from several threads. Each `CurlEasyHandle` keeps a strong reference, so the share is cleaned
/// up after the last handle (`curl_easy_cleanup` detaches a handle from its share).
final class CurlCookieShare {
    /// `CURLSH *`, owned.
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let raw = curl_share_init() else { return nil }
        guard ccurl_share_setopt_long(raw, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_COOKIE.rawValue)) == CURLSHE_OK else {
            curl_share_cleanup(raw)
            return nil
        }
        self.raw = raw
    }

    deinit {
        curl_share_cleanup(raw)
    }
}

@available(*, unavailable)
extension CurlCookieShare: Sendable {}
