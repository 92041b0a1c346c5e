/// Normalisation of rule patterns and request paths into one comparable byte form.
///
/// Both sides are brought to the same form (RFC 9309 sections 2.2.2 and 2.2.3):
/// - `%xx` escapes get upper-case hex digits; escapes of RFC 3986 unreserved characters
///   (`A-Z a-z 0-9 - . _ ~`) are decoded, escapes of anything else are kept;
/// - a literal `*` or `$` becomes `%2A` / `%24`, so a rule's `%2A` matches a `*` in the path and
///   the byte `*` in a normalised pattern always means "wildcard";
/// - in patterns only, bytes >= 0x80 are percent-encoded (rules may be written in raw UTF-8; paths
///   must arrive percent-encoded, as google/robotstxt also requires).
enum PatternCompiler {
    struct Result {
        /// Normalised length as written, wildcards and the `$` anchor included.
        var priority: Int
        var anchored: Bool
    }

    /// Appends the normalised, compacted form of `value` to `out` (see ``CompiledRule``).
    static func normalise(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Result {
        let start = out.count
        var priority = 0
        var anchored = false
        var index = 0
        let count = value.count
        while index < count {
            let byte = value[index]
            if byte == ASCII.percent, index + 2 < count,
               let high = ASCII.hexValue(value[index + 1]), let low = ASCII.hexValue(value[index + 2]) {
                priority += appendEscape(high << 4 | low, into: &out)
                index += 3
                continue
            }
            switch byte {
            case ASCII.star:
                priority += 1
                // Runs of `*` mean the same as one; keeping one keeps matching linear.
                if out.count == start || out[out.count - 1] != ASCII.star { out.append(ASCII.star) }
            case ASCII.dollar where index == count - 1:
                priority += 1
                anchored = true
            case ASCII.dollar:
                appendPercentEncoded(byte, into: &out)
                priority += 3
            case 0x80...:
                appendPercentEncoded(byte, into: &out)
                priority += 3
            default:
                out.append(byte)
                priority += 1
            }
            index += 1
        }
        // A trailing `*` adds nothing to a prefix match, and `*$` matches any end.
        if out.count > start, out[out.count - 1] == ASCII.star {
            out.removeLast()
            anchored = false
        }
        return Result(priority: priority, anchored: anchored)
    }

    /// Appends the normalised form of an escaped byte; returns the number of bytes appended.
    @inline(__always)
    static func appendEscape(_ decoded: UInt8, into out: inout [UInt8]) -> Int {
        if ASCII.isUnreserved(decoded) {
            out.append(decoded)
            return 1
        }
        appendPercentEncoded(decoded, into: &out)
        return 3
    }

    @inline(__always)
    static func appendPercentEncoded(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(ASCII.percent)
        out.append(ASCII.upperHexDigits[Int(byte >> 4)])
        out.append(ASCII.upperHexDigits[Int(byte & 0x0F)])
    }

    /// Appends, for a compacted pattern, the KMP failure function of each literal segment between
    /// `*`s (one entry per pattern byte; entries at `*` positions are unused). With it a segment is
    /// found in the path in time linear in the path, whatever the pattern looks like.
    static func appendFailureTable(for pattern: ArraySlice<UInt8>, into failure: inout [UInt16]) {
        let base = failure.count
        failure.append(contentsOf: repeatElement(0, count: pattern.count))
        let bytes = Array(pattern)
        var segmentStart = 0
        while segmentStart < bytes.count {
            var segmentEnd = segmentStart
            while segmentEnd < bytes.count, bytes[segmentEnd] != ASCII.star { segmentEnd += 1 }
            var matched = 0
            var position = segmentStart + 1
            while position < segmentEnd {
                let byte = bytes[position]
                while matched > 0, bytes[segmentStart + matched] != byte {
                    matched = Int(failure[base + segmentStart + matched - 1])
                }
                if bytes[segmentStart + matched] == byte { matched += 1 }
                failure[base + position] = UInt16(truncatingIfNeeded: matched)
                position += 1
            }
            segmentStart = segmentEnd + 1
        }
    }

    /// Normalises a request path into `out` (capacity at least `3 * path.count + 1`) and returns
    /// the length written. An empty path becomes `/`, a path not starting with `/` gets one
    /// (`?q` is `/?q`), and a fragment, which a request target never has, is dropped.
    static func normalisePath(_ path: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        if path.first != ASCII.slash {
            out[0] = ASCII.slash
            written = 1
        }
        var index = 0
        let count = path.count
        while index < count {
            let byte = path[index]
            if byte == ASCII.hash { break }
            if byte == ASCII.percent, index + 2 < count,
               let high = ASCII.hexValue(path[index + 1]), let low = ASCII.hexValue(path[index + 2]) {
                let decoded = high << 4 | low
                if ASCII.isUnreserved(decoded) {
                    out[written] = decoded
                    written += 1
                } else {
                    written = writeEscape(decoded, into: out, at: written)
                }
                index += 3
                continue
            }
            if byte == ASCII.star || byte == ASCII.dollar {
                written = writeEscape(byte, into: out, at: written)
            } else {
                out[written] = byte
                written += 1
            }
            index += 1
        }
        return written
    }

    /// True when `normalisePath` would change `path`; most paths need no work and are matched
    /// in place.
    @inline(__always)
    static func pathNeedsNormalising(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path.first == ASCII.slash else { return true }
        for byte in path where byte == ASCII.percent || byte == ASCII.star || byte == ASCII.dollar || byte == ASCII.hash {
            return true
        }
        return false
    }

    @inline(__always)
    private static func writeEscape(_ byte: UInt8, into out: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        out[index] = ASCII.percent
        out[index + 1] = ASCII.upperHexDigits[Int(byte >> 4)]
        out[index + 2] = ASCII.upperHexDigits[Int(byte & 0x0F)]
        return index + 3
    }
}
