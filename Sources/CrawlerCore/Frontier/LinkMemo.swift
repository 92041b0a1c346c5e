import CrawlURL

/// One parse thread's memory of links that already went through admission, so that the next
/// occurrence of the same link is dropped before any work: a page's links are mostly ones the
/// crawl has seen (about 19 of 20 on the benchmark site), and each cost a URL parse, a key, a
/// fingerprint, a job and a trip through the seen set under the dispatch lock.
///
/// A link is remembered by its `href` and the part of the base URL its resolution depends on:
/// - an absolute `http://` / `https://` href: nothing;
/// - an href starting with "/" or "\" (path-absolute or scheme-relative): the base's scheme and
///   authority;
/// - a relative path ("p/2.html", "../p/2.html"; no ":" before its first "/", "?" or "#"): the base
///   up to its path's last "/".
/// Others ("?q", "#f", "", "mailto:x", "http:x") are not remembered. A remembered link's URL is then
/// the same wherever it appears, and once admitted (or refused for good) it is rejected by every
/// later admission: the seen set only grows, and `--max-pages` and stopping only close. Callers use
/// the memo only when that holds for everything admission does: no `--state` (which journals every
/// page's links) and no `--max-pages-per-host` (whose refusals are counted).
///
/// Entries are 64-bit hashes from `Hasher`, which is seeded per process, so a hostile page cannot
/// choose an href that collides with another page's link and hides it. The table has a fixed size
/// (1 MiB) in buckets of four: a newer link may replace an older one, and the memory does not grow
/// with the crawl. The table is larger than the CPU caches, so a page's links are looked up together
/// (`lookUp`): their cache misses then overlap instead of following each other.
///
/// Per page: `lookUp` its links, ask `isRemembered` of each, tell `becameCandidate` of those that
/// become candidates, and call `rememberCandidates` once they went through admission. The page's
/// keys live in buffers the memo reuses, so a page costs no allocation.
final class LinkMemo {
    /// Raw memory, not an array: no exclusivity check or bounds check on the lookup of every link.
    /// A bucket is 32 bytes at a multiple of 32, so it never straddles a cache line.
    private let slots: UnsafeMutableBufferPointer<UInt64>
    private let bucketMask: Int
    private static let ways = 4
    /// The current page: each link's key (0: not remembered) and whether the table holds it, and the
    /// keys of the links that became candidates.
    private var pageKeys: [UInt64] = []
    private var pageRemembered: [Bool] = []
    private var pageCandidates: [UInt64] = []

    init(slots count: Int = 1 << 17) {
        precondition(count >= Self.ways && count & (count - 1) == 0, "a power of two, at least one bucket")
        slots = UnsafeMutableBufferPointer(
            start: UnsafeMutableRawPointer.allocate(byteCount: count * 8, alignment: 64).bindMemory(to: UInt64.self, capacity: count),
            count: count)
        slots.initialize(repeating: 0)
        bucketMask = count / Self.ways - 1
    }

    deinit {
        if let base = slots.baseAddress { UnsafeMutableRawPointer(base).deallocate() }
    }

    /// The memo key of `href` found on a page whose links resolve against `base`, or nil when the
    /// link is not remembered (see the type's documentation).
    static func key(href: String, base: WebURL) -> UInt64? {
        var hasher = Hasher()
        var href = href
        let memorable = href.withUTF8 { bytes -> Bool in
            guard let first = bytes.first else { return false }
            if startsWithIgnoringCase(bytes, "http://") || startsWithIgnoringCase(bytes, "https://") {
                hasher.combine(UInt8(0))
            } else if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") {
                hasher.combine(UInt8(1))
                base.withAuthorityUTF8 { combine($0, into: &hasher) }
            } else if isRelativePath(bytes) {
                hasher.combine(UInt8(2))
                base.withDirectoryUTF8 { combine($0, into: &hasher) }
            } else {
                return false
            }
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))  // last: Hasher counts the total length
            return true
        }
        guard memorable else { return nil }
        let key = UInt64(UInt(bitPattern: hasher.finalize()))
        return key == 0 ? 1 : key  // 0 marks an empty slot
    }

    /// The base part, length first: no base part followed by an href then reads as another split.
    private static func combine(_ part: UnsafeBufferPointer<UInt8>, into hasher: inout Hasher) {
        hasher.combine(part.count)
        hasher.combine(bytes: UnsafeRawBufferPointer(part))
    }

    func contains(_ key: UInt64) -> Bool {
        let bucket = bucketStart(key)
        for slot in bucket..<(bucket + Self.ways) where slots[slot] == key { return true }
        return false
    }

    /// Starts a page: the keys of its `links` resolved against `base`, then every lookup in one pass.
    /// Nofollow links and hrefs over `maxHrefLength` (refused unread) get no key.
    func lookUp(_ links: [ParsedLink], base: WebURL, maxHrefLength: Int) {
        pageKeys.removeAll(keepingCapacity: true)
        pageRemembered.removeAll(keepingCapacity: true)
        pageCandidates.removeAll(keepingCapacity: true)
        for link in links {
            let memorable = !link.nofollow && link.href.utf8.count <= maxHrefLength
            pageKeys.append(memorable ? Self.key(href: link.href, base: base) ?? 0 : 0)
        }
        for key in pageKeys {
            pageRemembered.append(key != 0 && contains(key))
        }
    }

    /// Whether the page's link at `index` was admitted (or refused for good) before.
    func isRemembered(_ index: Int) -> Bool {
        pageRemembered[index]
    }

    /// The page's link at `index` became a candidate: remembered by `rememberCandidates`.
    func becameCandidate(_ index: Int) {
        if pageKeys[index] != 0 { pageCandidates.append(pageKeys[index]) }
    }

    /// The page's candidates went through admission: later occurrences are rejected too.
    func rememberCandidates() {
        pageCandidates.forEach(insert)
        pageCandidates.removeAll(keepingCapacity: true)
    }

    func insert(_ key: UInt64) {
        let bucket = bucketStart(key)
        for slot in bucket..<(bucket + Self.ways) {
            if slots[slot] == key { return }
            if slots[slot] == 0 {
                slots[slot] = key
                return
            }
        }
        // A full bucket: the high bits (independent of the bucket's) pick the entry to replace.
        slots[bucket + Int(truncatingIfNeeded: key >> 62)] = key
    }

    private func bucketStart(_ key: UInt64) -> Int {
        (Int(truncatingIfNeeded: key) & bucketMask) * Self.ways
    }

    /// A relative-path reference: does not start with "?" or "#", and has no ":" before its first
    /// "/", "?" or "#" (which would make it a scheme, or a same-scheme relative form like "http:x").
    private static func isRelativePath(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, first != UInt8(ascii: "?"), first != UInt8(ascii: "#") else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ":"): return false
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\\"): return true
            default: continue
            }
        }
        return true
    }

    /// Whether `bytes` starts with `prefix` (lower-case ASCII), letters compared in either case. Only
    /// letters are folded: "http\u{1A}//x" is a relative path, not "http://x".
    private static func startsWithIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { expected in
            for index in 0..<expected.count {
                let wanted = expected[index]
                let isLetter = wanted >= UInt8(ascii: "a") && wanted <= UInt8(ascii: "z")
                if (isLetter ? bytes[index] | 0x20 : bytes[index]) != wanted { return false }
            }
            return true
        }
    }
}

@available(*, unavailable)
extension LinkMemo: Sendable {}
