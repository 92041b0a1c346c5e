/// An encoding of the WHATWG Encoding Standard that documents are decoded from, with the decoder
/// that turns it into UTF-8.
///
/// Every document is converted to UTF-8 before libxml2 sees it, so libxml2's own (partial, and on
/// invalid input truncating) conversion never runs. The names are the Encoding Standard's.
struct TextEncoding: Hashable, Sendable {
    /// How bytes in this encoding become UTF-8.
    enum Decoder: Hashable, Sendable {
        /// UTF-8 itself: validated, and repaired only if invalid.
        case utf8
        /// A single-byte encoding with a table of our own (see ``SingleByteDecoder``).
        case singleByte(SingleByteDecoder.Table)
        /// glibc iconv under `name`; after an invalid sequence it resumes `unit` bytes further on.
        case iconv(name: String, unit: Int)
    }

    /// The Encoding Standard's name, e.g. `Shift_JIS`.
    let name: String
    let decoder: Decoder

    static let utf8 = TextEncoding(name: "UTF-8", decoder: .utf8)
    static let windows1252 = TextEncoding(name: "windows-1252", decoder: .singleByte(.windows1252))
    static let xUserDefined = TextEncoding(name: "x-user-defined", decoder: .singleByte(.xUserDefined))
    static let utf16LE = TextEncoding(name: "UTF-16LE", decoder: .iconv(name: "UTF-16LE", unit: 2))
    static let utf16BE = TextEncoding(name: "UTF-16BE", decoder: .iconv(name: "UTF-16BE", unit: 2))

    /// An encoding decoded by iconv, resuming one byte after an invalid sequence: the WHATWG
    /// decoders for these encodings emit U+FFFD and reprocess the byte after an invalid lead, so a
    /// stray byte never swallows the `<` or quote that follows it.
    static func iconv(_ name: String, as iconvName: String) -> TextEncoding {
        TextEncoding(name: name, decoder: .iconv(name: iconvName, unit: 1))
    }

    var isUTF16: Bool { self == .utf16LE || self == .utf16BE }
}
