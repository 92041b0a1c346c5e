import CrawlerCore
/// Turns `StringSpan`s of a line into Swift strings, undoing JSON escapes.
enum JSONText {
    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    /// The span's text; nil when its bytes are not valid UTF-8 (the line is then treated as invalid).
    /// A lone surrogate escape becomes U+FFFD, as most JSON decoders do.
    static func decode(_ span: StringSpan, in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = line.baseAddress else { return "" }
        let raw = UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
        if !span.escaped {
            return String(validating: raw, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            guard c == UInt8(ascii: "\\"), i + 1 < raw.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(raw, at: i) else { return nil }
                i += 4
                var scalarValue = unit
                if (0xD800...0xDBFF).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"),
                   raw[i + 1] == UInt8(ascii: "u"), let low = hex4(raw, at: i + 2), (0xDC00...0xDFFF).contains(low) {
                    scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: out.append(e)  // \" \\ \/
            }
        }
        return out.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32? {
        guard i + 4 <= raw.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(raw[i + k]) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    /// Parses `fetched_at` (`2026-11-22T14:31:06.268Z`; RFC 3339 with any fraction length, `Z` or a
    /// numeric offset) to Unix milliseconds. Nil when malformed.
    static func unixMilliseconds(_ span: StringSpan, in line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let base = line.baseAddress else { return nil }
        let p = base + span.start
        let n = span.end - span.start
        guard !span.escaped, n >= 20 else { return nil }
        func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<(at + len) {
                let c = p[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let year = num(0, 4), p[4] == UInt8(ascii: "-"), let month = num(5, 2), p[7] == UInt8(ascii: "-"),
              let day = num(8, 2), p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: "t") || p[10] == 0x20,
              let hour = num(11, 2), p[13] == UInt8(ascii: ":"), let minute = num(14, 2), p[16] == UInt8(ascii: ":"),
              let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var millis = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            let fracStart = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                millis += Int(p[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > fracStart else { return nil }
        }
        var offsetSeconds = 0
        guard i < n else { return nil }
        if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
            i += 1
        } else if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
            guard n - i >= 6, let oh = num(i + 1, 2), p[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2) else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (p[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == n else { return nil }
        let days = HTTPDate.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(millis)
    }
}
