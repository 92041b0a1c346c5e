@testable import CrawlerCore
import Testing

/// The body hash behind `content_hash`, `changed` and `duplicate_of`.
@Suite("Content hash")
struct ContentHashTests {
    /// Pinned values (checked against a Python transcription of the function): the hash is kept in
    /// the crawl state and compared across runs, so any change to the function must come with a new
    /// `ContentHash.version` (and new values here).
    @Test func valuesArePinnedToTheVersion() {
        #expect(ContentHash.version == 2)
        #expect(ContentHash.hex(ContentHash.of([])) == "943ba7021d9c1bee")
        #expect(ContentHash.hex(ContentHash.of(Array("<html></html>".utf8))) == "7fb936def661a50f")
        #expect(ContentHash.hex(ContentHash.of((0..<100).map { UInt8($0) })) == "09d450da8cd185d6")
    }

    /// Every length and every one-byte edit, in each lane, in the words after the lanes and in the
    /// tail, gives another hash; so does swapping two words between lanes.
    @Test func editsChangeTheHash() {
        var seen: Set<UInt64> = []
        for length in 0...100 {
            #expect(seen.insert(ContentHash.of([UInt8](repeating: 0, count: length))).inserted, "length \(length)")
        }
        let body = (0..<77).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let original = ContentHash.of(body)
        var edited: Set<UInt64> = [original]
        for index in body.indices {
            var copy = body
            copy[index] ^= 0x01
            #expect(edited.insert(ContentHash.of(copy)).inserted, "byte \(index)")
        }
        var swapped = body
        for index in 0..<8 { swapped.swapAt(index, index + 8) }
        #expect(ContentHash.of(swapped) != original)
        #expect(ContentHash.of(body) == original)
    }
}
