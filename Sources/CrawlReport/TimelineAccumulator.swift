/// Builds a `Timeline` in bounded memory: one dense counter per bucket and outcome, with buckets
/// one second wide until the data spans more than `maxBuckets` seconds, then doubled (and pairs
/// merged) as often as needed. Records may arrive in any order (several files, clock steps).
struct TimelineAccumulator {
    /// About 2.3 days at one-second resolution.
    static let maxBuckets = 200_000

    private(set) var bucketSeconds: Int64 = 1
    /// Bucket index (time / bucketSeconds) of `totals[0]`.
    private var origin: Int64 = 0
    private var totals: [UInt32] = []
    /// Indexed by outcome id, then bucket; may be shorter than `totals` (zeros beyond).
    private var byOutcome: [[UInt32]] = []

    mutating func add(unixSeconds: Int64, outcome: Int) {
        var b = floorDiv(unixSeconds, bucketSeconds)
        if totals.isEmpty {
            origin = b
            totals = [0]
        }
        while b < origin || b >= origin + Int64(totals.count) {
            let low = Swift.min(origin, b)
            let high = Swift.max(origin + Int64(totals.count) - 1, b)
            if high - low + 1 > Int64(TimelineAccumulator.maxBuckets) {
                coarsen()
                b = floorDiv(unixSeconds, bucketSeconds)
                continue
            }
            if b < origin {
                let extra = Int(origin - b)
                totals.insert(contentsOf: repeatElement(0, count: extra), at: 0)
                for k in byOutcome.indices where !byOutcome[k].isEmpty {
                    byOutcome[k].insert(contentsOf: repeatElement(0, count: extra), at: 0)
                }
                origin = b
            } else {
                totals.append(contentsOf: repeatElement(0, count: Int(b - origin) - totals.count + 1))
            }
        }
        let i = Int(b - origin)
        totals[i] &+= 1
        while byOutcome.count <= outcome { byOutcome.append([]) }
        if byOutcome[outcome].count <= i {
            byOutcome[outcome].append(contentsOf: repeatElement(0, count: i - byOutcome[outcome].count + 1))
        }
        byOutcome[outcome][i] &+= 1
    }

    /// Doubles the bucket width, merging neighbours; the new origin is aligned to the new width.
    private mutating func coarsen() {
        let newWidth = bucketSeconds * 2
        let newOrigin = floorDiv(origin * bucketSeconds, newWidth)
        func merged(_ old: [UInt32]) -> [UInt32] {
            guard !old.isEmpty else { return [] }
            var out: [UInt32] = []
            for (k, c) in old.enumerated() {
                let j = Int(floorDiv((origin + Int64(k)) * bucketSeconds, newWidth) - newOrigin)
                if out.count <= j { out.append(contentsOf: repeatElement(0, count: j - out.count + 1)) }
                out[j] &+= c
            }
            return out
        }
        totals = merged(totals)
        byOutcome = byOutcome.map(merged)
        origin = newOrigin
        bucketSeconds = newWidth
    }

    func timeline(outcomeNames: [String]) -> Timeline {
        var t = Timeline()
        t.bucketSeconds = Int(bucketSeconds)
        t.startUnixSeconds = origin * bucketSeconds
        t.totals = totals.map { Int($0) }
        for (id, series) in byOutcome.enumerated() where !series.isEmpty && id < outcomeNames.count {
            var full = series.map { Int($0) }
            full.append(contentsOf: repeatElement(0, count: totals.count - full.count))
            t.outcomes[outcomeNames[id]] = full
        }
        return t
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
