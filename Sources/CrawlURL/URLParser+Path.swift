extension URLParser {
    /// Path state. Each segment is written as "/" + percent-encoded bytes; when it ends, a "." or
    /// ".." segment (including "%2e" forms) is taken back out of `out` and applied. The caller has
    /// set `c.pathStart`.
    mutating func pathState(_ p: Int) -> Bool {
        let special = c.kind.isSpecial
        var p = p
        var segmentStart = out.count
        out.append(0x2F)
        // One mask test per byte finds both segment ends and bytes to encode ("?" and "#" are
        // in the path set already); the plain runs between them are block-copied.
        let stop = PercentEncodeSet(low: PercentEncodeSet.path.low | (1 << 0x2F),
                                    high: PercentEncodeSet.path.high | (1 << (0x5C - 64)))
        while true {
            var q = p
            var run = p
            while q < n {
                let b = input[q]
                if !stop.contains(b) {
                    q &+= 1
                    continue
                }
                if b == 0x2F || b == 0x3F || b == 0x23 || (special && b == 0x5C) { break }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[run..<q]))
                out.appendPercentEncoded(b, .path)  // "\\" in a non-special path is not encoded
                q &+= 1
                run = q
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[run..<q]))

            let terminator: UInt8 = q < n ? input[q] : 0
            let endsWithSlash = terminator == 0x2F || terminator == 0x5C
            if let dots = dotSegment(from: segmentStart &+ 1) {
                out.removeLast(out.count &- segmentStart)
                if dots == 2 { shortenPath() }
                // "a/.." and "a/." still end in a directory: keep an empty last segment.
                if !endsWithSlash { out.append(0x2F) }
            } else if c.kind == .file {
                normalizeDriveLetter(segmentStart)
            }

            if endsWithSlash {
                p = q &+ 1
                segmentStart = out.count
                out.append(0x2F)
                continue
            }
            if q == n { return true }
            if terminator == 0x3F { return queryState(q &+ 1) }
            return fragmentState(q &+ 1)
        }
    }

    /// 1 for a single-dot segment, 2 for a double-dot one ("." / "%2e" and every two-dot mix),
    /// looking at `out[from...]`.
    func dotSegment(from: Int) -> Int? {
        let length = out.count &- from
        guard length >= 1, length <= 6 else { return nil }
        var dots = 0
        var i = from
        while i < out.count {
            if out[i] == 0x2E {
                i &+= 1
            } else if out[i] == 0x25, i &+ 2 < out.count, out[i &+ 1] == 0x32, out[i &+ 2] | 0x20 == 0x65 {
                i &+= 3
            } else {
                return nil
            }
            dots &+= 1
        }
        return dots <= 2 ? dots : nil
    }

    /// Removes the last path segment; a `file:` path that is only a drive letter ("/C:") stays.
    mutating func shortenPath() {
        if c.kind == .file, out.count == c.pathStart &+ 3, isDriveLetter(at: c.pathStart &+ 1, normalizedOnly: true) {
            return
        }
        var j = out.count &- 1
        while j >= c.pathStart, out[j] != 0x2F { j &-= 1 }
        if j >= c.pathStart { out.removeLast(out.count &- j) }
    }

    /// Whether `out[i], out[i+1]` is a Windows drive letter ("C:" or, unless normalized, "C|").
    func isDriveLetter(at i: Int, normalizedOnly: Bool) -> Bool {
        guard i &+ 1 < out.count, ASCII.isAlpha(out[i]) else { return false }
        return out[i &+ 1] == 0x3A || (!normalizedOnly && out[i &+ 1] == 0x7C)
    }

    /// `file:` quirk: a first segment "C|" becomes "C:".
    mutating func normalizeDriveLetter(_ segmentStart: Int) {
        if segmentStart == c.pathStart, out.count == segmentStart &+ 3, isDriveLetter(at: segmentStart &+ 1, normalizedOnly: false) {
            out[segmentStart &+ 2] = 0x3A
        }
    }

    /// Opaque path state (`mailto:`, `javascript:`, `data:`...): only C0 controls and non-ASCII
    /// are encoded; a space right before "?" or "#" becomes "%20" so the URL re-parses the same.
    mutating func opaquePathState(_ p: Int) -> Bool {
        c.hasOpaquePath = true
        c.pathStart = out.count
        var q = p
        while q < n {
            let b = input[q]
            if b == 0x3F || b == 0x23 { break }
            if b == 0x20 {
                let next = byte(q &+ 1)
                if next == 0x3F || next == 0x23 {
                    out.append(0x25)
                    out.append(0x32)
                    out.append(0x30)
                } else {
                    out.append(0x20)
                }
            } else {
                out.appendPercentEncoded(b, .c0Control)
            }
            q &+= 1
        }
        if q == n { return true }
        if input[q] == 0x3F { return queryState(q &+ 1) }
        return fragmentState(q &+ 1)
    }

    mutating func queryState(_ p: Int) -> Bool {
        c.queryStart = out.count
        out.append(0x3F)
        var q = p
        while q < n, input[q] != 0x23 { q &+= 1 }
        out.appendPercentEncoded(UnsafeBufferPointer(rebasing: input[p..<q]), c.kind.isSpecial ? .specialQuery : .query)
        if q < n { return fragmentState(q &+ 1) }
        return true
    }

    mutating func fragmentState(_ p: Int) -> Bool {
        c.fragmentStart = out.count
        out.append(0x23)
        out.appendPercentEncoded(UnsafeBufferPointer(rebasing: input[p..<n]), .fragment)
        return true
    }
}
