/// The standard's IPv4 parser: 1 to 4 dot-separated numbers, each decimal, octal ("0" prefix) or
/// hex ("0x" prefix), so "0x7f.1", "2130706433" and "127.0.0.1" are all 127.0.0.1.
enum IPv4Address {
    /// The "ends in a number" check that decides whether a domain must be an IPv4 address.
    static func endsInNumber(_ host: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = host.count
        if end > 0, host[end - 1] == 0x2E {
            end -= 1  // a single trailing dot is ignored ("parts" minus its last empty item)
        }
        var start = end
        while start > 0, host[start - 1] != 0x2E { start -= 1 }
        guard start < end else { return false }
        var allDigits = true
        for i in start..<end where !ASCII.isDigit(host[i]) {
            allDigits = false
            break
        }
        if allDigits { return true }
        // "0x" followed by zero or more hex digits also parses as a number.
        guard end - start >= 2, host[start] == 0x30, host[start + 1] | 0x20 == 0x78 else { return false }
        for i in (start + 2)..<end where !ASCII.isHexDigit(host[i]) { return false }
        return true
    }

    /// Parses a host that ends in a number; `nil` is the spec's failure.
    static func parse(_ host: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var end = host.count
        if end > 1, host[end - 1] == 0x2E { end -= 1 }
        var address: UInt64 = 0
        var pending: UInt64? = nil  // the previous number: known not to be the last one
        var index = 0
        var i = 0
        while true {
            var j = i
            while j < end, host[j] != 0x2E { j += 1 }
            if index == 4 { return nil }
            guard let value = parseNumber(UnsafeBufferPointer(rebasing: host[i..<j])) else { return nil }
            if let previous = pending {
                if previous > 255 { return nil }
                address += previous << (8 * UInt64(3 - (index - 1)))
            }
            pending = value
            index += 1
            if j >= end { break }
            i = j + 1
        }
        // The last number fills the remaining bytes: one number may be up to 2^32 - 1.
        let last = pending ?? 0
        if last >= (UInt64(1) << (8 * UInt64(5 - index))) { return nil }
        address += last
        return UInt32(truncatingIfNeeded: address)
    }

    /// One IPv4 number; saturates far above 2^32 so huge inputs fail the range checks, not overflow.
    static func parseNumber(_ s: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !s.isEmpty else { return nil }
        var i = 0
        var radix: UInt64 = 10
        if s.count >= 2, s[0] == 0x30, s[1] | 0x20 == 0x78 {
            radix = 16
            i = 2
        } else if s.count >= 2, s[0] == 0x30 {
            radix = 8
            i = 1
        }
        var value: UInt64 = 0
        while i < s.count {
            guard let digit = ASCII.hexValue(s[i]), UInt64(digit) < radix else { return nil }
            if radix == 10, !ASCII.isDigit(s[i]) { return nil }
            value = min(value * radix + UInt64(digit), UInt64(1) << 40)
            i += 1
        }
        return value
    }

    static func serialize(_ address: UInt32, into out: inout OutputBuffer) {
        for k in 0..<4 {
            if k > 0 { out.append(0x2E) }
            out.appendDecimal(Int((address >> (8 * UInt32(3 - k))) & 0xFF))
        }
    }
}
