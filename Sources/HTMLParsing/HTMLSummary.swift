/// What a crawler needs from one HTML document.
public struct HTMLSummary: Sendable, Equatable {
    /// Text of the first `<title>` element (outside `<svg>`): ASCII whitespace collapsed to single
    /// spaces and trimmed, at most ``HTMLSummary/maxTitleBytes`` UTF-8 bytes (cut on a character
    /// boundary). `nil` when the document has no title element; `""` when it is empty.
    public var title: String?
    /// Links in document order, at most the extractor's `maxLinks`.
    public var links: [HTMLLink]
    /// `href` of the first `<base>` element that has one (trimmed, not resolved).
    public var baseHref: String?
    /// `<meta name=robots>` content said `nofollow` or `none`.
    public var robotsNofollow: Bool
    /// `<meta name=robots>` content said `noindex` or `none`.
    public var robotsNoindex: Bool
    /// Charset named by the first `<meta charset>` or `<meta http-equiv=content-type>`, as written
    /// (informational: the document was decoded by the BOM > HTTP > `<meta>` > default order, so
    /// an HTTP charset or a BOM may have overridden it).
    public var declaredCharset: String?
    /// Links found beyond `maxLinks` and dropped.
    public var linksTruncated: Int
    /// Parsing stopped before the end because the markup would have cost libxml2 quadratic time
    /// (thousands of open elements followed by a flood of unmatched end tags), or the memory to
    /// decode the body could not be had. (Bytes invalid in the page's encoding do not stop it:
    /// they become U+FFFD.) Everything found before that point is kept; a crawler may treat the
    /// page as truncated.
    public var parseStoppedEarly: Bool

    /// The cap on `title`, in UTF-8 bytes.
    public static let maxTitleBytes = 1024

    /// Creates a summary; every field defaults to "nothing found".
    public init(
        title: String? = nil,
        links: [HTMLLink] = [],
        baseHref: String? = nil,
        robotsNofollow: Bool = false,
        robotsNoindex: Bool = false,
        declaredCharset: String? = nil,
        linksTruncated: Int = 0,
        parseStoppedEarly: Bool = false
    ) {
        self.title = title
        self.links = links
        self.baseHref = baseHref
        self.robotsNofollow = robotsNofollow
        self.robotsNoindex = robotsNoindex
        self.declaredCharset = declaredCharset
        self.linksTruncated = linksTruncated
        self.parseStoppedEarly = parseStoppedEarly
    }
}
