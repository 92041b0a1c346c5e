import CurlTransport
import HTMLParsing

/// crawl's version: in the default User-Agent and in `crawl --version`.
public enum CrawlVersion {
    public static let number = "0.1"

    /// `crawl --version`: crawl's version and the versions of the C libraries the process runs with
    /// (what a bug report needs: a distribution's libcurl decides what a transfer can do).
    public static var text: String {
        "crawl \(number) (libcurl \(CurlLibrary.version), libxml2 \(HTMLParsing.libxml2Version))"
    }
}
