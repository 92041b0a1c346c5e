/// One compiled `--include` / `--exclude` pattern: the runtime's POSIX regular expression
/// (`CrawlRuntime.POSIXPattern`); the core's tests use fakes.
public protocol URLPattern: Sendable {
    /// Whether the pattern occurs anywhere in the URL (its serialised `href`).
    func matches(_ href: String) -> Bool
}

/// `--include` / `--exclude`: patterns a URL must match (one of the includes, when any are given)
/// and must not match (every exclude) to be followed from a link or a redirect.
///
/// The URL matched is the one crawl would request (the WHATWG serialisation: lower-case scheme and
/// host, punycode, percent-encoding, no fragment).
public struct URLFilter: Sendable {
    public let includes: [any URLPattern]
    public let excludes: [any URLPattern]

    /// No pattern: every URL passes.
    public static let none = URLFilter(includes: [], excludes: [])

    public init(includes: [any URLPattern], excludes: [any URLPattern]) {
        self.includes = includes
        self.excludes = excludes
    }

    public var isEmpty: Bool { includes.isEmpty && excludes.isEmpty }

    /// Whether a URL is followed.
    public func allows(_ href: String) -> Bool {
        if !includes.isEmpty, !includes.contains(where: { $0.matches(href) }) { return false }
        return !excludes.contains { $0.matches(href) }
    }
}
