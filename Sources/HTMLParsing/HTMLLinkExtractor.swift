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

    /// What the extractor passes: the above, plus `HTML_PARSE_IGNORE_ENC`. The body is always
    /// UTF-8 by then (see `decode`), and libxml2 must not switch to the encoding a `<meta>` names
    /// half-way through the document. Passing "UTF-8" as the encoding already stops that in 2.9.14
    /// (`htmlCheckEncodingDirect` returns once the input has an encoding); the option says so too.
    static let extractorOptions = parseOptions | Int32(HTML_PARSE_IGNORE_ENC.rawValue)

    /// Names interned by libxml2 accumulate in the context's dictionary across documents; a
    /// context that has seen this many distinct names (hostile markup) is replaced.
    private static let maxDictionaryNames = 20_000
    /// A decoding or repair buffer larger than this is released after use instead of kept.
    private static let maxRetainedScratchBytes = 8 << 20

    /// Bodies are parsed up to this size: libxml2 takes an `int` length, and decoding to UTF-8
    /// may triple a body. The fetcher's own cap is expected to be far smaller.
    static let maxBodyBytes = Int(Int32.max) / 4

    /// Which parser a call may use; tests and the fuzz target run each alone to compare them.
    enum ExtractionPath {
        /// The fast path, and libxml2 whenever the fast path declines the document.
        case automatic
        case libxml2Only
        /// The fast path alone: `extract` returns nil when it declines the document.
        case fastPathOnly
    }

    private let state: ExtractionState
    private let fastPathScratch = FastPathScratch()
    /// Whether the last document was summarised without libxml2: by the fast path
    /// (``FastPathScanner``), or empty.
    private(set) var lastPathWasFast = false
    private let handler: htmlSAXHandler
    private var context: htmlParserCtxtPtr?
    /// Holds the text libxml2 parses when the body is not already clean UTF-8: repaired UTF-8,
    /// windows-1252 decoded, NULs replaced, attribute floods cut.
    let scratch = ByteBuffer()
    /// iconv's output, before any NUL repair moves it to `scratch`.
    let decoded = ByteBuffer()
    /// Converters for legacy encodings, opened on first use and kept for later documents.
    let iconvDecoder = IconvDecoder()
    /// Encodes link queries in a legacy document's encoding (see ``QueryEncoder``).
    private let queryEncoder = QueryEncoder()
    /// The encoding of the document being extracted.
    private var documentEncoding = TextEncoding.utf8

    /// Creates an extractor that keeps at most `maxLinks` links per document. `robotsAgent`, the
    /// crawler's product token (`crawl`), is a `<meta>` name obeyed as `robots` is, as search
    /// engines obey `<meta name=googlebot>`.
    public init(maxLinks: Int = 10_000, robotsAgent: String? = nil) {
        HTMLParsing.initialize()
        state = ExtractionState(maxLinks: maxLinks, robotsAgent: robotsAgent)
        handler = SAXCallbacks.makeHandler()
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    /// Extracts the summary of one HTML document.
    ///
    /// The body is decoded to UTF-8 first, with the encoding chosen as browsers choose it: a byte
    /// order mark, else the HTTP charset, else a `<meta charset>` (or `http-equiv=content-type`)
    /// in the first 1024 bytes, else UTF-8 if the bytes are valid UTF-8, else windows-1252. Each
    /// undecodable sequence becomes U+FFFD and decoding carries on, so no link is lost to a bad
    /// byte; NUL bytes become U+FFFD too.
    ///
    /// - Parameters:
    ///   - body: The raw bytes as received (after content decoding).
    ///   - charset: The charset parameter of the HTTP Content-Type, if any. Takes precedence over
    ///     `<meta>` but not over a byte order mark; an unknown or malformed label is ignored.
    /// - Returns: The summary; every string in it is valid UTF-8 whatever the input.
    public func extract(_ body: UnsafeRawBufferPointer, charset: String?) -> HTMLSummary {
        extract(body, charset: charset, path: .automatic) ?? state.summary()
    }

    /// Extracts the summary with the given parser(s); nil only for `.fastPathOnly` when the fast
    /// path declines the document.
    func extract(_ body: UnsafeRawBufferPointer, charset: String?, path: ExtractionPath) -> HTMLSummary? {
        state.reset()
        documentEncoding = .utf8
        // An empty body needs no parser; it counts as fast (libxml2 is not run).
        lastPathWasFast = body.isEmpty
        guard let base = body.baseAddress, !body.isEmpty else { return state.summary() }
        let raw = UnsafeRawBufferPointer(start: base, count: min(body.count, Self.maxBodyBytes))
        let choice = chooseEncoding(raw, headerCharset: charset)
        documentEncoding = choice.encoding
        let text = UnsafeRawBufferPointer(rebasing: raw[choice.bomLength...])
        // The fast path declined `text` as it is (it need not try again on the same bytes).
        var declinedAsIs = false
        if path == .automatic, !choice.knownValidUTF8, case .utf8 = choice.encoding.decoder,
           let base = text.baseAddress, memchr(base, 0, text.count) == nil {
            // Declared UTF-8 and free of NUL: the fast path runs on the bytes as they are, without the
            // validation pass over the whole body (the largest part of what a clean page cost here).
            // What repair would change cannot change its answer: repair only turns non-ASCII bytes
            // into U+FFFD's (non-ASCII) bytes, never an ASCII byte, so the markup the scanner reads is
            // the same; no UTF-8 sequence spans an ASCII byte, so every string it cuts between ASCII
            // delimiters decodes (`String(decoding:)`) to what repair would have made of it; and the
            // non-characters it declines on (U+FFFE, U+FFFF) are never made by repair. When it
            // declines, the document takes the usual way below. The `links` fuzz target compares this
            // path with libxml2 on repaired text.
            if FastPathScanner.scan(text, state: state, scratch: fastPathScratch) {
                lastPathWasFast = true
                return finish()
            }
            state.reset()
            declinedAsIs = true
        }

        var failed = false
        var owner = decode(text, as: choice, failed: &failed)
        if failed {
            // Out of memory for the decoded copy: report the page as unread rather than crash.
            state.stoppedEarly = true
        } else {
            let utf8 = owner?.bytes ?? text
            // The fast path first: it either gives libxml2's answer or declines without a trace. Not
            // again on the very bytes it declined above (clean UTF-8 is not copied by `decode`).
            if path != .libxml2Only, !(declinedAsIs && owner == nil) {
                if FastPathScanner.scan(utf8, state: state, scratch: fastPathScratch) {
                    lastPathWasFast = true
                    return finish()
                }
                state.reset()
                if path == .fastPathOnly {
                    _ = finish()
                    return nil
                }
            }
            let cuts = AttributeFloodGuard.cutOffsets(utf8)
            if !cuts.isEmpty, owner == nil {
                scratch.removeAll()
                failed = !scratch.append(text)
                owner = scratch
            }
            if failed {
                state.stoppedEarly = true
            } else if let owner {
                if let pointer = owner.base {
                    for offset in cuts { pointer[offset] = UInt8(ascii: ">") }
                }
                parse(owner.bytes)
            } else {
                parse(text)
            }
        }
        return finish()
    }

    /// Releases oversized buffers and returns the summary, its link queries in the document's
    /// encoding.
    private func finish() -> HTMLSummary {
        scratch.releaseIfLarger(than: Self.maxRetainedScratchBytes)
        decoded.releaseIfLarger(than: Self.maxRetainedScratchBytes)
        var summary = state.summary()
        if QueryEncoder.applies(to: documentEncoding) {
            queryEncoder.encodeQueries(in: &summary, encoding: documentEncoding)
        }
        return summary
    }

    /// Extracts the summary of one HTML document held in an array.
    public func extract(_ body: [UInt8], charset: String?) -> HTMLSummary {
        body.withUnsafeBytes { extract($0, charset: charset) }
    }

    /// ``extract(_:charset:path:)`` on an array.
    func extract(_ body: [UInt8], charset: String?, path: ExtractionPath) -> HTMLSummary? {
        body.withUnsafeBytes { extract($0, charset: charset, path: path) }
    }

    /// Parses `bytes`, which are valid UTF-8 without NUL bytes.
    private func parse(_ bytes: UnsafeRawBufferPointer) {
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
            htmlCtxtReadMemory(context, pointer, Int32(clamping: bytes.count), nil, "UTF-8", Self.extractorOptions)
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
