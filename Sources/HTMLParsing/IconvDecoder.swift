#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts legacy multi-byte encodings (and UTF-16) to UTF-8 with iconv, never stopping.
///
/// libxml2 2.9.14 also uses iconv for these, but stops reading the document at the first invalid
/// sequence (fuzz finding F3: every link after one bad byte in a Shift_JIS page was lost). Here each
/// invalid sequence becomes one U+FFFD and conversion resumes after it, as browsers decode.
///
/// Converters are kept for later documents (``IconvConverters``). The instance is owned by one
/// ``HTMLLinkExtractor`` and used only on the thread running its `extract` call.
final class IconvDecoder {
    private let converters = IconvConverters()

    /// Whether glibc can convert from `name` (opens, and caches, the converter).
    func canDecode(_ name: String) -> Bool {
        converter(for: name) != nil
    }

    /// Appends the UTF-8 form of `input` (in iconv encoding `name`) to `output`. After an invalid
    /// sequence, one U+FFFD is written and conversion resumes `unit` bytes further on; a sequence
    /// cut off by the end of the input becomes one U+FFFD. NUL characters are passed through (the
    /// caller repairs them). Returns false when the encoding is unavailable or memory runs out.
    func decode(_ input: UnsafeRawBufferPointer, from name: String, unit: Int, into output: ByteBuffer) -> Bool {
        guard let converter = converter(for: name) else { return false }
        guard let base = input.baseAddress, !input.isEmpty else { return true }
        // Forget any shift state (ISO-2022-JP) left by the previous document.
        _ = iconv(converter, nil, nil, nil, nil)
        // Enough for every encoding here without a second round: a legacy character of n bytes
        // is at most 3 bytes of UTF-8 for n = 1 or 2 and 4 for n = 4, and U+FFFD is 3 per byte.
        guard output.reserve(input.count * 3 + 16) else { return false }
        // iconv's prototype takes `char **` for the input but does not write through it.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        while inLeft > 0 {
            guard output.reserve(max(16, inLeft * 3)) else { return false }
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(output.end).assumingMemoryBound(to: CChar.self)
            let spare = output.spareCapacity
            var outLeft = spare
            let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            output.count += spare - outLeft
            guard result == -1 else { break }
            let failure = errno
            if failure == E2BIG {
                // Grow past the current capacity whatever the estimate said, so the loop advances.
                guard output.reserve(output.spareCapacity + 64) else { return false }
                continue
            }
            guard output.reserve(3) else { return false }
            output.unsafeAppendReplacementCharacter()
            if failure == EINVAL {
                break  // an incomplete sequence at the end of the input
            }
            // EILSEQ (or anything unexpected): step over the bad bytes; always advance, so the
            // loop ends whatever iconv reports.
            let skip = min(unit, inLeft)
            inPointer = inPointer.map { $0 + skip }
            inLeft -= skip
        }
        return true
    }

    private func converter(for name: String) -> iconv_t? {
        converters.converter(to: "UTF-8", from: name)
    }
}

@available(*, unavailable)
extension IconvDecoder: Sendable {}
