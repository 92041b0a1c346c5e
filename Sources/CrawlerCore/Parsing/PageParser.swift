/// A link as it appears in a page, before resolution.
public struct ParsedLink: Sendable, Equatable {
    public var href: String
    /// `rel=nofollow` on the link itself.
    public var nofollow: Bool

    public init(href: String, nofollow: Bool = false) {
        self.href = href
        self.nofollow = nofollow
    }
}

/// What the crawl needs from an HTML page.
public struct ParsedPage: Sendable {
    public var title: String?
    public var links: [ParsedLink]
    /// The first `<base href>`, unresolved.
    public var baseHref: String?
    /// `<meta name=robots content=nofollow>` (or `none`, or a meta named for the crawler), or the
    /// response's `X-Robots-Tag`: no link of the page is followed.
    public var nofollow: Bool
    /// Links the parser found beyond its own cap and did not return (counted as `outlink_cap`).
    public var linksTruncated: Int

    public init(
        title: String? = nil, links: [ParsedLink] = [], baseHref: String? = nil, nofollow: Bool = false,
        linksTruncated: Int = 0
    ) {
        self.title = title
        self.links = links
        self.baseHref = baseHref
        self.nofollow = nofollow
        self.linksTruncated = linksTruncated
    }
}

/// An HTML parser. Instances are confined to one parse thread and reused for every document it
/// parses (so they need not be `Sendable`); `PageParserFactory` makes one per thread.
public protocol PageParser {
    /// `charset` is the Content-Type's charset parameter, if any.
    func parse(_ body: [UInt8], charset: String?) -> ParsedPage
}

public typealias PageParserFactory = @Sendable () -> any PageParser
