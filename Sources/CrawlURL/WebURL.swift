/// A URL parsed and serialised by the WHATWG URL Standard's basic URL parser.
///
/// The value is its serialisation (`href`) plus the offsets of each component inside it, so
/// reading `href` costs nothing and every other component is one slice. Two values are equal
/// exactly when their `href`s are equal (the serialisation is canonical for a parsed URL).
///
/// Parse with ``parse(_:base:)`` (a `String`) or ``parse(utf8:base:)`` (raw bytes from a page).
/// Deliberate deviations from the standard, all on inputs a crawler never needs to honour:
/// - IDNA: no UTS-46 mapping tables. Hosts get ASCII lowercasing, a few table-free mappings
///   (full-width ASCII, ideographic full stops, default-ignorable code points), simple lowercase
///   mapping, and Punycode; a label that would still need NFKC/case-fold mapping is rejected
///   rather than mapped, and NFC, CheckBidi and the ZWNJ joining-type context are not checked.
/// - A non-ASCII host label longer than 1,024 code points (or an `xn--` label longer than 4,096
///   bytes) is rejected, keeping Punycode's quadratic cost bounded; DNS allows 63 bytes.
/// - Bytes that are not valid UTF-8 (only possible through the byte API) are percent-encoded as
///   they are instead of becoming U+FFFD; in a host they make the parse fail.
/// - `file:` URLs parse without crashing but Windows drive-letter quirks are only approximated.
/// - Inputs longer than 64 MiB are rejected so offsets fit in 32 bits.
public struct WebURL: Sendable {
    /// The full serialisation; every component is a slice of it. Always ASCII.
    @usableFromInline let serialization: String

    // Offsets into `serialization` (UTF-8 = ASCII code units).
    let schemeEnd: UInt32       // index of the ":" after the scheme
    let usernameEnd: UInt32     // end of the username; == hostStart when there are no credentials
    let hostStart: UInt32       // start of the host (after "//" and "user:pass@")
    let hostEnd: UInt32         // end of the host (a ":port" or the path follows)
    let pathStart: UInt32       // start of the path (after any "/." the serialiser inserted)
    let queryStart: UInt32      // index of "?", or `WebURL.absent`
    let fragmentStart: UInt32   // index of "#", or `WebURL.absent`
    let portValue: UInt16       // valid only when `hasPort`
    let kind: SchemeKind
    let flags: UInt8

    static let absent = UInt32.max  // "no such component" offset
    static let hasHostFlag: UInt8 = 1
    static let hasOpaquePathFlag: UInt8 = 2
    static let hasPortFlag: UInt8 = 4

    init(serialization: String, components c: ParsedComponents) {
        self.serialization = serialization
        schemeEnd = UInt32(truncatingIfNeeded: c.schemeEnd)
        usernameEnd = UInt32(truncatingIfNeeded: c.usernameEnd)
        hostStart = UInt32(truncatingIfNeeded: c.hostStart)
        hostEnd = UInt32(truncatingIfNeeded: c.hostEnd)
        pathStart = UInt32(truncatingIfNeeded: c.pathStart)
        queryStart = c.queryStart < 0 ? WebURL.absent : UInt32(truncatingIfNeeded: c.queryStart)
        fragmentStart = c.fragmentStart < 0 ? WebURL.absent : UInt32(truncatingIfNeeded: c.fragmentStart)
        portValue = UInt16(truncatingIfNeeded: max(c.port, 0))
        kind = c.kind
        var f: UInt8 = 0
        if c.hasHost { f |= WebURL.hasHostFlag }
        if c.hasOpaquePath { f |= WebURL.hasOpaquePathFlag }
        if c.port >= 0 { f |= WebURL.hasPortFlag }
        flags = f
    }

    /// Copy with the serialisation cut at `end` (used to drop the fragment).
    init(truncating other: WebURL, at end: Int) {
        var s = other.serialization
        serialization = s.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[..<end]), as: UTF8.self) }
        schemeEnd = other.schemeEnd
        usernameEnd = other.usernameEnd
        hostStart = other.hostStart
        hostEnd = other.hostEnd
        pathStart = other.pathStart
        queryStart = other.queryStart
        fragmentStart = WebURL.absent
        portValue = other.portValue
        kind = other.kind
        flags = other.flags
    }

    // MARK: - Component offsets

    @inline(__always) var totalLength: Int { serialization.utf8.count }
    @inline(__always) var hasHost: Bool { flags & WebURL.hasHostFlag != 0 }
    @inline(__always) var hasOpaquePath: Bool { flags & WebURL.hasOpaquePathFlag != 0 }

    /// End of the path: the "?", the "#" or the end.
    @inline(__always) var pathEnd: Int {
        if queryStart != WebURL.absent { return Int(queryStart) }
        if fragmentStart != WebURL.absent { return Int(fragmentStart) }
        return totalLength
    }

    /// End of the query (or path): the "#" or the end.
    @inline(__always) var fragmentlessEnd: Int {
        fragmentStart != WebURL.absent ? Int(fragmentStart) : totalLength
    }

    /// The serialisation's bytes `[from, to)` as a new string.
    func slice(_ from: Int, _ to: Int) -> String {
        if from >= to { return "" }
        var s = serialization
        return s.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[from..<to]), as: UTF8.self) }
    }
}

extension WebURL: Hashable {
    /// Equal serialisations mean equal URLs; the offsets are derived from it.
    public static func == (lhs: WebURL, rhs: WebURL) -> Bool { lhs.serialization == rhs.serialization }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialization) }
}

extension WebURL: CustomStringConvertible, LosslessStringConvertible {
    /// The `href`.
    public var description: String { serialization }

    /// Parses an absolute URL (no base); `nil` when the standard's parser fails.
    public init?(_ description: String) {
        guard let url = WebURL.parse(description) else { return nil }
        self = url
    }
}
