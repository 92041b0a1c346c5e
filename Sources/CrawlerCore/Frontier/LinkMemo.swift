import CrawlURL

/// One parse thread's memory of links that already went through admission, so that the next
/// occurrence of the same link is dropped before any work: a page's links are mostly ones the
/// crawl has seen (about 19 of 20 on the benchmark site), and each cost a URL parse, a key, a
/// fingerprint, a job and a trip through the seen set under the dispatch lock.
///
/// A link is remembered by its `href` and the part of the base URL its resolution depends on:
/// - an absolute `http://` / `https://` href: nothing (its text);
/// - a path-absolute or relative href made only of letters, digits, "/" and "-._~!$&'()*+,;=@": the
///   URL it resolves to, worked out here (the base's scheme and authority, its directory for a
///   relative path, and the dot segments removed): resolution copies those characters unchanged. So
///   "p/2.html", "../p/2.html", "/p/2.html" and "http://host/p/2.html" are one key, and one page
///   teaches the memo a link however other pages spell it (on the benchmark site, four spellings);
/// - another href starting with "/" or "\" (path-absolute or scheme-relative): the href and the
///   base's scheme and authority;
/// - another relative path (no ":" before its first "/", "?" or "#"): the href and the base up to its
///   path's last "/".
/// Others ("?q", "#f", "", "mailto:x", "http:x") are not remembered. A remembered link's URL is then
/// the same wherever it appears, and once admitted (or refused for good) it is rejected by every
/// later admission: the seen set only grows, and `--max-pages` and stopping only close. Callers use
/// the memo only when that holds for everything admission does: no `--state` (which journals every
/// page's links) and no `--max-pages-per-host` (whose refusals are counted).
///
/// A resolved key and an absolute href's key are hashed alike, so they meet when the href is written
/// the way the URL serialises; they cannot meet otherwise. A resolved string is a serialised URL,
/// and an absolute href equal to one parses to that URL.
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
    /// The current page's base, and where a link's resolved URL is written.
    private var base = Base()
    private var resolved: [UInt8] = []

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

    /// What the keys of a page's links read of its base URL, copied once per page: its scheme and
    /// authority ("http://host:81"), and everything up to its path's last "/" ("http://host:81/d/").
    struct Base {
        private(set) var authority: [UInt8] = []
        private(set) var directory: [UInt8] = []

        init() {}

        init(_ url: WebURL) { set(url) }

        mutating func set(_ url: WebURL) {
            authority.removeAll(keepingCapacity: true)
            directory.removeAll(keepingCapacity: true)
            url.withAuthorityUTF8 { authority.append(contentsOf: $0) }
            url.withDirectoryUTF8 { directory.append(contentsOf: $0) }
        }
    }

    /// The memo key of `href` found on a page whose links resolve against `base`, or nil when the
    /// link is not remembered (see the type's documentation).
    static func key(href: String, base: WebURL) -> UInt64? {
        var scratch: [UInt8] = []
        return key(href: href, base: Base(base), scratch: &scratch)
    }

    /// `key(href:base:)`, resolving into `scratch` (the caller's buffer, reused across links).
    static func key(href: String, base: Base, scratch: inout [UInt8]) -> UInt64? {
        var hasher = Hasher()
        var href = href
        let memorable = href.withUTF8 { bytes -> Bool in
            guard let first = bytes.first else { return false }
            if startsWithIgnoringCase(bytes, "http://") || startsWithIgnoringCase(bytes, "https://") {
                hasher.combine(UInt8(0))
            } else if resolveSimplePath(bytes, base: base, into: &scratch) {
                // Hashed like an absolute href: the same bytes are the same URL.
                hasher.combine(UInt8(0))
                scratch.withUnsafeBytes { hasher.combine(bytes: $0) }
                return true
            } else if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") {
                hasher.combine(UInt8(1))
                combine(base.authority, into: &hasher)
            } else if isRelativePath(bytes) {
                hasher.combine(UInt8(2))
                combine(base.directory, into: &hasher)
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
    private static func combine(_ part: [UInt8], into hasher: inout Hasher) {
        hasher.combine(part.count)
        part.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The URL `href` resolves to against `base`, serialised, when `href` is a path-absolute or
    /// relative reference made only of characters resolution copies unchanged; nil otherwise.
    static func resolvedSimplePath(href: String, base: WebURL) -> String? {
        var href = href
        var scratch: [UInt8] = []
        let resolved = href.withUTF8 { resolveSimplePath($0, base: Base(base), into: &scratch) }
        return resolved ? String(decoding: scratch, as: UTF8.self) : nil
    }

    /// Writes into `out` the URL a simple path reference resolves to against `base` (WHATWG: the
    /// base's path shortened for a relative path, then segment by segment, "." and ".." removed).
    /// False when `href` is not one: empty, "//"-first, or holding a byte outside `isSimplePathByte`.
    private static func resolveSimplePath(_ href: UnsafeBufferPointer<UInt8>, base: Base, into out: inout [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        guard let first = href.first else { return false }
        if first == slash, href.count > 1, href[1] == slash { return false }  // scheme-relative
        for byte in href where !isSimplePathByte(byte) { return false }
        let pathStart = base.authority.count
        out.removeAll(keepingCapacity: true)
        var index = 0
        if first == slash {
            out.append(contentsOf: base.authority)
            index = 1
        } else {
            // The base's directory without its last "/": its segments, to which the href's are added.
            guard base.directory.count > pathStart, base.directory[pathStart] == slash else { return false }
            out.append(contentsOf: base.directory[..<(base.directory.count - 1)])
        }
        // `out` after `pathStart` is empty or "/"-first segments; each href segment ends at "/" or the end.
        while true {
            var end = index
            while end < href.count, href[end] != slash { end += 1 }
            let isLast = end == href.count
            if end - index == 2, href[index] == dot, href[index + 1] == dot {
                if out.count > pathStart {
                    var cut = out.count - 1
                    while out[cut] != slash { cut -= 1 }
                    out.removeSubrange(cut...)
                }
                if isLast { out.append(slash) }
            } else if end - index == 1, href[index] == dot {
                if isLast { out.append(slash) }
            } else {
                out.append(slash)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: href[index..<end]))
            }
            if isLast { return true }
            index = end + 1
        }
    }

    /// Letters, digits, "/" and "-._~!$&'()*+,;=@": kept as they are in an http(s) URL's path
    /// (none is in the path percent-encode set, and none is "%", "\", ":", "?" or "#", which would
    /// make the href something else than a plain path).
    private static func isSimplePathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    func contains(_ key: UInt64) -> Bool {
        let bucket = bucketStart(key)
        for slot in bucket..<(bucket + Self.ways) where slots[slot] == key { return true }
        return false
    }

    /// Starts a page: the keys of its `links` resolved against `base`, then every lookup in one pass.
    /// Nofollow links and hrefs over `maxHrefLength` (refused unread) get no key.
    func lookUp(_ links: [ParsedLink], base: WebURL, maxHrefLength: Int) {
        // The buffers are moved into locals for the loops: a stored property mutated per link costs
        // a dynamic exclusivity check each time.
        var keys = take(&pageKeys)
        var remembered = take(&pageRemembered)
        var resolved = take(&self.resolved)
        var parts = Base()
        swap(&parts, &self.base)  // moved out, not copied: `set` then reuses its buffers
        parts.set(base)
        pageCandidates.removeAll(keepingCapacity: true)
        for link in links {
            let memorable = !link.nofollow && link.href.utf8.count <= maxHrefLength
            keys.append(memorable ? Self.key(href: link.href, base: parts, scratch: &resolved) ?? 0 : 0)
        }
        for key in keys {
            remembered.append(key != 0 && contains(key))
        }
        pageKeys = keys
        pageRemembered = remembered
        self.resolved = resolved
        self.base = parts
    }

    /// The buffer, emptied (its capacity kept), leaving an empty array in its place.
    private func take<Element>(_ buffer: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &buffer)
        taken.removeAll(keepingCapacity: true)
        return taken
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
