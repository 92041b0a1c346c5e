/// A 64-bit hash of a response body, to tell a changed page from an unchanged one across runs.
///
/// Not cryptographic: it only has to notice edits. It runs on every page body, so it reads 32 bytes
/// a step in four independent lanes (a multiply and a rotate per eight-byte word): the lanes' chains
/// overlap in the CPU, where one chain waited on each multiply (version 1 did, at a quarter of the
/// speed). The lanes are folded in order, then a splitmix64 finish. Stable across processes and
/// platforms (little-endian word loads).
///
/// Hashes are kept in the crawl state and compared on re-fetch (`changed`), so changing this function
/// means a new `version`: the state then drops hashes of older versions (see `StateSession`).
public enum ContentHash {
    /// The function's version, kept beside the hashes in the crawl state.
    public static let version = 2

    public static func of(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw -> UInt64 in
            let count = raw.count
            let seed: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
            var lane0 = seed
            var lane1 = seed ^ 0x243F_6A88_85A3_08D3
            var lane2 = seed ^ 0x1319_8A2E_0370_7344
            var lane3 = seed ^ 0xA409_3822_299F_31D0
            var offset = 0
            while offset + 32 <= count {
                lane0 = step(lane0, word(raw, offset))
                lane1 = step(lane1, word(raw, offset + 8))
                lane2 = step(lane2, word(raw, offset + 16))
                lane3 = step(lane3, word(raw, offset + 24))
                offset += 32
            }
            var hash = lane0
            hash = step(hash, lane1)
            hash = step(hash, lane2)
            hash = step(hash, lane3)
            while offset + 8 <= count {
                hash = step(hash, word(raw, offset))
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
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

    @inline(__always)
    private static func word(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func step(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (lane ^ word) &* 0xFF51_AFD7_ED55_8CCD
        return (mixed &<< 31) | (mixed &>> 33)
    }

    /// Sixteen lower-case hex digits, as in the JSONL `content_hash` field.
    public static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
