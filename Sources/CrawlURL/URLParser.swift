/// Component offsets collected while the parser writes the serialisation.
struct ParsedComponents {
    var schemeEnd = 0
    var usernameEnd = 0
    var hostStart = 0
    var hostEnd = 0
    var pathStart = 0
    var queryStart = -1
    var fragmentStart = -1
    var port = -1
    var kind: SchemeKind = .other
    var hasHost = false
    var hasOpaquePath = false
}

/// The WHATWG basic URL parser (no state override), run over UTF-8 bytes.
///
/// Instead of building a URL record and serialising it afterwards, each state writes its
/// component's serialisation straight into `out`, in serialisation order: scheme, "//", userinfo,
/// host, port, path, query, fragment. Path segments are written as "/segment" and "." / ".."
/// segments are undone by truncating `out`, so there is no list of segments to allocate. Where the
/// spec buffers (authority, host, port) the parser scans ahead for the component's end instead,
/// which gives the same result for parsing without a state override.
///
/// Each state is a method; a transition is a tail call (`return pathState(p)`), with `p` the index
/// of the spec's "c" in `input`. `false` means the spec's "return failure".
struct URLParser: ~Copyable {
    let input: UnsafeBufferPointer<UInt8>
    let n: Int
    let base: WebURL?
    /// The base's serialisation; empty when there is no base.
    let baseBytes: UnsafeBufferPointer<UInt8>
    var out: OutputBuffer
    var c = ParsedComponents()

    init(input: UnsafeBufferPointer<UInt8>, base: WebURL?, baseBytes: UnsafeBufferPointer<UInt8>,
         scratch: UnsafeMutableBufferPointer<UInt8>) {
        self.input = input
        self.n = input.count
        self.base = base
        self.baseBytes = baseBytes
        out = OutputBuffer(scratch: scratch)
    }

