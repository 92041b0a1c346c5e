/// Domain to ASCII without the UTS #46 data tables.
///
/// What is implemented: UTF-8 decoding (invalid bytes fail), a table-free subset of the UTS #46
/// mapping (ASCII and simple Unicode lowercasing, full-width ASCII to ASCII, the ideographic full
/// stops to ".", removal of the common default-ignorable code points), label validation from the
/// standard library's Unicode properties, Punycode encoding of non-ASCII labels and decoding plus
/// validation of "xn--" labels.
///
/// What is approximated: a code point still changed by NFKC_Casefold after that mapping is treated
/// as invalid (the real table would map it, e.g. "ℌ" to "h"), so such hosts fail instead of being
/// mapped. NFC is not applied (decomposed input is encoded as is), and CheckBidi and the
/// joining-type half of CheckJoiners are not run.
enum IDNA {
    /// Longest label (in code points) that is Punycode-encoded or decoded; both are quadratic.
    static let maxLabelScalars = 1024
    static let maxEncodedLabelBytes = 4096

    /// Appends the ASCII form of `domain` (percent-decoded UTF-8) to `out`; `false` is failure.
    /// The caller checks for an empty result and forbidden domain code points.
    static func toASCII(_ domain: UnsafeBufferPointer<UInt8>, into out: inout OutputBuffer) -> Bool {
        var mapped = [UInt32]()
        mapped.reserveCapacity(domain.count)
        var iterator = domain.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): map(scalar, into: &mapped)
            case .emptyInput: break decoding
            case .error: return false  // U+FFFD would be disallowed anyway
            }
        }

        var labelStart = 0
        while labelStart <= mapped.count {
            var labelEnd = labelStart
            while labelEnd < mapped.count, mapped[labelEnd] != 0x2E { labelEnd += 1 }
            guard processLabel(mapped[labelStart..<labelEnd], into: &out) else { return false }
            if labelEnd < mapped.count { out.append(0x2E) }
            labelStart = labelEnd + 1
        }
        return true
    }

    private static func processLabel(_ label: ArraySlice<UInt32>, into out: inout OutputBuffer) -> Bool {
        var isASCII = true
        for cp in label where cp >= 0x80 {
            isASCII = false
            break
        }
        let start = label.startIndex
        if label.count >= 4, label[start] == 0x78, label[start + 1] == 0x6E, label[start + 2] == 0x2D, label[start + 3] == 0x2D {
            // An A-label must be ASCII, valid Punycode, non-empty, not all-ASCII, and valid.
            guard isASCII, label.count <= maxEncodedLabelBytes else { return false }
            let bytes = label.map { UInt8(truncatingIfNeeded: $0) }
            let decoded: [UInt32]? = bytes.withUnsafeBufferPointer { Punycode.decode(UnsafeBufferPointer(rebasing: $0[4...])) }
            guard let decoded, decoded.contains(where: { $0 >= 0x80 }), isValid(decoded[...]) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if isASCII {
            for cp in label { out.append(UInt8(truncatingIfNeeded: cp)) }
            return true
        }
        guard label.count <= maxLabelScalars, isValid(label) else { return false }
        out.append(contentsOf: [0x78, 0x6E, 0x2D, 0x2D])
        return Punycode.encode(Array(label), into: &out)
    }

    /// The table-free part of the UTS #46 mapping step.
    static func map(_ scalar: Unicode.Scalar, into out: inout [UInt32]) {
        let v = scalar.value
        if v < 0x80 {
            out.append(UInt32(ASCII.lowercased(UInt8(v))))
            return
        }
        switch v {
        case 0x3002, 0xFF0E, 0xFF61:
            out.append(0x2E)  // ideographic and full-width full stops are label separators
        case 0xFF01...0xFF5E:
            out.append(UInt32(ASCII.lowercased(UInt8(v - 0xFEE0))))  // full-width ASCII
        default:
            if isIgnored(v) { return }
            if scalar.properties.changesWhenLowercased {
                for s in scalar.properties.lowercaseMapping.unicodeScalars { out.append(s.value) }
            } else {
                out.append(v)
            }
        }
    }

    /// Default-ignorable code points UTS #46 maps to nothing.
    static func isIgnored(_ v: UInt32) -> Bool {
        switch v {
        case 0xAD, 0x34F, 0x180B...0x180F, 0x200B, 0x2060, 0x2064, 0xFE00...0xFE0F, 0xFEFF,
             0x1BCA0...0x1BCA3, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    /// Validity criteria for a (mapped or decoded) label, approximated from Unicode properties.
    static func isValid(_ label: ArraySlice<UInt32>) -> Bool {
        guard let first = label.first else { return true }
        if let s = Unicode.Scalar(first), isMark(s) { return false }
        if label.count >= 4 {
            let s = label.startIndex
            if label[s] == 0x78, label[s + 1] == 0x6E, label[s + 2] == 0x2D, label[s + 3] == 0x2D { return false }
        }
        var previous: Unicode.Scalar? = nil
        for v in label {
            guard let scalar = Unicode.Scalar(v) else { return false }
            defer { previous = scalar }
            if v < 0x80 {
                // Decoded labels must not contain what mapping would have changed.
                if v == 0x2E || ASCII.lowercased(UInt8(v)) != UInt8(v) { return false }
                continue
            }
            switch v {
            case 0xDF, 0x3C2:
                continue  // ß and final sigma: deviations, valid under non-transitional processing
            case 0x200C, 0x200D:
                // CheckJoiners: allowed after a virama (the joining-type rule needs tables).
                guard let previous, previous.properties.canonicalCombiningClass.rawValue == 9 else { return false }
                continue
            case 0xFFF0...0xFFFD:
                return false
            default:
                break
            }
            if isIgnored(v) { return false }
            let properties = scalar.properties
            if properties.isNoncharacterCodePoint || properties.isWhitespace { return false }
            switch properties.generalCategory {
            case .unassigned, .control, .format, .surrogate, .privateUse,
                 .lineSeparator, .paragraphSeparator, .spaceSeparator:
                return false
            default:
                break
            }
            if properties.changesWhenNFKCCaseFolded { return false }
        }
        return true
    }

    private static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
