/// RFC 3492 Punycode (bootstring with the IDNA parameters), over Unicode scalar values.
enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 0x80

    private static func adapt(_ delta: UInt32, _ numPoints: UInt32, _ firstTime: Bool) -> UInt32 {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (((base - tMin + 1) * delta) / (delta + skew))
    }

    @inline(__always)
    private static func digitByte(_ d: UInt32) -> UInt8 {
        UInt8(truncatingIfNeeded: d < 26 ? d + 0x61 : d - 26 + 0x30)
    }

    @inline(__always)
    private static func digitValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30) + 26
        case 0x41...0x5A: return UInt32(b - 0x41)
        case 0x61...0x7A: return UInt32(b - 0x61)
        default: return nil
        }
    }

    /// Appends the encoding of a label (without the "xn--" prefix); `false` on arithmetic overflow.
    static func encode(_ input: [UInt32], into out: inout OutputBuffer) -> Bool {
        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        var basicCount: UInt32 = 0
        for cp in input where cp < 0x80 {
            out.append(UInt8(cp))
            basicCount += 1
        }
        var h = basicCount
        if basicCount > 0 { out.append(0x2D) }
        let total = UInt32(input.count)
        while h < total {
            var m = UInt32.max
            for cp in input where cp >= n && cp < m { m = cp }
            let (mul, o1) = (m - n).multipliedReportingOverflow(by: h + 1)
            let (sum, o2) = delta.addingReportingOverflow(mul)
            if o1 || o2 { return false }
            delta = sum
            n = m
            for cp in input {
                if cp < n {
                    let (d, o) = delta.addingReportingOverflow(1)
                    if o { return false }
                    delta = d
                }
                if cp == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        out.append(digitByte(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    out.append(digitByte(q))
                    bias = adapt(delta, h + 1, h == basicCount)
                    delta = 0
                    h += 1
                }
            }
            let (next, overflow) = delta.addingReportingOverflow(1)
            if overflow { return false }
            delta = next
            n += 1
        }
        return true
    }

    /// Decodes a label (without the "xn--" prefix) to scalar values; `nil` if it is not valid
    /// Punycode or decodes to something that is not a Unicode scalar value.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt32]? {
        var output = [UInt32]()
        var basicEnd = 0
        for i in 0..<input.count where input[i] == 0x2D { basicEnd = i }
        for i in 0..<basicEnd {
            guard input[i] < 0x80 else { return nil }
            output.append(UInt32(input[i]))
        }
        var n = initialN
        var i: UInt32 = 0
        var bias = initialBias
        var p = basicEnd > 0 ? basicEnd + 1 : 0
        while p < input.count {
            let oldI = i
            var w: UInt32 = 1
            var k = base
            while true {
                guard p < input.count, let digit = digitValue(input[p]) else { return nil }
                p += 1
                let (dw, o1) = digit.multipliedReportingOverflow(by: w)
                let (ni, o2) = i.addingReportingOverflow(dw)
                if o1 || o2 { return nil }
                i = ni
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                let (nw, o3) = w.multipliedReportingOverflow(by: base - t)
                if o3 { return nil }
                w = nw
                k += base
            }
            let count = UInt32(output.count + 1)
            bias = adapt(i - oldI, count, oldI == 0)
            let (nn, o4) = n.addingReportingOverflow(i / count)
            if o4 { return nil }
            n = nn
            i %= count
            guard n <= 0x10FFFF, !(0xD800...0xDFFF).contains(n), n >= 0x80 else { return nil }
            output.insert(n, at: Int(i))
            i += 1
        }
        return output
    }
}
