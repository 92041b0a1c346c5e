import CrawlerCore
import HTMLParsing

/// The production page parser behind the core's `PageParser` protocol: `HTMLLinkExtractor`, whose
/// fast-path scanner gives libxml2's answer or hands the page to libxml2's SAX HTML parser.
/// One instance per parse thread (`HTMLLinkExtractor` is thread-confined and reused across documents).
public final class LibXML2PageParser: PageParser {
    private let extractor: HTMLLinkExtractor

    /// `robotsAgent`: the crawler's product token, a `<meta>` name obeyed as `robots` is.
    public init(maxLinks: Int = 10_000, robotsAgent: String? = nil) {
        HTMLParsing.initialize()
        extractor = HTMLLinkExtractor(maxLinks: maxLinks, robotsAgent: robotsAgent)
    }

    public func parse(_ body: [UInt8], charset: String?) -> ParsedPage {
        let summary = extractor.extract(body, charset: charset)
        return ParsedPage(
            title: summary.title,
            links: summary.links.map { ParsedLink(href: $0.url, nofollow: $0.nofollow) },
            baseHref: summary.baseHref,
            nofollow: summary.robotsNofollow,
            linksTruncated: summary.linksTruncated)
    }

    public static let factory: PageParserFactory = { LibXML2PageParser() }
}

@available(*, unavailable)
extension LibXML2PageParser: Sendable {}
