/// A byte order mark at the start of a body; browsers let it override every other charset source.
enum ByteOrderMark {
    case utf8
    case utf16

    static func find(_ bytes: UnsafeRawBufferPointer) -> ByteOrderMark? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .utf8 }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return .utf16
        }
        return nil
    }
}
