/// The `X-Robots-Tag` response header, the header form of `<meta name=robots>` (as Google and Bing
/// document it): of its rules the crawl obeys `nofollow` and `none` (which includes it).
///
/// A field is a comma-separated list of rules; a user agent and a colon before a rule start rules
/// for that agent only (`googlebot: nofollow`, `otherbot: noindex, nofollow`), until the next one.
/// A few rules take a value after a colon (`unavailable_after: 25 Jun 2010 15:00:00 PST`): those
/// names are not user agents.
enum XRobotsTag {
    static let rulesWithValues: Set<Substring> = ["unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"]

    /// Whether `fields` forbid following the page's links, for the crawler whose product token is
    /// `agent` (nil: only rules for every agent count). Names and rules are case-insensitive.
    static func forbidsFollowing(_ fields: [String], agent: String?) -> Bool {
        let agent = agent?.lowercased()
        for field in fields {
            // Rules before any user agent are for every agent.
            var scope: Substring?
            for item in field.lowercased().split(separator: ",") {
                var rules = item
                if let colon = item.firstIndex(of: ":") {
                    let name = item[..<colon].split(whereSeparator: isSpace)
                    if name.count == 1, !rulesWithValues.contains(name[0]) {
                        scope = name[0]
                        rules = item[item.index(after: colon)...]
                    }
                }
                if let scope, scope != agent?[...] { continue }
                if rules.split(whereSeparator: isSpace).contains(where: { $0 == "nofollow" || $0 == "none" }) { return true }
            }
        }
        return false
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }
}
