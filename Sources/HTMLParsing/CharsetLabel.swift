/// Turns the charset parameter of an HTTP Content-Type into a name to hand libxml2.
///
/// libxml2 resolves names through its own table and iconv, and silently ignores a name it cannot
/// find (it then detects from the BOM and `<meta>`). This only rejects labels that are not
/// plausible names and maps the WHATWG Encoding Standard's aliases where browsers deliberately
/// decode with a superset (a page labelled ISO-8859-1 is decoded as windows-1252 by every browser,
/// so its 0x80-0x9F bytes are curly quotes and dashes, not C1 controls).
enum CharsetLabel {
    /// The libxml2 encoding name for `label`, or nil to let libxml2 detect the encoding.
    static func libxml2Name(for label: String?) -> String? {
        guard let label else { return nil }
        var bytes: [UInt8] = []
        for byte in label.utf8 {
            if ASCIIBytes.isWhitespace(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if bytes.isEmpty { continue }  // leading noise
                break                          // trailing noise
            }
            let lower = ASCIIBytes.lower(byte)
            let plausible = (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39)
                || lower == UInt8(ascii: "-") || lower == UInt8(ascii: "_") || lower == UInt8(ascii: ".")
                || lower == UInt8(ascii: ":")
            guard plausible, bytes.count < 40 else { return nil }
            bytes.append(lower)
        }
        guard !bytes.isEmpty else { return nil }
        let name = String(decoding: bytes, as: UTF8.self)
        return aliases[name] ?? name
    }

    /// Whether the label names a UTF-16/UTF-32 encoding, whose bytes legitimately include NULs.
    static func isWideEncoding(_ name: String?) -> Bool {
        guard let name else { return false }
        return name.hasPrefix("utf-16") || name.hasPrefix("utf16") || name.hasPrefix("utf-32")
            || name.hasPrefix("utf32") || name.hasPrefix("ucs-2") || name.hasPrefix("ucs2")
            || name.hasPrefix("ucs-4") || name.hasPrefix("ucs4") || name.hasPrefix("unicode")
    }

    private static let aliases: [String: String] = {
        var table: [String: String] = [:]
        for label in ["ascii", "us-ascii", "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
                      "iso_8859-1:1987", "latin1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1",
                      "cp1252", "x-cp1252", "windows-1252"] {
            table[label] = "WINDOWS-1252"
        }
        for label in ["utf8", "utf-8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"] {
            table[label] = "UTF-8"
        }
        for label in ["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "csshiftjis",
                      "windows-31j"] {
            table[label] = "CP932"
        }
        for label in ["gb2312", "gb_2312", "gb_2312-80", "csgb2312", "chinese", "iso-ir-58", "x-gbk", "gbk",
                      "csiso58gb231280"] {
            table[label] = "GBK"
        }
        for label in ["euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949",
                      "cseuckr", "csksc56011987", "iso-ir-149", "korean"] {
            table[label] = "CP949"
        }
        return table
    }()
}
