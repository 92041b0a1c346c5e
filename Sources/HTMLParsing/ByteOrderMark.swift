/// A byte order mark at the start of a body; it overrides every other charset source (the HTTP
/// header included), as in browsers and the Encoding Standard's "decode".
enum ByteOrderMark {
    case utf8
    case utf16LE
    case utf16BE

    static func find(_ bytes: UnsafeRawBufferPointer) -> ByteOrderMark? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .utf8 }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return .utf16LE }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return .utf16BE }
        return nil
    }

    /// The mark's length in bytes; it is not part of the text.
    var length: Int { self == .utf8 ? 3 : 2 }

    var encoding: TextEncoding {
        switch self {
        case .utf8: .utf8
        case .utf16LE: .utf16LE
        case .utf16BE: .utf16BE
        }
    }
}
