/// Content-encoded bodies built at test time (no zlib or brotli API is needed by the tests).
enum CompressedBodies {
    /// A gzip member holding `bytes` in one stored (uncompressed) deflate block, with a real CRC-32:
    /// a valid encoding to stack (Z6) or to damage (Z7).
    static func gzipStored(_ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count < 65_536)
        var out = gzipHeader
        let length = UInt16(bytes.count)
        out += [0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        out += bytes
        out += littleEndian(crc32(bytes)) + littleEndian(UInt32(truncatingIfNeeded: bytes.count))
        return out
    }

    /// A gzip bomb: `count` zero bytes (about 200 MiB) in about `count / 1032` bytes. One dynamic
    /// Huffman block whose literal/length code gives length 258 a 1-bit code and whose distance code
    /// is the single 1-bit code for distance 1, so every 258 zeros cost 2 bits (zlib's own ratio).
    /// The trailer's CRC-32 is left 0 rather than computed over 200 MiB: a client that inflated to the
    /// end would fail with a CRC error (decode_error), so `too_large` still proves the cap cut it.
    static func gzipZeros(count: Int) -> [UInt8] {
        let bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(2, count: 2)  // BTYPE = 10, dynamic Huffman
        bits.write(29, count: 5)  // HLIT: 286 literal/length codes
        bits.write(0, count: 5)  // HDIST: 1 distance code
        bits.write(14, count: 4)  // HCLEN: 18 code length codes
        // Code length code lengths, in RFC 1951's order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1:
        // symbol 18 (run of zeros) gets 1 bit, symbols 1 and 2 get 2 bits.
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
        let lengths: [Int: UInt32] = [18: 1, 1: 2, 2: 2]
        for symbol in order { bits.write(lengths[symbol] ?? 0, count: 3) }
        // Canonical codes: 18 -> 0, 1 -> 10, 2 -> 11.
        let twoBits: (UInt32) -> Void = { bits.writeHuffman($0, length: 2) }
        let zeros: (Int) -> Void = { run in
            bits.writeHuffman(0, length: 1)
            bits.write(UInt32(run - 11), count: 7)
        }
        twoBits(0b11)  // literal 0: length 2
        zeros(138); zeros(117)  // literals 1...255: unused
        twoBits(0b11)  // 256 (end of block): length 2
        zeros(28)  // 257...284: unused
        twoBits(0b10)  // 285 (length 258): length 1
        twoBits(0b10)  // distance code 0: length 1
        // Literal/length codes: 285 -> 0, 0 -> 10, 256 -> 11. Distance 0 -> 0.
        bits.writeHuffman(0b10, length: 2)  // one literal zero
        let repeats = (count - 1) / 258
        for _ in 0..<repeats { bits.write(0, count: 2) }  // length 258 + distance 1
        bits.writeHuffman(0b11, length: 2)  // end of block
        let total = 1 + repeats * 258
        return gzipHeader + bits.finish() + littleEndian(0) + littleEndian(UInt32(truncatingIfNeeded: total))
    }

    /// 200 MiB of zeros in 165 bytes of brotli: the output of libbrotlienc 1.0.9's
    /// `BrotliEncoderCompress(quality 5, lgwin 24, mode generic)` on 209,715,200 zero bytes.
    static let brotliZeros200MiB: [UInt8] = [
        0xcf, 0xff, 0xff, 0x7f, 0x00, 0x24, 0x00, 0xe2, 0xb1, 0x40, 0x72, 0xef, 0xff, 0xf9, 0xff, 0xff, 0x0f, 0x80,
        0x04, 0x40, 0x1c, 0x16, 0x80, 0xee, 0xfd, 0x3f, 0xff, 0xff, 0xff, 0x01, 0x90, 0x00, 0x88, 0xc3, 0x02, 0xd0,
        0xbd, 0xff, 0xe7, 0xff, 0xff, 0x3f, 0x00, 0x12, 0x00, 0x71, 0x58, 0x00, 0xba, 0xf7, 0xff, 0xfc, 0xff, 0xff,
        0x07, 0x40, 0x02, 0x20, 0x0e, 0x0b, 0x40, 0xf7, 0xfe, 0x9f, 0xff, 0xff, 0xff, 0x00, 0x48, 0x00, 0xc4, 0x61,
        0x01, 0xe8, 0xde, 0xff, 0xf3, 0xff, 0xff, 0x1f, 0x00, 0x09, 0x80, 0x38, 0x2c, 0x00, 0xdd, 0xfb, 0x7f, 0xfe,
        0xff, 0xff, 0x03, 0x20, 0x01, 0x10, 0x87, 0x05, 0xa0, 0x7b, 0xff, 0xcf, 0xff, 0xff, 0x7f, 0x00, 0x24, 0x00,
        0xe2, 0xb0, 0x00, 0x74, 0xef, 0xff, 0xf9, 0xff, 0xff, 0x0f, 0x80, 0x04, 0x40, 0x1c, 0x16, 0x80, 0xee, 0xfd,
        0x3f, 0xff, 0xff, 0xff, 0x01, 0x90, 0x00, 0x88, 0xc3, 0x02, 0xd0, 0xbd, 0xff, 0xe7, 0xff, 0xff, 0x3f, 0x00,
        0x12, 0x00, 0x71, 0x58, 0x00, 0xba, 0xf7, 0xff, 0xf9, 0xff, 0xff, 0x07, 0x40, 0x02, 0x20, 0x0e, 0x0b, 0x40,
        0xf7, 0xfe, 0x0f,
    ]

    private static let gzipHeader: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
        }
        return ~crc
    }
}

/// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
private final class BitWriter {
    private var bytes: [UInt8] = []
    private var current: UInt32 = 0
    private var filled: UInt32 = 0

    func write(_ value: UInt32, count: UInt32) {
        for i in 0..<count { push((value >> i) & 1) }
    }

    func writeHuffman(_ code: UInt32, length: UInt32) {
        for i in (0..<length).reversed() { push((code >> i) & 1) }
    }

    private func push(_ bit: UInt32) {
        current |= bit << filled
        filled += 1
        if filled == 8 {
            bytes.append(UInt8(current))
            current = 0
            filled = 0
        }
    }

    func finish() -> [UInt8] {
        if filled > 0 { bytes.append(UInt8(current)) }
        return bytes
    }
}
