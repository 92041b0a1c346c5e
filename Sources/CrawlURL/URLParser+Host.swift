extension URLParser {
    /// The host parser over `input[from..<to]` (non-empty), writing the serialised host to `out`.
    mutating func parseHost(_ from: Int, _ to: Int, special: Bool) -> Bool {
        let bytes = UnsafeBufferPointer(rebasing: input[from..<to])
        if bytes[0] == 0x5B {
            guard bytes.count >= 2, bytes[bytes.count - 1] == 0x5D,
                  let address = IPv6Address(UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]))
            else { return false }
            out.append(0x5B)
            address.serialize(into: &out)
            out.append(0x5D)
            return true
        }
        if !special {
            // Opaque host: no IDNA, no IPv4; forbidden characters fail, the rest is kept encoded.
            for b in bytes where ByteClass.isForbiddenHost(b) { return false }
            out.appendPercentEncoded(bytes, .c0Control)
            return true
        }
        for b in bytes where b >= 0x80 || b == 0x25 {
            // Percent-encoded or non-ASCII: decode first (a rare path, allowed to allocate).
            let decoded = HostDecoding.percentDecode(bytes)
            return decoded.withUnsafeBufferPointer { writeDomain($0) }
        }
        return writeDomain(bytes)
    }

    /// Domain to ASCII, the forbidden-domain check and the IPv4 rule, for a percent-decoded domain.
    mutating func writeDomain(_ domain: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = out.count
        var labelStart = true
        var i = 0
        let count = domain.count
        while i < count {
            let b = domain[i]
            // Non-ASCII, or an "xn--" label that must be validated: leave the fast path.
            if b >= 0x80 || (labelStart && b | 0x20 == 0x78 && i &+ 3 < count && domain[i &+ 1] | 0x20 == 0x6E
                             && domain[i &+ 2] == 0x2D && domain[i &+ 3] == 0x2D) {
                out.removeLast(out.count &- start)
                guard IDNA.toASCII(domain, into: &out) else { return false }
                break
            }
            out.append(ASCII.lowercased(b))
            labelStart = b == 0x2E
            i &+= 1
        }
        if out.count == start { return false }
        for j in start..<out.count where ByteClass.isForbiddenDomain(out[j]) { return false }
        return applyIPv4Rule(start)
    }

    /// If the host "ends in a number" it must be an IPv4 address, rewritten in dotted-decimal.
    mutating func applyIPv4Rule(_ start: Int) -> Bool {
        let host = out.bytes(from: start)
        guard IPv4Address.endsInNumber(host) else { return true }
        guard let address = IPv4Address.parse(host) else { return false }
        out.truncate(to: start)
        IPv4Address.serialize(address, into: &out)
        return true
    }
}

enum HostDecoding {
    /// Percent-decodes bytes; a "%" not followed by two hex digits stays as it is.
    static func percentDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x25, i &+ 2 < bytes.count, let h = ASCII.hexValue(bytes[i &+ 1]), let l = ASCII.hexValue(bytes[i &+ 2]) {
                result.append(h &<< 4 | l)
                i &+= 3
            } else {
                result.append(b)
                i &+= 1
            }
        }
        return result
    }
}
