/// A parsed robots.txt file (RFC 9309), ready to hand out the rules for one crawler.
///
/// Parse once per host, then call ``rules(for:)`` once with the crawler's user agent and keep the
/// returned ``RobotsRules`` for matching every URL on that host.
///
/// The parser follows RFC 9309 and, where the RFC is silent, Google's reference implementation
/// (google/robotstxt): key typos such as `disalow` and `useragent` are accepted, a missing colon is
/// tolerated (`disallow /x`), `sitemap:` and unknown lines do not end a group, a leading UTF-8 BOM
/// is skipped, lines longer than ``maxLineLength`` bytes are cut there. See `DECISIONS.md` for
/// the points where RFC 9309 and Google disagree and the side this type takes.
public struct RobotsTxt: Sendable {
    /// Only this many leading bytes of a robots.txt are parsed (RFC 9309 section 2.5: at least
    /// 500 KiB must be parsed; more may be ignored).
    public static let maxParsedBytes = 512_000

    /// Bytes kept of one line; the rest of a longer line is ignored (google/robotstxt's
    /// `kMaxLineLen - 1`, i.e. 8 times the classic 2083-byte URL limit, minus the terminator).
    public static let maxLineLength = 2083 * 8 - 1

    /// The `sitemap:` values in file order, exact duplicates removed. They are file-wide (not bound to
    /// a group) and are returned as written: the caller resolves and validates them as URLs.
    public private(set) var sitemaps: [String]

    /// Lines that did not contribute: no `key: value` syntax, unknown keys, rules or crawl-delays
    /// before any `user-agent`, empty or invalid user-agent and crawl-delay values, over-long lines
    /// (which are still used, truncated). Meant for records and diagnostics only.
    public private(set) var warnings: Int

    /// True when the input was longer than ``maxParsedBytes`` and its tail was ignored.
    public private(set) var wasTruncated: Bool

    /// Every rule of the file, in file order; groups refer to contiguous ranges of it.
    var storage: RuleStorage
    var groups: [RobotsGroup]

    /// Parses robots.txt bytes (UTF-8 expected; other bytes are carried through byte-wise).
    public init(parsing bytes: some Collection<UInt8>) {
        let parsed = bytes.withContiguousStorageIfAvailable { RobotsTxtParser.parse($0) }
            ?? Array(bytes).withUnsafeBufferPointer { RobotsTxtParser.parse($0) }
        self = parsed
    }

    /// Parses robots.txt bytes from raw memory without copying them.
    public init(parsing buffer: UnsafeRawBufferPointer) {
        self = RobotsTxtParser.parse(buffer.bindMemory(to: UInt8.self))
    }

    /// Parses robots.txt text.
    public init(parsing text: String) {
        var text = text
        self = text.withUTF8 { RobotsTxtParser.parse($0) }
    }

    init(storage: RuleStorage, groups: [RobotsGroup], sitemaps: [String], warnings: Int, wasTruncated: Bool) {
        self.storage = storage
        self.groups = groups
        self.sitemaps = sitemaps
        self.warnings = warnings
        self.wasTruncated = wasTruncated
    }

    /// Number of groups (runs of `user-agent` lines with their rules) in the file.
    public var groupCount: Int { groups.count }

    /// The rules that apply to `userAgent`: every group naming its product token, merged; if no
    /// group names it, every `*` group, merged; if there is none either, ``RobotsRules/allowAll``.
    ///
    /// `userAgent` may be a bare product token (`"crawl"`) or a `token/version ...` string
    /// (`"crawl/0.1 (+https://example.com)"`); see ``productToken(of:)``. A string whose leading
    /// token is followed by something other than `/` (e.g. `"Foo Bar"`) is not a valid product
    /// token, as in google/robotstxt, and gets only the `*` group.
    public func rules(for userAgent: String) -> RobotsRules {
        var selected: [Int] = []
        if let token = Self.productToken(of: userAgent) {
            let lowered = token.utf8.map(ASCII.lowercased)
            for (index, group) in groups.enumerated() where group.tokens.contains(lowered) {
                selected.append(index)
            }
        }
        if selected.isEmpty {
            for (index, group) in groups.enumerated() where group.isGlobal {
                selected.append(index)
            }
        }
        if selected.isEmpty { return .allowAll }

        var merged = RuleStorage()
        var delay: Double?
        for index in selected {
            let group = groups[index]
            for rule in storage.rules[group.ruleRange] {
                merged.append(rule, from: storage)
            }
            // Several merged groups may each give a delay: the largest is the polite reading.
            if let groupDelay = group.crawlDelay {
                delay = max(delay ?? 0, groupDelay)
            }
        }
        merged.sortByPrecedence()
        return RobotsRules(storage: merged, crawlDelay: delay)
    }

    /// The product token of a user-agent string: its leading run of `[a-zA-Z_-]`, which must be
    /// the whole string or be followed by `/` (`"crawl/0.1"` gives `"crawl"`). Returns nil for an
    /// empty token or a string such as `"Foo Bar"` that is not a product token.
    public static func productToken(of userAgent: String) -> String? {
        let utf8 = userAgent.utf8
        var end = utf8.startIndex
        while end != utf8.endIndex, ASCII.isProductTokenByte(utf8[end]) {
            end = utf8.index(after: end)
        }
        if end == utf8.startIndex { return nil }
        if end != utf8.endIndex, utf8[end] != UInt8(ascii: "/") { return nil }
        return String(userAgent[..<end])
    }
}

/// One group: the user agents of a run of `user-agent` lines and the rules that follow them.
struct RobotsGroup: Sendable {
    /// Lower-cased product tokens named by the group's `user-agent` lines.
    var tokens: [[UInt8]] = []
    /// True when a `user-agent: *` line belongs to the group.
    var isGlobal = false
    var ruleRange: Range<Int>
    /// Largest valid `crawl-delay` in the group, seconds.
    var crawlDelay: Double?
}
