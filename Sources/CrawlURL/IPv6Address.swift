/// The standard's IPv6 parser and serialiser ("::" compression of the first longest zero run,
/// lowercase hex, embedded IPv4 in the last 32 bits accepted).
struct IPv6Address {
    var pieces: [UInt16]

    /// Parses the text between the brackets; `nil` is the spec's failure.
    init?(_ s: UnsafeBufferPointer<UInt8>) {
        var address = [UInt16](repeating: 0, count: 8)
        let n = s.count
        var pieceIndex = 0
        var compress = -1
        var p = 0
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? s[i] : 0 }

        if at(0) == 0x3A {
            guard at(1) == 0x3A else { return nil }
            p = 2
            pieceIndex = 1
            compress = 1
        }
        while p < n {
            if pieceIndex == 8 { return nil }
            if s[p] == 0x3A {
                guard compress < 0 else { return nil }
                p += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            var value = 0
            var length = 0
            while length < 4, p < n, let digit = ASCII.hexValue(s[p]) {
                value = value * 16 + Int(digit)
                p += 1
                length += 1
            }
            if at(p) == 0x2E {
                // Embedded IPv4: fills two pieces.
                guard length > 0, pieceIndex <= 6 else { return nil }
                p -= length
                var numbersSeen = 0
                while p < n {
                    if numbersSeen > 0 {
                        guard s[p] == 0x2E, numbersSeen < 4 else { return nil }
                        p += 1
                    }
                    guard p < n, ASCII.isDigit(s[p]) else { return nil }
                    var piece = -1
                    while p < n, ASCII.isDigit(s[p]) {
                        let digit = Int(s[p] - 0x30)
                        if piece < 0 {
                            piece = digit
                        } else if piece == 0 {
                            return nil  // leading zeros are not allowed here
                        } else {
                            piece = piece * 10 + digit
                        }
                        if piece > 255 { return nil }
                        p += 1
                    }
                    address[pieceIndex] = address[pieceIndex] &* 0x100 &+ UInt16(piece)
                    numbersSeen += 1
                    if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
                }
                guard numbersSeen == 4 else { return nil }
                break
            } else if at(p) == 0x3A {
                p += 1
                guard p < n else { return nil }
            } else if p < n {
                return nil
            }
            address[pieceIndex] = UInt16(value)
            pieceIndex += 1
        }
        if compress >= 0 {
            var swaps = pieceIndex - compress
            pieceIndex = 7
            while pieceIndex != 0, swaps > 0 {
                address.swapAt(pieceIndex, compress + swaps - 1)
                pieceIndex -= 1
                swaps -= 1
            }
        } else if pieceIndex != 8 {
            return nil
        }
        pieces = address
    }

    func serialize(into out: inout OutputBuffer) {
        // The first longest run of two or more zero pieces is compressed.
        var compress = -1
        var bestLength = 1
        var i = 0
        while i < 8 {
            if pieces[i] == 0 {
                var j = i
                while j < 8, pieces[j] == 0 { j += 1 }
                if j - i > bestLength {
                    bestLength = j - i
                    compress = i
                }
                i = j
            } else {
                i += 1
            }
        }
        var k = 0
        while k < 8 {
            if k == compress {
                out.append(0x3A)
                if k == 0 { out.append(0x3A) }
                k += bestLength
                continue
            }
            let piece = pieces[k]
            var started = false
            for shift in stride(from: 12, through: 0, by: -4) {
                let nibble = UInt8((piece >> UInt16(shift)) & 0xF)
                if nibble != 0 || started || shift == 0 {
                    out.append(ASCII.lowerHex(nibble))
                    started = true
                }
            }
            if k != 7 { out.append(0x3A) }
            k += 1
        }
    }
}
