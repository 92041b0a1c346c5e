#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes the query of a document's links in the document's own encoding, as browsers do.
///
/// HTML parses a document's URLs with the document's encoding as the URL parser's encoding override,
/// which applies to the query of http(s) (special) URLs: on a Shift_JIS page, `?q=日本` (bytes 93 FA
/// 96 7B) is requested as `?q=%93%FA%96{`, not as the UTF-8 `%E6%97%A5%E6%9C%AC`, and the server,
/// written for Shift_JIS, expects those bytes. A character the encoding lacks becomes a numeric character
/// reference, percent-encoded (`☃` on a windows-1252 page: `%26%239731%3B`). Paths and fragments stay
/// UTF-8, as do documents in UTF-8 or UTF-16.
///
/// The rewrite is done on the link's text before it leaves the parser: bytes of the encoded
/// characters at 0x80 and above become `%XX`, and ASCII bytes stay as they are (ISO-2022-JP writes
/// kanji as ASCII bytes) so that the URL parser percent-encodes them as it would any query; only `#`
/// is escaped here, as the URL parser would read it as the start of the fragment. Owned by one
/// ``HTMLLinkExtractor``, used on its thread (iconv descriptors are not thread-safe).
final class QueryEncoder {
    private let converters = IconvConverters()

    /// Whether links of a document in `encoding` need their queries encoded.
    static func applies(to encoding: TextEncoding) -> Bool {
        encoding != .utf8 && !encoding.isUTF16
    }

    /// Rewrites the query of every link (and of `<base href>`) of a document in `encoding`.
    func encodeQueries(in summary: inout HTMLSummary, encoding: TextEncoding) {
        for index in summary.links.indices {
            if let encoded = encodedQuery(summary.links[index].url, encoding: encoding) {
                summary.links[index].url = encoded
            }
        }
        if let base = summary.baseHref, let encoded = encodedQuery(base, encoding: encoding) {
            summary.baseHref = encoded
        }
    }

    /// `href` with its query encoded in `encoding`, or nil when it needs no change: no query, an
    /// ASCII query, or a scheme that is not special (`mailto:` and the like keep UTF-8).
    func encodedQuery(_ href: String, encoding: TextEncoding) -> String? {
        var href = href
        return href.withUTF8 { bytes -> String? in
            guard let mark = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
                  bytes[mark] == UInt8(ascii: "?") else { return nil }
            let end = bytes[mark...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
            let query = UnsafeBufferPointer(rebasing: bytes[(mark + 1)..<end])
            guard query.contains(where: { $0 >= 0x80 }), Self.isSpecialOrRelative(UnsafeBufferPointer(rebasing: bytes[..<mark])) else {
                return nil
            }
            var out: [UInt8] = Array(bytes[...mark])
            out.reserveCapacity(bytes.count + query.count * 2)
            encode(query, in: encoding, into: &out)
            out += bytes[end...]
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends `query` (UTF-8) in `encoding`: ASCII as it is, other characters as their encoded
    /// bytes (`%XX` from 0x80; see the type's note), or as `%26%23N%3B` where the encoding lacks them.
    private func encode(_ query: UnsafeBufferPointer<UInt8>, in encoding: TextEncoding, into out: inout [UInt8]) {
        let converter = iconvName(encoding).flatMap { openConverter(for: $0) }
        if let converter { _ = iconv(converter, nil, nil, nil, nil) }  // the initial shift state
        for scalar in String(decoding: query, as: UTF8.self).unicodeScalars {
            if scalar.isASCII {
                if let converter { flushShiftState(converter, into: &out) }  // ISO-2022-JP: back to ASCII
                out.append(UInt8(scalar.value))
                continue
            }
            let bytes: [UInt8]?
            switch encoding.decoder {
            case .singleByte(.windows1252): bytes = Self.windows1252Byte(scalar).map { [$0] }
            case .singleByte(.xUserDefined): bytes = (0xF780...0xF7FF).contains(scalar.value) ? [UInt8(scalar.value - 0xF700)] : nil
            case .iconv, .utf8: bytes = converter.flatMap { Self.convert(scalar, with: $0) }
            }
            if let bytes {
                for byte in bytes { appendEscaped(byte, to: &out) }
            } else {
                if let converter { flushShiftState(converter, into: &out) }
                out += Array("%26%23\(scalar.value)%3B".utf8)
            }
        }
        if let converter { flushShiftState(converter, into: &out) }
    }

    private func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        if byte >= 0x80 || byte == UInt8(ascii: "#") {
            out += [UInt8(ascii: "%"), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)]]
        } else {
            out.append(byte)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Writes the bytes that return a stateful encoding (ISO-2022-JP) to its initial, ASCII state.
    private func flushShiftState(_ converter: iconv_t, into out: inout [UInt8]) {
        var buffer = [CChar](repeating: 0, count: 8)
        let written = buffer.withUnsafeMutableBufferPointer { buffer -> Int in
            var outPointer = buffer.baseAddress
            var outLeft = buffer.count
            _ = iconv(converter, nil, nil, &outPointer, &outLeft)
            return buffer.count - outLeft
        }
        for byte in buffer.prefix(written) { appendEscaped(UInt8(bitPattern: byte), to: &out) }
    }

    /// One scalar through iconv, keeping the converter's shift state; nil when the encoding lacks it.
    private static func convert(_ scalar: Unicode.Scalar, with converter: iconv_t) -> [UInt8]? {
        var input = Array(String(scalar).utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: 16)
        let written = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output -> Int? in
                var inPointer = input.baseAddress
                var inLeft = input.count
                var outPointer = output.baseAddress
                var outLeft = output.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return output.count - outLeft
            }
        }
        return written.map { output.prefix($0).map { UInt8(bitPattern: $0) } }
    }

    /// The iconv name to encode into (the decoder's, but for GBK: the Encoding Standard's GBK encoder
    /// is gb18030's without its four-byte sequences, which glibc's GBK leaves out too).
    private func iconvName(_ encoding: TextEncoding) -> String? {
        guard case .iconv(let name, _) = encoding.decoder else { return nil }
        return encoding.name == "GBK" ? "GBK" : name
    }

    private func openConverter(for name: String) -> iconv_t? {
        converters.converter(to: name, from: "UTF-8")
    }

    /// windows-1252's byte for a non-ASCII scalar: Latin-1 at 0xA0-0xFF, the table's at 0x80-0x9F.
    private static func windows1252Byte(_ scalar: Unicode.Scalar) -> UInt8? {
        if (0xA0...0xFF).contains(scalar.value) { return UInt8(scalar.value) }
        guard scalar.value <= 0xFFFF,
              let index = SingleByteDecoder.windows1252C1.firstIndex(of: UInt16(scalar.value)) else { return nil }
        return UInt8(0x80 + index)
    }

    /// The text before the query has no scheme (a relative reference, resolved against the page's
    /// http(s) URL), or a special one.
    private static func isSpecialOrRelative(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = head.first, isLetter(first) else { return true }
        var end = 1
        while end < head.count, isLetter(head[end]) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head[end])
                || head[end] == UInt8(ascii: "+") || head[end] == UInt8(ascii: "-") || head[end] == UInt8(ascii: ".") {
            end += 1
        }
        guard end < head.count, head[end] == UInt8(ascii: ":") else { return true }
        let scheme = String(decoding: head[..<end].map { $0 | 0x20 }, as: UTF8.self)
        return ["http", "https", "ws", "wss", "ftp", "file"].contains(scheme)
    }
}

@available(*, unavailable)
extension QueryEncoder: Sendable {}
