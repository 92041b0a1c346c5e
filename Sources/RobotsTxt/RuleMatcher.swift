/// Matching of one compiled rule against a normalised path.
///
/// A pattern `S0*S1*...*Sn` (optionally `$`-anchored) matches when S0 is a prefix of the path and
/// S1...Sn occur after it in order. Taking the leftmost occurrence of each middle segment is never
/// worse than any other choice (it leaves the most path for the rest), so there is no
/// backtracking; each segment is found with KMP, so the work per rule is linear in the path.
/// With `$` the last segment must instead be a suffix starting at or after the current position;
/// it is checked first, as it is the cheapest way to reject (`/*.pdf$`).
enum RuleMatcher {
    /// `pathSet` is the path's ``ByteSet``, computed on first need and reused across rules.
    @inline(__always)
    static func matches(
        _ rule: CompiledRule,
        bytes: UnsafeBufferPointer<UInt8>,
        failure: UnsafeBufferPointer<UInt16>,
        path: UnsafeBufferPointer<UInt8>,
        pathSet: inout (low: UInt64, high: UInt64)?
    ) -> Bool {
        let start = Int(rule.start)
        let count = Int(rule.count)
        let anchored = rule.flags.contains(.anchored)
        if !rule.flags.contains(.wildcard) {
            if anchored ? path.count != count : path.count < count { return false }
            return equal(bytes, start, count, path, 0)
        }
        if path.count < Int(rule.literalCount) { return false }
        let set = pathSet ?? ByteSet.of(path)
        pathSet = set
        if rule.maskLow & ~set.low != 0 || rule.maskHigh & ~set.high != 0 { return false }
        return matchesWildcard(
            pattern: UnsafeBufferPointer(rebasing: bytes[start..<start + count]),
            failure: UnsafeBufferPointer(rebasing: failure[Int(rule.failureStart)..<Int(rule.failureStart) + count]),
            anchored: anchored,
            path: path
        )
    }

    private static func matchesWildcard(
        pattern: UnsafeBufferPointer<UInt8>,
        failure: UnsafeBufferPointer<UInt16>,
        anchored: Bool,
        path: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        let patternCount = pattern.count
        // The first segment is anchored at the start of the path.
        var index = 0
        while pattern[index] != ASCII.star {
            if index >= path.count || path[index] != pattern[index] { return false }
            index += 1
        }
        var position = index
        // With `$`, the last segment (after the last `*`) must end the path; the middle segments
        // must then fit before it.
        var searchEnd = path.count
        var patternEnd = patternCount
        if anchored {
            var lastStar = patternCount - 1
            while pattern[lastStar] != ASCII.star { lastStar -= 1 }
            let suffixCount = patternCount - lastStar - 1
            let suffixStart = path.count - suffixCount
            if suffixStart < position || !equal(pattern, lastStar + 1, suffixCount, path, suffixStart) {
                return false
            }
            searchEnd = suffixStart
            patternEnd = lastStar
        }
        while index < patternEnd {
            index += 1  // skip the `*`; segments are non-empty (runs collapsed, trailing `*` removed)
            let segmentStart = index
            while index < patternEnd, pattern[index] != ASCII.star { index += 1 }
            let segmentCount = index - segmentStart
            guard let found = find(
                pattern, segmentStart, segmentCount, failure, in: path, from: position, to: searchEnd
            ) else { return false }
            position = found + segmentCount
        }
        return true
    }

    /// Leftmost occurrence of `pattern[segmentStart..<segmentStart+segmentCount]` in
    /// `path[from..<end]`, by Knuth-Morris-Pratt.
    @inline(__always)
    private static func find(
        _ pattern: UnsafeBufferPointer<UInt8>, _ segmentStart: Int, _ segmentCount: Int,
        _ failure: UnsafeBufferPointer<UInt16>, in path: UnsafeBufferPointer<UInt8>, from: Int, to end: Int
    ) -> Int? {
        let first = pattern[segmentStart]
        var matched = 0
        var index = from
        while index < end {
            let byte = path[index]
            if matched == 0 {
                if end - index < segmentCount { return nil }
                if byte != first {
                    index += 1
                    continue
                }
                matched = 1
            } else {
                while matched > 0, pattern[segmentStart + matched] != byte {
                    matched = Int(failure[segmentStart + matched - 1])
                }
                if pattern[segmentStart + matched] == byte { matched += 1 }
            }
            if matched == segmentCount { return index - segmentCount + 1 }
            index += 1
        }
        return nil
    }

    @inline(__always)
    private static func equal(
        _ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ count: Int,
        _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int
    ) -> Bool {
        var offset = 0
        while offset < count {
            if a[aStart + offset] != b[bStart + offset] { return false }
            offset += 1
        }
        return true
    }
}
