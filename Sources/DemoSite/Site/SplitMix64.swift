/// A tiny deterministic PRNG (SplitMix64): the same seed gives the same site on every platform,
/// unlike `SystemRandomNumberGenerator`.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one page, mixing the site seed with host and page so pages are independent.
    init(seed: UInt64, host: Int, page: Int) {
        var s = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        s.state ^= UInt64(truncatingIfNeeded: host) &* 0xBF58_476D_1CE4_E5B9
        _ = s.next()
        s.state ^= UInt64(truncatingIfNeeded: page) &* 0x94D0_49BB_1331_11EB
        self = s
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
