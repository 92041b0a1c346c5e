import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reusable per-thread parser (non-Sendable; one document at a time on one thread).
///
/// Streams the document through libxml2's HTML SAX parser without building a tree and collects
/// links, `<base>`, meta robots, the title and the declared charset. The parser context and the
/// buffers are reused from one document to the next.
public final class HTMLLinkExtractor {
    /// Parse options: lenient, silent, no network, no implied html/head/body events.
    /// `XML_PARSE_HUGE`: 2.9.x stops at 256 open elements and drops the rest of the document, but
    /// that check sits in tree building (measured: the SAX path reaches links after 5,000 nested
    /// elements either way); it is passed so that the tree baseline, and any future switch to a
    /// handler that builds nodes, is not cut short. The input size is the caller's cap.
    static let parseOptions = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue
    ) | Int32(XML_PARSE_HUGE.rawValue)

    /// Names interned by libxml2 accumulate in the context's dictionary across documents; a
    /// context that has seen this many distinct names (hostile markup) is replaced.
    private static let maxDictionaryNames = 20_000
    /// A NUL-repair copy larger than this is released after use instead of kept for reuse.
    private static let maxRetainedScratchBytes = 8 << 20

    /// Bodies are parsed up to this size: libxml2 takes an `int` length, and NUL repair may
    /// triple a body. The fetcher's own cap is expected to be far smaller.
    static let maxBodyBytes = Int(Int32.max) / 4

    private let state: ExtractionState
    private let handler: htmlSAXHandler
    private var context: htmlParserCtxtPtr?
    /// The copy libxml2 parses when the body needs repair (NULs, attribute floods).
    var scratch: [UInt8] = []
    /// libxml2's answer per encoding name, so a label costs one iconv_open per extractor.
    var supportedEncodings: [String: Bool] = [:]

    /// Creates an extractor that keeps at most `maxLinks` links per document.
    public init(maxLinks: Int = 10_000) {
        HTMLParsing.initialize()
        state = ExtractionState(maxLinks: maxLinks)
        handler = SAXCallbacks.makeHandler()
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    /// Extracts the summary of one HTML document.
    ///
    /// - Parameters:
    ///   - body: The raw bytes as received (after content decoding).
    ///   - charset: The charset parameter of the HTTP Content-Type, if any. Takes precedence over
    ///     `<meta>`; an unknown or malformed name is ignored and the encoding is detected from the
    ///     BOM and `<meta charset>` instead (UTF-8 by default).
    /// - Returns: The summary; every string in it is valid UTF-8 whatever the input.
    public func extract(_ body: UnsafeRawBufferPointer, charset: String?) -> HTMLSummary {
        state.reset()
        guard let base = body.baseAddress, !body.isEmpty else { return state.summary() }
        let length = min(body.count, Self.maxBodyBytes)
        let raw = UnsafeRawBufferPointer(start: base, count: length)
        let encoding = chooseEncoding(raw, headerCharset: charset)

        let wide = CharsetLabel.isWideEncoding(encoding) || ByteOrderMark.find(raw) == .utf16
        var usesScratch = false
        // 2.9.x drops everything after an embedded NUL. HTML replaces NUL with U+FFFD in
        // attribute values, so do that on a copy, only when there is one and only for encodings
        // in which a NUL byte is a NUL character. Where the encoding is legacy or not yet known,
        // the UTF-8 bytes of U+FFFD could decode as mojibake, so a space stands in there.
        if !wide, memchr(base, 0, length) != nil {
            let replacement: [UInt8] = encoding == "UTF-8" ? [0xEF, 0xBF, 0xBD] : [0x20]
            fillScratch(raw, replacingNULsWith: replacement)
            usesScratch = true
        }
        // Runs on the bytes libxml2 will see (after NUL replacement), so both read them alike.
        let cuts = wide ? [] : usesScratch ? scratch.withUnsafeBytes(AttributeFloodGuard.cutOffsets) : AttributeFloodGuard.cutOffsets(raw)
        if !cuts.isEmpty {
            if !usesScratch {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: raw)
                usesScratch = true
            }
            for offset in cuts { scratch[offset] = UInt8(ascii: ">") }
        }
        if usesScratch {
            scratch.withUnsafeBytes { parse($0, encoding: encoding) }
            if scratch.capacity > Self.maxRetainedScratchBytes { scratch = [] }
        } else {
            parse(raw, encoding: encoding)
        }
        return state.summary()
    }

    /// Extracts the summary of one HTML document held in an array.
    public func extract(_ body: [UInt8], charset: String?) -> HTMLSummary {
        body.withUnsafeBytes { extract($0, charset: charset) }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, encoding: String?) {
        guard let base = bytes.baseAddress, !bytes.isEmpty, let context = reusableContext() else { return }
        // Unretained: `self` holds `state` strongly for the whole synchronous parse, and the
        // pointer is cleared before returning, so libxml2 never holds it past this call.
        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        context.pointee.userData = statePointer
        state.parserContext = context
        // Errors raised without a parser context (encoding failures) go to this thread's
        // structured handler instead of stderr; see `libxml2Diagnostic`. The handler stays
        // installed, but its pointer to `state` is cleared with `userData` below.
        xmlSetStructuredErrorFunc(statePointer, SAXCallbacks.diagnosticHandler)
        let document = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { pointer in
            htmlCtxtReadMemory(context, pointer, Int32(clamping: bytes.count), nil, encoding, Self.parseOptions)
        }
        xmlSetStructuredErrorFunc(nil, SAXCallbacks.diagnosticHandler)
        context.pointee.userData = nil
        state.parserContext = nil
        // No startDocument handler means no tree; free one defensively should libxml2 make it.
        if let document { xmlFreeDoc(document) }
        // After the pointers above are cleared: this may free the context.
        if Int(xmlDictSize(context.pointee.dict)) > Self.maxDictionaryNames {
            htmlFreeParserCtxt(context)
            self.context = nil
        }
    }

    /// The parser context, created on first use with this extractor's SAX handler.
    private func reusableContext() -> htmlParserCtxtPtr? {
        if let context { return context }
        guard let created = htmlNewParserCtxt(), let sax = created.pointee.sax else { return nil }
        // The context owns a malloc'd handler; overwrite it in place. htmlCtxtReadMemory resets
        // the context but keeps `sax` (and only clears its error callbacks for NOERROR).
        sax.pointee = handler
        context = created
        return created
    }
}

@available(*, unavailable)
extension HTMLLinkExtractor: Sendable {}
