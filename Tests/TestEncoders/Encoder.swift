// The test targets' encoders: import this and the C constants (TEST_CODING_GZIP, ...) come with it.
@_exported import TestCompression

/// Real encoders (zlib, brotli, zstd) for the decoders' inputs.
public enum Encoder {
    public static func encode(_ bytes: [UInt8], _ coding: test_coding, level: Int32 = 6) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: bytes.count + bytes.count / 2 + 1024)
        let written = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                test_compress(coding, level, input.baseAddress, input.count, out.baseAddress, out.count)
            }
        }
        precondition(written > 0, "encoder \(coding) failed")
        return Array(output.prefix(written))
    }

    /// Deterministic HTML-like text: repetitive enough to compress, varied enough to use matches and
    /// literals. `seed` varies it.
    public static func page(bytes count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out: [UInt8] = []
        out.reserveCapacity(count + 64)
        while out.count < count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            out += Array("<p><a href=\"/p/\(state % 5000).html\">page \(state % 97)</a> é ✓</p>\n".utf8)
        }
        return Array(out.prefix(count))
    }
}
