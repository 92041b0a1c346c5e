/// A 64-bit hash of a response body, to tell a changed page from an unchanged one across runs.
///
/// Not cryptographic: it only has to notice edits. It reads eight bytes at a time (a multiply and a
/// rotate per word, then a splitmix64 finish), several times faster than byte-wise FNV, because it
/// runs on every page body. Stable across processes and platforms (little-endian word loads).
public enum ContentHash {
    public static func of(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw -> UInt64 in
            var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            let words = raw.count / 8
            var offset = 0
            for _ in 0..<words {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
                hash = (hash << 31) | (hash >> 33)
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < raw.count {
                tail |= UInt64(raw[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 30
            hash &*= 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 27
            hash &*= 0x94D0_49BB_1331_11EB
            hash ^= hash >> 31
            return hash
        }
    }

    /// Sixteen lower-case hex digits, as in the JSONL `content_hash` field.
    public static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
