#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Choosing the encoding and turning the body into the UTF-8 libxml2 parses.
extension HTMLLinkExtractor {
    /// The encoding a body is decoded from, and how it was chosen.
    struct EncodingChoice {
        let encoding: TextEncoding
        /// Bytes of byte order mark to skip.
        let bomLength: Int
        /// The body is already known to be valid UTF-8 (the default was chosen by checking it).
        let knownValidUTF8: Bool
    }

    /// The HTML Standard's order: a byte order mark, then the HTTP charset, then a `<meta>` in the
    /// first 1024 bytes, then the default: UTF-8 if the whole body is valid UTF-8 (legacy text
    /// practically never is), else windows-1252. A label naming an unknown encoding, or one glibc
    /// cannot convert, is skipped as if absent.
    func chooseEncoding(_ bytes: UnsafeRawBufferPointer, headerCharset: String?) -> EncodingChoice {
        if let mark = ByteOrderMark.find(bytes) {
            return EncodingChoice(encoding: mark.encoding, bomLength: mark.length, knownValidUTF8: false)
        }
        if let declared = CharsetLabel.encoding(forHeaderLabel: headerCharset), canDecode(declared) {
            return EncodingChoice(encoding: declared, bomLength: 0, knownValidUTF8: false)
        }
        if let declared = MetaCharsetPrescan.encoding(in: bytes), canDecode(declared) {
            return EncodingChoice(encoding: declared, bomLength: 0, knownValidUTF8: false)
        }
        let valid = UTF8Validation.isValid(bytes)
        return EncodingChoice(encoding: valid ? .utf8 : .windows1252, bomLength: 0, knownValidUTF8: valid)
    }

    private func canDecode(_ encoding: TextEncoding) -> Bool {
        if case .iconv(let name, _) = encoding.decoder { return iconvDecoder.canDecode(name) }
        return true
    }

    /// Converts `text` (the body after any byte order mark) to valid UTF-8 without NUL bytes.
    ///
    /// Returns the buffer now holding the text, or nil when `text` itself already qualifies (the
    /// common case: valid UTF-8 is not copied). `failed` is set when memory ran out.
    func decode(_ text: UnsafeRawBufferPointer, as choice: EncodingChoice, failed: inout Bool) -> ByteBuffer? {
        switch choice.encoding.decoder {
        case .utf8:
            // NUL bytes need repair too: libxml2 2.9 drops everything after one.
            let problem: Int?
            if choice.knownValidUTF8 {
                problem = text.baseAddress.flatMap { base in
                    memchr(base, 0, text.count).map { base.distance(to: UnsafeRawPointer($0)) }
                }
            } else {
                problem = UTF8Validation.firstProblem(text, rejectingNUL: true)
            }
            guard let problem else { return nil }
            scratch.removeAll()
            failed = !UTF8Repair.repair(text, cleanPrefix: problem, into: scratch)
            return scratch
        case .singleByte(let table):
            scratch.removeAll()
            failed = !SingleByteDecoder.decode(text, table: table, into: scratch)
            return scratch
        case .iconv(let name, let unit):
            decoded.removeAll()
            guard iconvDecoder.decode(text, from: name, unit: unit, into: decoded) else {
                failed = true
                return decoded
            }
            // glibc writes valid UTF-8, but NUL characters pass through; check both all the same.
            guard let problem = UTF8Validation.firstProblem(decoded.bytes, rejectingNUL: true) else { return decoded }
            scratch.removeAll()
            failed = !UTF8Repair.repair(decoded.bytes, cleanPrefix: problem, into: scratch)
            return scratch
        }
    }
}
