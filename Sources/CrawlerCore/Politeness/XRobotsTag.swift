/// The `X-Robots-Tag` response header, the header form of `<meta name=robots>` (as Google and Bing
/// document it): of its rules the crawl obeys `nofollow` and `none` (which includes it).
///
/// A field is a comma-separated list of rules; a user agent and a colon before a rule start rules
/// for that agent only (`googlebot: nofollow`, `otherbot: noindex, nofollow`), until the next one.
/// A few rules take a value after a colon (`unavailable_after: 25 Jun 2010 15:00:00 PST`): those
/// names are not user agents.
enum XRobotsTag {
    static let rulesWithValues: Set<String> = ["unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"]

    /// Whether `fields` forbid following the page's links, for the crawler whose product token is
    /// `agent` (nil: only rules for every agent count). Names and rules are ASCII case-insensitive.
    static func forbidsFollowing(_ fields: [String], agent: String?) -> Bool {
        let agent = agent.map(lowercased)
        for field in fields {
            // Rules before any user agent are for every agent.
            var scope: Substring?
            for item in field.split(separator: ",", omittingEmptySubsequences: true) {
                var rules = item[...]
                if let colon = item.firstIndex(of: ":") {
                    let name = trimmed(item[..<colon])
                    if !name.isEmpty, !name.contains(where: isSpace), !rulesWithValues.contains(lowercased(name)) {
                        scope = name
                        rules = item[item.index(after: colon)...]
                    }
                }
                if let scope, lowercased(scope) != agent { continue }
                let forbids = rules.split(whereSeparator: isSpace).contains { rule in
                    let rule = lowercased(rule)
                    return rule == "nofollow" || rule == "none"
                }
                if forbids { return true }
            }
        }
        return false
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let start = text.firstIndex { !isSpace($0) } ?? text.endIndex
        let end = text.lastIndex { !isSpace($0) }.map(text.index(after:)) ?? start
        return text[start..<max(start, end)]
    }

    private static func lowercased<S: StringProtocol>(_ text: S) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
