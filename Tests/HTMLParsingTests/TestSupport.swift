import HTMLParsing

/// Parses `html` (as UTF-8 bytes) with a fresh extractor.
func summarize(_ html: String, charset: String? = nil, maxLinks: Int = 10_000) -> HTMLSummary {
    HTMLLinkExtractor(maxLinks: maxLinks).extract(Array(html.utf8), charset: charset)
}

/// Parses raw bytes with a fresh extractor.
func summarize(bytes: [UInt8], charset: String? = nil) -> HTMLSummary {
    HTMLLinkExtractor().extract(bytes, charset: charset)
}

extension HTMLSummary {
    var urls: [String] { links.map(\.url) }
}
