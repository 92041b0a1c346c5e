/// The merged rules of the robots.txt group that applies to one crawler, ready for matching.
///
/// Rules are precompiled into one byte arena and sorted by precedence, so ``isAllowed(path:)``
/// stops at the first rule that matches. Matching works on UTF-8 bytes without regexes; a wildcard
/// rule costs O(path length + pattern length) (greedy segment search with KMP), so a hostile file
/// costs at most O(rules x (path + pattern)) per URL.
public struct RobotsRules: Sendable, Equatable {
    var storage: RuleStorage

    /// The `crawl-delay` of the applying group(s), in seconds; nil when none was given.
    public private(set) var crawlDelay: Double?

    init(storage: RuleStorage, crawlDelay: Double?) {
        self.storage = storage
        self.crawlDelay = crawlDelay
    }

    /// Everything allowed: no robots.txt (4xx), an empty one, or no group for us.
    public static let allowAll = RobotsRules(storage: RuleStorage(), crawlDelay: nil)

    /// Everything disallowed (except `/robots.txt`): robots.txt was unreachable (5xx, network
    /// failure), which RFC 9309 section 2.3.1.4 says to treat as a complete disallow.
    public static let disallowAll: RobotsRules = {
        var storage = RuleStorage()
        let slash: [UInt8] = [ASCII.slash]
        slash.withUnsafeBufferPointer { storage.appendRule(value: $0, allow: false) }
        return RobotsRules(storage: storage, crawlDelay: nil)
    }()

    /// Number of compiled allow/disallow rules (empty patterns are not counted).
    public var ruleCount: Int { storage.rules.count }

    /// Whether the request target `path` (`/a/b?x=1`, already percent-encoded; `""` means `/`) may
    /// be fetched. The longest matching rule decides, allow winning ties; no match means allowed;
    /// `/robots.txt` is always allowed (RFC 9309 section 2.2.2).
    public func isAllowed(path: String) -> Bool {
        var path = path
        return path.withUTF8 { isAllowed(pathUTF8: $0) }
    }

    /// ``isAllowed(path:)`` on the UTF-8 bytes of a request target.
    public func isAllowed(pathUTF8 path: UnsafeBufferPointer<UInt8>) -> Bool {
        if storage.rules.isEmpty { return true }
        if PatternCompiler.pathNeedsNormalising(path) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: path.count * 3 + 1) { buffer in
                let count = PatternCompiler.normalisePath(path, into: buffer)
                return decide(UnsafeBufferPointer(rebasing: buffer[0..<count]))
            }
        }
        return decide(path)
    }

    /// ``isAllowed(path:)`` on any collection of UTF-8 bytes.
    public func isAllowed(pathBytes: some Collection<UInt8>) -> Bool {
        pathBytes.withContiguousStorageIfAvailable { isAllowed(pathUTF8: $0) }
            ?? Array(pathBytes).withUnsafeBufferPointer { isAllowed(pathUTF8: $0) }
    }

    /// The decision for a normalised path: the first matching rule in precedence order.
    private func decide(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        if Self.isRobotsTxt(path) { return true }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            storage.failure.withUnsafeBufferPointer { failure in
                storage.rules.withUnsafeBufferPointer { rules in
                    var pathSet: (low: UInt64, high: UInt64)?
                    for rule in rules
                    where RuleMatcher.matches(rule, bytes: bytes, failure: failure, path: path, pathSet: &pathSet) {
                        return rule.isAllow
                    }
                    return true
                }
            }
        }
    }

    private static let robotsTxtPath: [UInt8] = Array("/robots.txt".utf8)

    /// `/robots.txt`, with or without a query.
    private static func isRobotsTxt(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = robotsTxtPath
        guard path.count >= name.count else { return false }
        for index in 0..<name.count where path[index] != name[index] { return false }
        return path.count == name.count || path[name.count] == UInt8(ascii: "?")
    }
}
