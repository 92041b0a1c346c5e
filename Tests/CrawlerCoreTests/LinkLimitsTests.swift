import CrawlerCore
import Testing

@Suite("Trap limits on paths")
struct LinkLimitsTests {
    @Test func repeatedSegmentsAreTraps() {
        let limits = LinkLimits(maxPathSegments: 20, maxSegmentRepeats: 2)
        #expect(!limits.isTrapPath("/"))
        #expect(!limits.isTrapPath("/a/a/"))
        #expect(limits.isTrapPath("/a/a/a/"))
        #expect(limits.isTrapPath("/a/b/a/c/a"))  // not only consecutive repeats
        #expect(!limits.isTrapPath("/a/b/c/d/e/f/g"))
        #expect(!limits.isTrapPath("//////"))  // empty segments never count as repeats
        #expect(!limits.isTrapPath("/ab/a/b/"))  // segments compare whole, not by prefix
    }

    @Test func tooManySegmentsAreTraps() {
        let limits = LinkLimits(maxPathSegments: 3, maxSegmentRepeats: 5)
        #expect(!limits.isTrapPath("/a/b/c"))
        #expect(limits.isTrapPath("/a/b/c/d"))
        #expect(limits.isTrapPath("/a/b/c/"))  // the trailing empty segment is the fourth
    }

    @Test func limitsAreClampedToSaneValues() {
        let limits = LinkLimits(maxURLLength: 0, maxPathSegments: 0, maxSegmentRepeats: -1, maxOutlinksPerPage: -5, maxPagesPerHost: -1)
        #expect(limits.maxURLLength == 16 && limits.maxPathSegments == 1 && limits.maxSegmentRepeats == 1)
        #expect(limits.maxOutlinksPerPage == 0 && limits.maxPagesPerHost == 0)
    }
}
