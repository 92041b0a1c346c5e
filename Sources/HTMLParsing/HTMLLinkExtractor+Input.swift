import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Choosing the encoding and preparing the bytes libxml2 will parse.
extension HTMLLinkExtractor {
    /// The encoding name handed to libxml2, or nil to let it detect (BOM, `<meta>`, Latin-1).
    /// Order: a byte order mark (as browsers do), then the HTTP charset if libxml2 can decode it,
    /// then UTF-8 if the bytes are valid UTF-8 (libxml2 would otherwise assume Latin-1).
    func chooseEncoding(_ bytes: UnsafeRawBufferPointer, headerCharset: String?) -> String? {
        if ByteOrderMark.find(bytes) != nil { return nil }
        if let name = CharsetLabel.libxml2Name(for: headerCharset), isSupported(name) { return name }
        return UTF8Validation.isValid(bytes) ? "UTF-8" : nil
    }

    /// Whether libxml2 (built-in table or iconv) can decode `name`. An unknown name passed to
    /// libxml2 would be ignored, which would skip the UTF-8 check above, so it is tested first;
    /// the answers are cached because the iconv lookup opens and closes a converter.
    private func isSupported(_ name: String) -> Bool {
        if name == "UTF-8" { return true }
        if let known = supportedEncodings[name] { return known }
        var supported = false
        if let handler = xmlFindCharEncodingHandler(name) {
            supported = true
            xmlCharEncCloseFunc(handler)  // frees iconv-backed handlers; built-in ones are static
        }
        if supportedEncodings.count >= 256 { supportedEncodings.removeAll(keepingCapacity: true) }
        supportedEncodings[name] = supported
        return supported
    }

    func fillScratch(_ bytes: UnsafeRawBufferPointer, replacingNULsWith replacement: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(bytes.count + 64)
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            guard let found = memchr(base + start, 0, bytes.count - start) else {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                break
            }
            let nul = base.distance(to: UnsafeRawPointer(found))
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<nul]))
            scratch.append(contentsOf: replacement)
            start = nul + 1
        }
    }
}
