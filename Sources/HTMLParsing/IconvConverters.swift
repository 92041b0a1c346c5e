#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// iconv converters, opened on first use and kept: an extractor is reused for every document its
/// parse thread handles, and `iconv_open` costs far more than a small page's conversion. Used only on
/// the thread of its owner's `extract` call (iconv descriptors are not thread-safe); closed when
/// released.
final class IconvConverters {
    /// By "to\0from"; nil records that glibc lacks the conversion.
    private var open: [String: iconv_t?] = [:]

    deinit {
        for case let converter? in open.values { iconv_close(converter) }
    }

    /// The converter from iconv encoding `from` to `to`, or nil when glibc has none.
    func converter(to: String, from: String) -> iconv_t? {
        let key = to + "\u{0}" + from
        if let cached = open[key] { return cached }
        let opened = iconv_open(to, from)
        // iconv_open reports failure as (iconv_t)-1.
        let converter: iconv_t? = opened == iconv_t(bitPattern: -1) ? nil : opened
        open[key] = .some(converter)
        return converter
    }
}

@available(*, unavailable)
extension IconvConverters: Sendable {}
