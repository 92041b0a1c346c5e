import Testing
@testable import CrawlerCore

/// The hash table behind the seen set and the `duplicate_of` index, against Swift's own collections.
@Suite("Fingerprint table")
struct FingerprintTableTests {
    /// Deterministic, well-mixed 64-bit values (the crawl's own URL fingerprint of a made-up key), so
    /// a failure reproduces.
    private static func mixed(_ salt: String, _ index: Int) -> UInt64 {
        URLFingerprint(key: "\(salt)\(index)").rawValue
    }

    @Test func agreesWithADictionaryThroughGrowth() {
        var table = FingerprintTable(mapsValues: true)
        var reference: [UInt64: UInt64] = [:]
        // Keys drawn from a small pool repeat often; 0 and keys sharing their low or high bits are
        // included (they share a home slot, or would with a plain mask).
        var pool: [UInt64] = [0, 1, 1 << 32, 1 << 63, UInt64.max, 64, 128, 0xFFFF_0000_0000_0000]
        for index in 0..<20_000 { pool.append(Self.mixed("pool", index)) }
        for step in 0..<60_000 {
            let key = pool[Int(Self.mixed("pick", step) % UInt64(pool.count))]
            let value = UInt64(step)
            let (inserted, existing) = table.insert(key, value: value)
            if let previous = reference[key] {
                #expect(!inserted && existing == previous)
            } else {
                #expect(inserted && existing == nil)
                reference[key] = value
            }
        }
        #expect(table.count == reference.count)
        for key in pool { #expect(table.value(for: key) == reference[key]) }
        for index in 0..<1_000 {
            let absent = Self.mixed("absent", index)
            #expect(table.value(for: absent) == reference[absent])
        }
        // Never fuller than 7/8: the next insertion doubles it first.
        #expect(table.count <= table.capacity * 7 / 8)
    }

    @Test func aSetStoresNoValues() {
        var table = FingerprintTable(minimumCapacity: 1_000, mapsValues: false)
        #expect(table.capacity == 2_048)  // 1,000 fits 7/8 of 2,048 but not of 1,024
        var firstTimes = 0
        var againTimes = 0
        for key in 0..<UInt64(5_000) where table.insert(key &* 0x1_0000_0001).inserted { firstTimes += 1 }
        for key in 0..<UInt64(5_000) {
            #expect(table.contains(key &* 0x1_0000_0001))
            if table.insert(key &* 0x1_0000_0001).inserted { againTimes += 1 }
        }
        #expect(firstTimes == 5_000 && againTimes == 0)
        #expect(!table.contains(5_000 &* 0x1_0000_0001))
        #expect(table.count == 5_000)
    }

    @Test func seenSetKeepsEachFingerprintOnce() {
        var seen = SeenSet(minimumCapacity: 10)
        let inserts = [seen.insert(URLFingerprint(rawValue: 0)), seen.insert(URLFingerprint(rawValue: 0)),
                       seen.insert(URLFingerprint(key: "http://a.test/"))]
        #expect(inserts == [true, false, true])
        #expect(seen.contains(URLFingerprint(key: "http://a.test/")))
        #expect(!seen.contains(URLFingerprint(key: "http://b.test/")))
        #expect(seen.count == 2)
    }

    @Test func firstURLIndexSpansChunks() {
        var index = FirstURLIndex()
        // About 5 chunks of URLs, then one longer than a chunk, then more.
        let long = "http://long.test/" + String(repeating: "x", count: FirstURLIndex.chunkBytes + 10)
        var urls: [(UInt64, String)] = []
        for page in 0..<6_000 { urls.append((UInt64(page) * 3 + 1, "http://chunk.test/section-\(page % 7)/page-\(page).html")) }
        urls.insert((999_999, long), at: 3_000)
        var firstAnswers: [String?] = []
        for (hash, url) in urls { firstAnswers.append(index.firstURL(for: hash, recording: url)) }
        #expect(firstAnswers.allSatisfy { $0 == nil })
        for (hash, url) in urls {
            let named = index.firstURL(for: hash, recording: "http://other.test/")
            #expect(named == url)
        }
        #expect(index.count == urls.count)
    }
}
