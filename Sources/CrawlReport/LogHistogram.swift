#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-bucket logarithmic histogram for latencies in milliseconds (the DDSketch mapping).
///
/// Bucket `i` holds values in `(γ^(i-1), γ^i]` with `γ = (1+α)/(1-α)`, `α = 0.01`, and reports
/// `2γ^i/(γ+1)`, so any quantile it returns is within **1% relative error** of the exact
/// nearest-rank quantile, for values from 0.001 ms to 10^9 ms (about 1,400 possible buckets).
/// Zero and negative values go to an exact zero bucket; values outside that range are clamped,
/// and every answer is clamped to the exact minimum and maximum seen.
///
/// Memory: counts are stored densely only between the lowest and highest bucket used (4 bytes per
/// bucket, at most ~5.5 KB), so a host with a handful of pages costs a few bytes and the report's
/// memory grows with the number of hosts, never with the number of records.
public struct LogHistogram: Sendable {
    /// The guaranteed relative error of `quantile(_:)` (for values in the supported range).
    public static let relativeError = 0.01
    static let gamma = (1 + relativeError) / (1 - relativeError)
    static let logGamma = log(gamma)
    static let minValue = 0.001
    static let maxValue = 1e9
    static let minIndex = Int((log(minValue) / logGamma).rounded(.up))
    static let maxIndex = Int((log(maxValue) / logGamma).rounded(.up))

    private var counts: [UInt32] = []
    private var offset = 0       // bucket index of counts[0]
    private(set) var zeroCount = 0
    /// Number of values recorded.
    public private(set) var count = 0
    /// Exact smallest value recorded (+infinity when empty).
    public private(set) var min = Double.infinity
    /// Exact largest value recorded (-infinity when empty).
    public private(set) var max = -Double.infinity
    /// Exact sum of the values recorded.
    public private(set) var sum = 0.0

    public init() {}

    static func index(of value: Double) -> Int {
        let clamped = Swift.min(Swift.max(value, minValue), maxValue)
        let i = Int((log(clamped) / logGamma).rounded(.up))
        return Swift.min(Swift.max(i, minIndex), maxIndex)
    }

    static func representative(of index: Int) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }

    /// Records one value; NaN is ignored.
    public mutating func record(_ value: Double) {
        guard !value.isNaN else { return }
        count += 1
        sum += value
        if value < min { min = value }
        if value > max { max = value }
        guard value > 0 else { zeroCount += 1; return }
        let i = LogHistogram.index(of: value)
        if counts.isEmpty {
            counts = [1]
            offset = i
            return
        }
        if i < offset {
            counts.insert(contentsOf: repeatElement(0, count: offset - i), at: 0)
            offset = i
        } else if i >= offset + counts.count {
            counts.append(contentsOf: repeatElement(0, count: i - offset - counts.count + 1))
        }
        counts[i - offset] &+= 1
    }

    /// Adds another histogram's values to this one.
    public mutating func merge(_ other: LogHistogram) {
        guard other.count > 0 else { return }
        count += other.count
        sum += other.sum
        zeroCount += other.zeroCount
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        for (k, c) in other.counts.enumerated() where c > 0 {
            let i = other.offset + k
            if counts.isEmpty {
                counts = [0]
                offset = i
            }
            if i < offset {
                counts.insert(contentsOf: repeatElement(0, count: offset - i), at: 0)
                offset = i
            } else if i >= offset + counts.count {
                counts.append(contentsOf: repeatElement(0, count: i - offset - counts.count + 1))
            }
            counts[i - offset] &+= c
        }
    }

    /// The nearest-rank `q`-quantile (the value at rank ⌈q·n⌉ in sorted order), within
    /// `relativeError`; nil when empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, Int((q * Double(count)).rounded(.up)))
        // The extremes are known exactly.
        if rank >= count { return max }
        if rank == 1 { return min }
        var seen = zeroCount
        if rank <= seen { return Swift.max(min, 0) == 0 ? 0 : min }
        for (k, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= rank {
                let v = LogHistogram.representative(of: offset + k)
                return Swift.min(Swift.max(v, min), max)
            }
        }
        return max
    }

    /// Mean of the values (exact), nil when empty.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }
}
