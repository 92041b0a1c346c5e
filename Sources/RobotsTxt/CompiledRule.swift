/// One allow/disallow rule, compiled: a slice of a ``RuleStorage``'s byte arena.
///
/// The stored bytes are the normalised pattern (see ``PatternCompiler``) with runs of `*` collapsed
/// to one, a trailing `*` removed and the `$` end anchor turned into a flag, so the only special
/// byte left is `*` (a literal star is always stored as `%2A`).
struct CompiledRule: Sendable, Equatable {
    /// Offset of the pattern in the storage's `bytes`.
    var start: UInt32
    /// Length of the stored pattern.
    var count: UInt32
    /// Offset of the KMP failure table in the storage's `failure` (wildcard rules only).
    var failureStart: UInt32
    /// Longest-match priority: the normalised pattern length as written, `*` and `$` included.
    var priority: UInt32
    var flags: Flags
    /// Wildcard rules: bytes the path must hold at least (the pattern without its `*`s).
    var literalCount: UInt32 = 0
    /// Wildcard rules: the set of bytes (all ASCII, patterns being normalised) the path must
    /// contain, as a 128-bit set. A cheap filter before searching the path segment by segment.
    var maskLow: UInt64 = 0
    var maskHigh: UInt64 = 0

    struct Flags: OptionSet, Sendable, Equatable {
        var rawValue: UInt8
        static let allow = Flags(rawValue: 1)
        /// The pattern ended with `$`: the path must end where the pattern does.
        static let anchored = Flags(rawValue: 2)
        /// The stored pattern contains `*`.
        static let wildcard = Flags(rawValue: 4)
    }

    var isAllow: Bool { flags.contains(.allow) }
}

/// Compact storage for many rules: one byte arena and one failure-table arena instead of an
/// allocation per rule.
struct RuleStorage: Sendable, Equatable {
    var bytes: [UInt8] = []
    /// KMP failure tables of the literal segments between `*`s, indexed like `bytes` relative to
    /// each wildcard rule's `failureStart`. Segments are at most one line long (< 65,536 bytes).
    var failure: [UInt16] = []
    var rules: [CompiledRule] = []

    /// Compiles `value` (the text after `allow:`/`disallow:`) and appends it. Empty patterns are
    /// dropped: they match with priority 0, which never decides anything (as in google/robotstxt).
    mutating func appendRule(value: UnsafeBufferPointer<UInt8>, allow: Bool) {
        let start = bytes.count
        let compiled = PatternCompiler.normalise(value, into: &bytes)
        guard compiled.priority > 0 else {
            bytes.removeSubrange(start...)
            return
        }
        var flags: CompiledRule.Flags = allow ? .allow : []
        if compiled.anchored { flags.insert(.anchored) }
        // Priorities and offsets are stored as UInt32: the input is capped at 512,000 bytes.
        let count = bytes.count - start
        let failureStart = failure.count
        var rule = CompiledRule(
            start: UInt32(start), count: UInt32(count), failureStart: UInt32(failureStart),
            priority: UInt32(compiled.priority), flags: flags
        )
        if bytes[start...].contains(ASCII.star) {
            rule.flags.insert(.wildcard)
            PatternCompiler.appendFailureTable(for: bytes[start...], into: &failure)
            var literals = 0
            for byte in bytes[start...] where byte != ASCII.star {
                literals += 1
                ByteSet.insert(byte, low: &rule.maskLow, high: &rule.maskHigh)
            }
            rule.literalCount = UInt32(literals)
        }
        rules.append(rule)
    }

    /// Copies `rule` (which lives in `other`) into this storage.
    mutating func append(_ rule: CompiledRule, from other: RuleStorage) {
        var copy = rule
        let start = Int(rule.start)
        copy.start = UInt32(bytes.count)
        bytes.append(contentsOf: other.bytes[start..<start + Int(rule.count)])
        if rule.flags.contains(.wildcard) {
            let failureStart = Int(rule.failureStart)
            copy.failureStart = UInt32(failure.count)
            failure.append(contentsOf: other.failure[failureStart..<failureStart + Int(rule.count)])
        } else {
            copy.failureStart = UInt32(failure.count)
        }
        rules.append(copy)
    }

    /// Orders rules so that the first match is the decision: longest priority first, and at equal
    /// priority allow before disallow (RFC 9309 section 2.2.2: "the least restrictive rule").
    mutating func sortByPrecedence() {
        rules.sort { a, b in
            a.priority != b.priority ? a.priority > b.priority : (a.isAllow && !b.isAllow)
        }
    }
}

/// A 128-bit set of bytes folded to 7 bits (exact for ASCII; a byte >= 0x80 counts as its low
/// 7 bits, which can only make a path's set larger, so the filter never rejects a real match).
enum ByteSet {
    @inline(__always)
    static func insert(_ byte: UInt8, low: inout UInt64, high: inout UInt64) {
        let bit = byte & 0x7F
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> (low: UInt64, high: UInt64) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in bytes { insert(byte, low: &low, high: &high) }
        return (low, high)
    }
}
