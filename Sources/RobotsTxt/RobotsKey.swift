/// The directive of a robots.txt line, recognised from its key.
enum RobotsKey {
    case userAgent, allow, disallow, sitemap, crawlDelay, unknown

    /// Key spellings, lower-case. As in google/robotstxt a key is recognised when it *starts* with
    /// one of them (case-insensitive), which also accepts its list of frequent typos.
    private static let spellings: [(RobotsKey, [[UInt8]])] = [
        (.userAgent, ["user-agent", "useragent", "user agent"].map { Array($0.utf8) }),
        (.allow, [Array("allow".utf8)]),
        (.disallow, ["disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"].map { Array($0.utf8) }),
        (.sitemap, ["sitemap", "site-map"].map { Array($0.utf8) }),
        // Not in RFC 9309 nor google/robotstxt; widely used (Bing, Yandex), so read with the same
        // leniency.
        (.crawlDelay, ["crawl-delay", "crawldelay", "crawl delay", "crawl_delay"].map { Array($0.utf8) }),
    ]

    init(_ key: UnsafeBufferPointer<UInt8>) {
        for (kind, names) in Self.spellings {
            for name in names where Self.hasPrefixIgnoringCase(key, name) {
                self = kind
                return
            }
        }
        self = .unknown
    }

    private static func hasPrefixIgnoringCase(_ key: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard key.count >= prefix.count else { return false }
        for index in 0..<prefix.count where ASCII.lowercased(key[index]) != prefix[index] {
            return false
        }
        return true
    }
}