    /// Parses `input` against `base` with a scratch output buffer sized for the common case, which
    /// the standard library places on the stack when it is small.
    static func run(_ input: UnsafeBufferPointer<UInt8>, base: WebURL?, baseBytes: UnsafeBufferPointer<UInt8>) -> WebURL? {
        // Output is input plus base plus a little, except for percent-encoding and IP rewriting,
        // which the buffer absorbs by growing.
        let estimate = input.count &+ baseBytes.count &+ 32
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: estimate) { scratch in
            var parser = URLParser(input: input, base: base, baseBytes: baseBytes, scratch: scratch)
            return parser.parse()
        }
    }

    mutating func parse() -> WebURL? {
        guard schemeStartState() else { return nil }
        finish()
        return WebURL(serialization: out.makeString(), components: c)
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { i < n ? input[i] : 0 }

    @inline(__always) func isSlash(_ b: UInt8, special: Bool) -> Bool {
        b == 0x2F || (special && b == 0x5C)
    }

    // MARK: - Scheme

    mutating func schemeStartState() -> Bool {
        if n > 0, ASCII.isAlpha(input[0]) {
            var q = 1
            while q < n {
                let b = input[q]
                guard ASCII.isAlpha(b) || ASCII.isDigit(b) || b == 0x2B || b == 0x2D || b == 0x2E else { break }
                q &+= 1
            }
            if q < n, input[q] == 0x3A {
                for i in 0..<q { out.append(ASCII.lowercased(input[i])) }
                c.schemeEnd = q
                c.kind = SchemeKind.classify(out.bytes())
                out.append(0x3A)
                return afterScheme(q &+ 1)
            }
        }
        return noSchemeState()
    }

    /// The tail of the scheme state once "scheme:" is written.
    mutating func afterScheme(_ p: Int) -> Bool {
        if c.kind == .file { return fileState(p) }
        if c.kind.isSpecial {
            if let base, base.kind == c.kind {
                // Special relative or authority state: "http:foo" is relative to an http base.
                if byte(p) == 0x2F, byte(p &+ 1) == 0x2F { return specialAuthorityIgnoreSlashesState(p &+ 2) }
                return relativeState(p)
            }
            // Special authority slashes state: missing or extra slashes are only validation errors.
            return specialAuthorityIgnoreSlashesState(p)
        }
        if byte(p) == 0x2F { return pathOrAuthorityState(p &+ 1) }
        return opaquePathState(p)
    }

    mutating func noSchemeState() -> Bool {
        guard let base else { return false }
        if base.hasOpaquePath {
            // Only a fragment can be resolved against "mailto:x" and the like.
            guard byte(0) == 0x23, n > 0 else { return false }
            copyBase(through: base.fragmentlessEnd)
            c.pathStart = Int(base.pathStart)
            if base.queryStart != WebURL.absent { c.queryStart = Int(base.queryStart) }
            c.hasOpaquePath = true
            return fragmentState(1)
        }
        if base.kind == .file {
            copyBase(through: Int(base.schemeEnd) + 1)
            return fileState(0)
        }
        return relativeState(0)
    }

    mutating func pathOrAuthorityState(_ p: Int) -> Bool {
        if byte(p) == 0x2F { return authorityState(p &+ 1) }
        c.pathStart = out.count
        return pathState(p)
    }

    // MARK: - Relative references

    mutating func relativeState(_ p: Int) -> Bool {
        guard let base else { return false }
        out.truncate(to: 0)
        let special = base.kind.isSpecial
        if p < n, isSlash(input[p], special: special) { return relativeSlashState(p &+ 1) }
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
            shortenPath()
            return pathState(p)
        }
    }

    mutating func relativeSlashState(_ p: Int) -> Bool {
        guard let base else { return false }
        if base.kind.isSpecial, p < n, input[p] == 0x2F || input[p] == 0x5C {
            copyBase(through: Int(base.schemeEnd) + 1)
            return specialAuthorityIgnoreSlashesState(p &+ 1)
        }
        if byte(p) == 0x2F, p < n {
            copyBase(through: Int(base.schemeEnd) + 1)
            return authorityState(p &+ 1)
        }
        copyBaseAuthority()
        c.pathStart = out.count
        return pathState(p)
    }

    // MARK: - Copying from the base

    /// Copies the base's serialisation `[0, end)` and its scheme.
    mutating func copyBase(through end: Int) {
        guard let base else { return }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[0..<end]))
        c.schemeEnd = Int(base.schemeEnd)
        c.kind = base.kind
    }

    /// Copies scheme, credentials, host and port (or only the scheme when the base has no host).
    mutating func copyBaseAuthority() {
        guard let base else { return }
        guard base.hasHost else {
            copyBase(through: Int(base.schemeEnd) + 1)
            return
        }
        copyBase(through: Int(base.pathStart))
        c.hasHost = true
        c.usernameEnd = Int(base.usernameEnd)
        c.hostStart = Int(base.hostStart)
        c.hostEnd = Int(base.hostEnd)
        c.port = base.port ?? -1
    }

    /// Copies the base's path (without any "/." the serialiser put in front of it).
    mutating func copyBasePath() {
        guard let base else { return }
        c.pathStart = out.count
        out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[Int(base.pathStart)..<base.pathEnd]))
    }

    mutating func copyBaseQuery() {
        guard let base, base.queryStart != WebURL.absent else { return }
        c.queryStart = out.count
        out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[Int(base.queryStart)..<base.fragmentlessEnd]))
    }

    // MARK: - Finishing

    /// Applies the serialiser's one non-local rule: a host-less, non-opaque path starting with an
    /// empty segment gets "/." in front so it cannot be read back as "//authority".
    mutating func finish() {
        if !c.hasHost {
            c.usernameEnd = c.schemeEnd + 1
            c.hostStart = c.schemeEnd + 1
            c.hostEnd = c.schemeEnd + 1
            if !c.hasOpaquePath, out.count >= c.pathStart + 2, out[c.pathStart] == 0x2F, out[c.pathStart + 1] == 0x2F {
                out.insert([0x2F, 0x2E], at: c.pathStart)
                c.pathStart += 2
                if c.queryStart >= 0 { c.queryStart += 2 }
                if c.fragmentStart >= 0 { c.fragmentStart += 2 }
            }
        }
    }
}
