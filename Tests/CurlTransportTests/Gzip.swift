/// Minimal gzip writers for test bodies, so the tests need no zlib and no binary fixtures.
enum Gzip {
    /// `data` in stored (uncompressed) deflate blocks: valid gzip that any decoder accepts.
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out = header
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE = 00 (stored), then byte-aligned
            appendLE16(&out, UInt16(length))
            appendLE16(&out, ~UInt16(length))
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        appendTrailer(&out, crc: crc32(data), size: data.count)
        return out
    }

    /// `count` zero bytes as one fixed-Huffman block of maximal back-references (13 bits per 258
    /// bytes): a "gzip bomb" with a ratio of about 160 (1 MiB of zeros is 6.7 KB).
    static func zeros(count: Int) -> [UInt8] {
        precondition(count >= 1)
        var out = header
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE = 01 (fixed Huffman)
        bits.writeHuffman(0x30, length: 8)  // literal 0
        var remaining = count - 1
        while remaining >= 258 {
            bits.writeHuffman(0xC5, length: 8)  // length symbol 285 = 258 bytes, no extra bits
            bits.writeHuffman(0, length: 5)  // distance code 0 = distance 1
            remaining -= 258
        }
        for _ in 0..<remaining { bits.writeHuffman(0x30, length: 8) }
        bits.writeHuffman(0, length: 7)  // end of block (256)
        out += bits.finish()
        appendTrailer(&out, crc: crc32(zeroCount: count), size: count)
        return out
    }

    private static let header: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]

    private static func appendLE16(_ out: inout [UInt8], _ value: UInt16) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8(value >> 8))
    }

    private static func appendTrailer(_ out: inout [UInt8], crc: UInt32, size: Int) {
        let isize = UInt32(truncatingIfNeeded: size)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: isize >> UInt32(shift))) }
    }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func crc32(zeroCount: Int) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for _ in 0..<zeroCount { c = table[Int(c & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Deflate's LSB-first bit order; Huffman codes are written most significant bit first.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt32 = 0
        var used: UInt32 = 0

        mutating func write(_ value: UInt32, count: UInt32) {
            for i in 0..<count { push((value >> i) & 1) }
        }

        mutating func writeHuffman(_ code: UInt32, length: UInt32) {
            for i in stride(from: Int(length) - 1, through: 0, by: -1) { push((code >> UInt32(i)) & 1) }
        }

        private mutating func push(_ bit: UInt32) {
            current |= bit << used
            used += 1
            if used == 8 {
                bytes.append(UInt8(current))
                current = 0
                used = 0
            }
        }

        mutating func finish() -> [UInt8] {
            if used > 0 { bytes.append(UInt8(current)) }
            return bytes
        }
    }
}
