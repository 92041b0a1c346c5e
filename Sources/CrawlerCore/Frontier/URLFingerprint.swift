/// A stable 64-bit fingerprint of a URL's dedup key.
///
/// The seen set stores fingerprints instead of strings so that it costs a few bytes per URL whatever
/// the URL's length. The hash is stable across processes (unlike `Hasher`, which is seeded per run), so
/// later work can persist it. FNV-1a over the UTF-8 bytes, then the splitmix64 finaliser to spread
/// FNV's weak low bits. With 64 bits, the chance of any collision among 10 million URLs is about 3e-6.
public struct URLFingerprint: Hashable, Sendable, Comparable {
    public var rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(key: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        rawValue = hash
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
