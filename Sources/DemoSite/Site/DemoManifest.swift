/// What a complete crawl of a `DemoSite` from its seeds must find.
public struct DemoManifest: Sendable {
    /// Canonical URL (lower-case scheme and host, explicit non-default port, no fragment, dot segments
    /// resolved) -> expectation, for every URL reachable from the seeds through links and redirects.
    public var pages: [String: ExpectedPage]
    /// Reachable URLs that the hosts' robots.txt disallow (`/private/...`).
    public var robotsDisallowed: Set<String>

    /// What fetching one URL returns.
    public struct ExpectedPage: Sendable, Equatable {
        /// HTTP status.
        public var status: Int
        /// The `Content-Type` the server sends (nil when none).
        public var contentType: String?
        /// Link depth from the seeds (BFS); a redirect target keeps the depth of the redirecting URL.
        public var depth: Int
        /// True when the body is HTML (`text/html`), whatever the status.
        public var isHTML: Bool
        /// Canonical URL of the `Location` for redirects, else nil.
        public var redirectsTo: String?
        /// Page title for 200 HTML pages (e.g. "Host 2 page 17"), else nil.
        public var title: String?

        public init(
            status: Int, contentType: String?, depth: Int, isHTML: Bool, redirectsTo: String? = nil,
            title: String? = nil
        ) {
            self.status = status
            self.contentType = contentType
            self.depth = depth
            self.isHTML = isHTML
            self.redirectsTo = redirectsTo
            self.title = title
        }
    }

    public init(pages: [String: ExpectedPage], robotsDisallowed: Set<String>) {
        self.pages = pages
        self.robotsDisallowed = robotsDisallowed
    }

    /// URLs a crawl should fetch: all of them, minus robots-disallowed ones when robots are obeyed,
    /// limited to `maxDepth` when given.
    public func expectedURLs(respectingRobots: Bool, maxDepth: Int? = nil) -> Set<String> {
        var out = Set<String>()
        for (url, page) in pages {
            if respectingRobots, robotsDisallowed.contains(url) { continue }
            if let maxDepth, page.depth > maxDepth { continue }
            out.insert(url)
        }
        return out
    }

    /// Number of reachable 200 HTML pages.
    public var okHTMLCount: Int { pages.values.filter { $0.status == 200 && $0.isHTML }.count }
}
