import Foundation
import Testing
@testable import CrawlReport

@Suite struct LogHistogramTests {
    /// Exact nearest-rank quantile, the definition the histogram approximates.
    static func exact(_ sorted: [Double], _ q: Double) -> Double {
        sorted[max(1, Int((q * Double(sorted.count)).rounded(.up))) - 1]
    }

    @Test func quantilesStayWithinTheStatedRelativeError() {
        var rng = SplitMix64(state: 99)
        var h = LogHistogram()
        var values: [Double] = []
        for _ in 0..<20_000 {
            let v = pow(10, rng.unit() * 10 - 3)  // 0.001 ms ... 10^7 ms
            values.append(v)
            h.record(v)
        }
        values.sort()
        for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0] {
            let want = Self.exact(values, q)
            let got = h.quantile(q)!
            #expect(abs(got - want) <= want * LogHistogram.relativeError, "q=\(q): \(got) vs \(want)")
        }
        #expect(h.min == values.first && h.max == values.last)
    }

    @Test func zerosAndMergeAndMemory() {
        var a = LogHistogram()
        var b = LogHistogram()
        for _ in 0..<3 { a.record(0) }
        a.record(5)
        b.record(500)
        b.record(.nan)
        a.merge(b)
        #expect(a.count == 5)
        #expect(a.quantile(0.5) == 0)
        #expect(abs(a.quantile(0.8)! - 5) <= 0.05)
        #expect(a.quantile(1) == 500)
        #expect(LogHistogram.maxIndex - LogHistogram.minIndex < 1500)  // bounded bucket count
        #expect(LogHistogram().quantile(0.5) == nil)
    }
}
