/// `file:` states. The crawler never fetches `file:` URLs; these exist so that such links parse
/// the way the standard says (and never crash) before the scope check drops them.
extension URLParser {
    /// Called with "file:" already in `out`.
    mutating func fileState(_ p: Int) -> Bool {
        c.hasHost = true
        if p < n, input[p] == 0x2F || input[p] == 0x5C { return fileSlashState(p &+ 1) }
        if let base, base.kind == .file {
            out.truncate(to: 0)
            copyBaseAuthority()
            copyBasePath()
            if p == n {
                copyBaseQuery()
                return true
            }
            switch input[p] {
            case 0x3F: return queryState(p &+ 1)
            case 0x23:
                copyBaseQuery()
                return fragmentState(p &+ 1)
            default:
                if startsWithDriveLetter(p) {
                    out.removeLast(out.count &- c.pathStart)
                } else {
                    shortenPath()
                }
                return pathState(p)
            }
        }
        writeEmptyHost()
        c.pathStart = out.count
        return pathState(p)
    }

    mutating func fileSlashState(_ p: Int) -> Bool {
        if p < n, input[p] == 0x2F || input[p] == 0x5C { return fileHostState(p &+ 1) }
        if let base, base.kind == .file {
            out.truncate(to: 0)
            copyBaseAuthority()
            c.pathStart = out.count
            // "file:/x" against "file:///C:/y" keeps the drive: the result is "file:///C:/x".
            let basePathStart = Int(base.pathStart)
            if !startsWithDriveLetter(p), base.pathEnd - basePathStart >= 3,
               ASCII.isAlpha(baseBytes[basePathStart + 1]), baseBytes[basePathStart + 2] == 0x3A,
               base.pathEnd - basePathStart == 3 || baseBytes[basePathStart + 3] == 0x2F {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[basePathStart..<(basePathStart + 3)]))
            }
        } else {
            writeEmptyHost()
            c.pathStart = out.count
        }
        return pathState(p)
    }

    mutating func fileHostState(_ p: Int) -> Bool {
        var end = p
        while end < n {
            let b = input[end]
            if b == 0x2F || b == 0x5C || b == 0x3F || b == 0x23 { break }
            end &+= 1
        }
        writeEmptyHost()
        // "file://C:/x": the drive letter is the path's first segment, not a host.
        if end &- p == 2, ASCII.isAlpha(input[p]), input[p &+ 1] == 0x3A || input[p &+ 1] == 0x7C {
            c.pathStart = out.count
            return pathState(p)
        }
        if end > p {
            guard parseHost(p, end, special: true) else { return false }
            // "localhost" is the empty host.
            let localhost: [UInt8] = [0x6C, 0x6F, 0x63, 0x61, 0x6C, 0x68, 0x6F, 0x73, 0x74]
            if out.bytes(from: c.hostStart).elementsEqual(localhost) {
                out.removeLast(9)
            }
        }
        c.hostEnd = out.count
        return pathStartState(end)
    }

    /// "//" plus an empty host.
    mutating func writeEmptyHost() {
        out.append(0x2F)
        out.append(0x2F)
        c.hasHost = true
        c.usernameEnd = out.count
        c.hostStart = out.count
        c.hostEnd = out.count
    }

    /// Whether `input[p...]` starts with a Windows drive letter followed by nothing or a separator.
    func startsWithDriveLetter(_ p: Int) -> Bool {
        guard n &- p >= 2, ASCII.isAlpha(input[p]), input[p &+ 1] == 0x3A || input[p &+ 1] == 0x7C else { return false }
        if n &- p == 2 { return true }
        let b = input[p &+ 2]
        return b == 0x2F || b == 0x5C || b == 0x3F || b == 0x23
    }
}
