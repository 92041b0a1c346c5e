/// The schemes the WHATWG URL Standard treats specially, plus `other` for every non-special scheme.
///
/// Special schemes get hierarchical paths, mandatory hosts (except `file`), backslash-as-slash and
/// default ports; the parser branches on this instead of comparing scheme strings on the hot path.
enum SchemeKind: UInt8, Sendable {
    case http, https, ws, wss, ftp, file, other

    @inline(__always)
    var isSpecial: Bool { self != .other }

    /// The default port, which the serialiser omits and `effectivePort` falls back to.
    @inline(__always)
    var defaultPort: Int? {
        switch self {
        case .http, .ws: return 80
        case .https, .wss: return 443
        case .ftp: return 21
        case .file, .other: return nil
        }
    }

    /// Classifies an already-lowercased scheme.
    static func classify(_ s: UnsafeBufferPointer<UInt8>) -> SchemeKind {
        // Compare by length first: almost every link is http(s), so this is two or three loads.
        switch s.count {
        case 2:
            if s[0] == 0x77, s[1] == 0x73 { return .ws }  // "ws"
        case 3:
            if s[0] == 0x77, s[1] == 0x73, s[2] == 0x73 { return .wss }  // "wss"
            if s[0] == 0x66, s[1] == 0x74, s[2] == 0x70 { return .ftp }  // "ftp"
        case 4:
            if s[0] == 0x68, s[1] == 0x74, s[2] == 0x74, s[3] == 0x70 { return .http }  // "http"
            if s[0] == 0x66, s[1] == 0x69, s[2] == 0x6C, s[3] == 0x65 { return .file }  // "file"
        case 5:
            if s[0] == 0x68, s[1] == 0x74, s[2] == 0x74, s[3] == 0x70, s[4] == 0x73 { return .https }
        default:
            break
        }
        return .other
    }
}
