extension URLParser {
    mutating func specialAuthorityIgnoreSlashesState(_ p: Int) -> Bool {
        var p = p
        while p < n, input[p] == 0x2F || input[p] == 0x5C { p &+= 1 }
        return authorityState(p)
    }

    /// Authority state and host state: "user:pass@host:port" up to the first "/", "?", "#"
    /// (or "\" in special URLs). The credentials end at the LAST "@"; earlier ones become "%40".
    mutating func authorityState(_ p: Int) -> Bool {
        let special = c.kind.isSpecial
        out.append(0x2F)
        out.append(0x2F)
        c.hasHost = true

        var end = p
        var lastAt = -1
        while end < n {
            let b = input[end]
            if b == 0x2F || b == 0x3F || b == 0x23 || (special && b == 0x5C) { break }
            if b == 0x40 { lastAt = end }
            end &+= 1
        }

        var hostFrom = p
        if lastAt >= 0 {
            // "user@" followed by nothing: the spec's host-missing failure.
            if lastAt &+ 1 == end { return false }
            writeCredentials(p, lastAt)
            hostFrom = lastAt &+ 1
        } else {
            c.usernameEnd = out.count
        }

        // Host state: the first ":" outside brackets starts the port.
        c.hostStart = out.count
        var colon = -1
        var insideBrackets = false
        var i = hostFrom
        while i < end {
            let b = input[i]
            if b == 0x5B {
                insideBrackets = true
            } else if b == 0x5D {
                insideBrackets = false
            } else if b == 0x3A, !insideBrackets {
                colon = i
                break
            }
            i &+= 1
        }
        let hostTo = colon >= 0 ? colon : end
        if hostTo == hostFrom, colon >= 0 || special { return false }
        if hostTo > hostFrom {
            guard parseHost(hostFrom, hostTo, special: special) else { return false }
        }
        c.hostEnd = out.count
        if colon >= 0 {
            guard portState(colon &+ 1, end) else { return false }
        }
        return pathStartState(end)
    }

    /// Writes "user[:password]@" (nothing at all when both are empty).
    mutating func writeCredentials(_ from: Int, _ to: Int) {
        let start = out.count
        var passwordColon = -1
        for i in from..<to {
            let b = input[i]
            if b == 0x3A, passwordColon < 0 {
                passwordColon = out.count
                out.append(0x3A)
            } else {
                out.appendPercentEncoded(b, .userinfo)
            }
        }
        if passwordColon >= 0 {
            c.usernameEnd = passwordColon
            // An empty password is not serialised: "user:@host" becomes "user@host".
            if out.count == passwordColon &+ 1 { out.removeLast() }
        } else {
            c.usernameEnd = out.count
        }
        if out.count > start {
            out.append(0x40)
        } else {
            c.usernameEnd = out.count
        }
    }

    /// Port state over `[from, to)`: digits only, at most 65535, default port dropped.
    mutating func portState(_ from: Int, _ to: Int) -> Bool {
        guard from < to else { return true }
        var value = 0
        for i in from..<to {
            let b = input[i]
            guard ASCII.isDigit(b) else { return false }
            value = value &* 10 &+ Int(b &- 0x30)
            if value > 65535 { return false }
        }
        if value != c.kind.defaultPort {
            c.port = value
            out.append(0x3A)
            out.appendDecimal(value)
        }
        return true
    }

    mutating func pathStartState(_ p: Int) -> Bool {
        c.pathStart = out.count
        if c.kind.isSpecial {
            if p < n, input[p] == 0x2F || input[p] == 0x5C { return pathState(p &+ 1) }
            return pathState(p)
        }
        guard p < n else { return true }
        switch input[p] {
        case 0x3F: return queryState(p &+ 1)
        case 0x23: return fragmentState(p &+ 1)
        case 0x2F: return pathState(p &+ 1)
        default: return pathState(p)
        }
    }
}
