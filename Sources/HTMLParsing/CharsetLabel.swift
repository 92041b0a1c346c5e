/// Maps charset labels (from the HTTP Content-Type or a `<meta>`) to encodings, following the
/// WHATWG Encoding Standard's "get an encoding": ASCII whitespace trimmed, ASCII case ignored, and
/// the label table browsers use. A page labelled ISO-8859-1 or US-ASCII is therefore decoded as
/// windows-1252 (its 0x80-0x9F bytes are curly quotes and dashes, not C1 controls), Shift_JIS as
/// Microsoft's superset (CP932), GBK/GB2312 as GB18030, Big5 as Big5-HKSCS and EUC-KR as UHC
/// (CP949), as every browser does. Unknown labels give nil, so the next source is consulted.
///
/// Not mapped: the "replacement" labels (ISO-2022-KR/CN, HZ-GB-2312), which browsers decode as a
/// single U+FFFD to defeat script injection; a crawler learns more by ignoring the label.
enum CharsetLabel {
    /// The encoding named by the charset parameter of an HTTP Content-Type. Quotes around the
    /// value and anything after a closing quote or whitespace (`"utf-8"; q=1`) are tolerated.
    static func encoding(forHeaderLabel label: String?) -> TextEncoding? {
        guard let label else { return nil }
        // On the stack: this runs for every page with a charset in its Content-Type.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLabelBytes) { bytes -> TextEncoding? in
            var count = 0
            for byte in label.utf8 {
                if ASCIIBytes.isWhitespace(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    if count == 0 { continue }  // leading noise
                    break                       // trailing noise
                }
                guard count < maxLabelBytes else { return nil }
                bytes[count] = byte
                count += 1
            }
            return encoding(forLabel: UnsafeBufferPointer(rebasing: bytes[0..<count]))
        }
    }

    /// The encoding for `label` (WHATWG "get an encoding"), or nil for an unknown label.
    static func encoding(forLabel label: UnsafeBufferPointer<UInt8>) -> TextEncoding? {
        let trimmed = ASCIIBytes.trimmed(label)
        guard !trimmed.isEmpty, trimmed.count <= maxLabelBytes else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLabelBytes) { lowered -> TextEncoding? in
            for (index, byte) in trimmed.enumerated() {
                guard byte > 0x20, byte < 0x7F else { return nil }  // every known label is printable ASCII
                lowered[index] = ASCIIBytes.lower(byte)
            }
            let label = UnsafeBufferPointer(rebasing: lowered[0..<trimmed.count])
            if label.elementsEqual("utf-8".utf8) { return .utf8 }  // nearly every page: no lookup
            return table[String(decoding: label, as: UTF8.self)]
        }
    }

    /// Longer than every label in the table.
    private static let maxLabelBytes = 40

    private static let table: [String: TextEncoding] = {
        var table: [String: TextEncoding] = [:]
        func add(_ encoding: TextEncoding, _ labels: [String]) {
            for label in labels { table[label] = encoding }
        }
        add(.utf8, ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"])
        add(.iconv("IBM866", as: "IBM866"), ["866", "cp866", "csibm866", "ibm866"])
        add(.iconv("ISO-8859-2", as: "ISO-8859-2"), ["csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592",
                                                     "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"])
        add(.iconv("ISO-8859-3", as: "ISO-8859-3"), ["csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593",
                                                     "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"])
        add(.iconv("ISO-8859-4", as: "ISO-8859-4"), ["csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594",
                                                     "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"])
        add(.iconv("ISO-8859-5", as: "ISO-8859-5"), ["csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144",
                                                     "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988"])
        add(.iconv("ISO-8859-6", as: "ISO-8859-6"), ["arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic",
                                                     "ecma-114", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127",
                                                     "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"])
        add(.iconv("ISO-8859-7", as: "ISO-8859-7"), ["csisolatingreek", "ecma-118", "elot_928", "greek", "greek8",
                                                     "iso-8859-7", "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7",
                                                     "iso_8859-7:1987", "sun_eu_greek"])
        add(.iconv("ISO-8859-8", as: "ISO-8859-8"), ["csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8",
                                                     "iso-8859-8-e", "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8",
                                                     "iso_8859-8:1988", "visual"])
        // Logical-order Hebrew: the same bytes as ISO-8859-8; the difference is display only.
        add(.iconv("ISO-8859-8-I", as: "ISO-8859-8"), ["csiso88598i", "iso-8859-8-i", "logical"])
        add(.iconv("ISO-8859-10", as: "ISO-8859-10"), ["csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10",
                                                       "iso885910", "l6", "latin6"])
        add(.iconv("ISO-8859-13", as: "ISO-8859-13"), ["iso-8859-13", "iso8859-13", "iso885913"])
        add(.iconv("ISO-8859-14", as: "ISO-8859-14"), ["iso-8859-14", "iso8859-14", "iso885914"])
        add(.iconv("ISO-8859-15", as: "ISO-8859-15"), ["csisolatin9", "iso-8859-15", "iso8859-15", "iso885915",
                                                       "iso_8859-15", "l9"])
        add(.iconv("ISO-8859-16", as: "ISO-8859-16"), ["iso-8859-16"])
        add(.iconv("KOI8-R", as: "KOI8-R"), ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"])
        add(.iconv("KOI8-U", as: "KOI8-U"), ["koi8-ru", "koi8-u"])
        add(.iconv("macintosh", as: "MACINTOSH"), ["csmacintosh", "mac", "macintosh", "x-mac-roman"])
        add(.iconv("windows-874", as: "CP874"), ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620",
                                                 "windows-874"])
        add(.iconv("windows-1250", as: "CP1250"), ["cp1250", "windows-1250", "x-cp1250"])
        add(.iconv("windows-1251", as: "CP1251"), ["cp1251", "windows-1251", "x-cp1251"])
        // Our own table, not glibc's CP1252: glibc rejects 0x81, 0x8D, 0x8F, 0x90 and 0x9D, which
        // the Encoding Standard maps to the C1 controls of the same value.
        add(.windows1252, ["ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
                           "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
                           "us-ascii", "windows-1252", "x-cp1252"])
        add(.iconv("windows-1253", as: "CP1253"), ["cp1253", "windows-1253", "x-cp1253"])
        add(.iconv("windows-1254", as: "CP1254"), ["cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9",
                                                   "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5", "latin5",
                                                   "windows-1254", "x-cp1254"])
        add(.iconv("windows-1255", as: "CP1255"), ["cp1255", "windows-1255", "x-cp1255"])
        add(.iconv("windows-1256", as: "CP1256"), ["cp1256", "windows-1256", "x-cp1256"])
        add(.iconv("windows-1257", as: "CP1257"), ["cp1257", "windows-1257", "x-cp1257"])
        add(.iconv("windows-1258", as: "CP1258"), ["cp1258", "windows-1258", "x-cp1258"])
        // The Encoding Standard's x-mac-cyrillic table is Apple's later Ukrainian variant.
        add(.iconv("x-mac-cyrillic", as: "MACUKRAINIAN"), ["x-mac-cyrillic", "x-mac-ukrainian"])
        // The standard's GBK decoder is its gb18030 decoder.
        add(.iconv("GBK", as: "GB18030"), ["chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80",
                                           "gbk", "iso-ir-58", "x-gbk"])
        add(.iconv("gb18030", as: "GB18030"), ["gb18030"])
        add(.iconv("Big5", as: "BIG5-HKSCS"), ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"])
        add(.iconv("EUC-JP", as: "EUC-JP"), ["cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"])
        add(.iconv("ISO-2022-JP", as: "ISO-2022-JP"), ["csiso2022jp", "iso-2022-jp"])
        add(.iconv("Shift_JIS", as: "CP932"), ["csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis",
                                               "windows-31j", "x-sjis"])
        add(.iconv("EUC-KR", as: "CP949"), ["cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean",
                                            "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"])
        add(.utf16BE, ["unicodefffe", "utf-16be"])
        add(.utf16LE, ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"])
        add(.xUserDefined, ["x-user-defined"])
        return table
    }()
}
