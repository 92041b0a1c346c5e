import CLibXML2

/// The SAX handler: file-scope functions with libxml2's exact signatures, so they capture nothing;
/// their context is the `userData` pointer, an unretained ``ExtractionState`` (see
/// ``HTMLLinkExtractor/extract(_:charset:)`` for why it stays alive).
enum SAXCallbacks {
    /// A handler that reports only what the extractor uses. Leaving `startDocument` unset means
    /// libxml2 builds no tree at all.
    static func makeHandler() -> htmlSAXHandler {
        var handler = htmlSAXHandler()
        handler.startElement = saxStartElement
        handler.endElement = saxEndElement
        handler.characters = saxCharacters
        // Whitespace-only runs arrive here instead of `characters`; the title needs them.
        handler.ignorableWhitespace = saxCharacters
        // Without a cdataBlock handler libxml2 sends <script>/<style> bodies to `characters`.
        handler.cdataBlock = saxIgnoreText
        // `serror` is consulted only in a handler marked with the SAX2 magic; the HTML parser
        // itself ignores the mark (it always reports through `startElement`).
        handler.serror = saxStructuredError
        handler.initialized = sax2Magic
        return handler
    }

    /// `XML_SAX2_MAGIC` (a macro too wide for Swift to import as a typed constant).
    static let sax2Magic: UInt32 = 0xDEED_BEAF

    /// Stack entries libxml2 may walk for unmatched end tags and misplaced `<body>` tags before
    /// the parse is stopped. Each such tag costs a walk of the whole element stack, so thousands
    /// of open elements followed by a flood of them is quadratic (measured: 5,000 `<div>` then
    /// 100,000 `</span>`, 0.7 MB, took 1.1 s; the cost grows with depth times count). A page
    /// 100 deep with 10,000 stray end tags uses 2% of this budget.
    static let maxStackScanWork = 50_000_000

    /// The thread's structured error handler while a document is parsed; see `libxml2Diagnostic`.
    static let diagnosticHandler: xmlStructuredErrorFunc = libxml2Diagnostic
}

@inline(__always)
private func state(_ context: UnsafeMutableRawPointer?) -> ExtractionState? {
    guard let context else { return nil }
    // Unretained: the extractor holds a strong reference to the state for the whole parse.
    return Unmanaged<ExtractionState>.fromOpaque(context).takeUnretainedValue()
}

/// Parse errors are otherwise ignored (NOERROR), but three of them report a walk of the whole
/// element stack: an end tag matching no open element, an end tag whose element is blocked, and a
/// misplaced `<body>`. Their cost is summed and the parse stopped past the budget.
///
/// Stopping is safe only where libxml2 2.9.14 reads no more input after raising the error (it
/// halts by pointing the input at a static empty string, and some callers advance past it
/// unchecked, e.g. `htmlParseScript` after "embeds close tag" and `htmlParseDocTypeDecl` after
/// "Misplaced DOCTYPE"), so the errors are told apart by message, not only by code.
private func saxStructuredError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let state = state(context), !state.stoppedEarly, let parser = state.parserContext,
          let message = error.pointee.message else { return }
    let code = error.pointee.code
    let walksStack: Bool
    if code == Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue) {
        walksStack = hasPrefix(message, "Unexpected end tag") || hasPrefix(message, "Opening and ending tag mismatch")
    } else if code == Int32(XML_HTML_STRUCURE_ERROR.rawValue) {
        walksStack = hasPrefix(message, "htmlParseStartTag: misplaced <body>")
    } else {
        walksStack = false
    }
    guard walksStack else { return }
    state.stackScanWork += Int(parser.pointee.nameNr) + 1
    if state.stackScanWork > SAXCallbacks.maxStackScanWork {
        state.stoppedEarly = true
        xmlStopParser(parser)
    }
}

/// Errors libxml2 raises without a parser context: a failed encoding conversion ("encoding error :
/// input conversion failed", domain I18N) and the read error that follows it ("I/O error : encoder
/// error", domain IO). `HTML_PARSE_NOERROR` does not reach them: they go to the thread's structured
/// handler, or else to its generic handler, which prints to stderr. Without this handler, a page
/// with one invalid byte in a Shift_JIS or EUC-JP body made the crawler print three lines on its
/// stderr, over the progress line (found by Fuzz/Targets/FuzzLinkExtractor.swift).
///
/// The I/O error also means libxml2 2.9.14 reads no further. Since the extractor decodes every
/// body to valid UTF-8 itself (see `HTMLLinkExtractor.decode`), libxml2's converter has nothing left
/// to fail on; the handler stays as a safety net, and should it ever fire, the loss is reported as
/// `parseStoppedEarly`.
private func libxml2Diagnostic(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let state = state(context) else { return }
    if error.pointee.domain == Int32(XML_FROM_IO.rawValue), error.pointee.code == Int32(XML_IO_ENCODER.rawValue) {
        state.stoppedEarly = true
    }
}

@inline(__always)
private func hasPrefix(_ message: UnsafePointer<CChar>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    let expected = prefix.utf8Start
    for index in 0..<count where UInt8(bitPattern: message[index]) != expected[index] {
        return false  // also stops at the terminator
    }
    return true
}

private func saxIgnoreText(_ context: UnsafeMutableRawPointer?, _ text: UnsafePointer<xmlChar>?, _ length: Int32) {}

private func saxCharacters(_ context: UnsafeMutableRawPointer?, _ text: UnsafePointer<xmlChar>?, _ length: Int32) {
    guard let text, length > 0, let state = state(context) else { return }
    state.characters(UnsafeBufferPointer(start: text, count: Int(length)))
}

private func saxEndElement(_ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
    guard let name, let state = state(context) else { return }
    switch ASCIIBytes.lower(name[0]) {
    case UInt8(ascii: "t") where ASCIIBytes.equals(name, "title"): state.titleEnded()
    case UInt8(ascii: "s") where ASCIIBytes.equals(name, "svg"): state.svgEnded()
    default: break
    }
}

private func saxStartElement(
    _ context: UnsafeMutableRawPointer?,
    _ name: UnsafePointer<xmlChar>?,
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
) {
    guard let name, let state = state(context) else { return }
    // libxml2 lowercases HTML names already; the comparisons ignore case anyway, at no cost.
    switch ASCIIBytes.lower(name[0]) {
    case UInt8(ascii: "a"):
        if name[1] == 0 {
            linkElement(attributes, kind: .a, urlAttribute: "href", state: state)
        } else if ASCIIBytes.equals(name, "area") {
            linkElement(attributes, kind: .area, urlAttribute: "href", state: state)
        }
    case UInt8(ascii: "l") where ASCIIBytes.equals(name, "link"):
        linkElement(attributes, kind: .link, urlAttribute: "href", state: state)
    case UInt8(ascii: "i") where ASCIIBytes.equals(name, "iframe"):
        linkElement(attributes, kind: .iframe, urlAttribute: "src", state: state)
    case UInt8(ascii: "f") where ASCIIBytes.equals(name, "frame"):
        linkElement(attributes, kind: .frame, urlAttribute: "src", state: state)
    case UInt8(ascii: "b") where ASCIIBytes.equals(name, "base"):
        if let href = attribute(attributes, "href") { state.foundBase(href: ASCIIBytes.buffer(href)) }
    case UInt8(ascii: "m") where ASCIIBytes.equals(name, "meta"):
        metaElement(attributes, state: state)
    case UInt8(ascii: "t") where ASCIIBytes.equals(name, "title"):
        state.titleStarted()
    case UInt8(ascii: "s") where ASCIIBytes.equals(name, "svg"):
        state.svgStarted()
    default:
        break
    }
}

/// The value of the first attribute called `name`; nil when absent or given without a value.
/// `attributes` is libxml2's NULL-terminated name/value array (a value may be NULL).
@inline(__always)
private func attribute(
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    _ name: StaticString
) -> UnsafePointer<xmlChar>? {
    guard let attributes else { return nil }
    var index = 0
    while let attributeName = attributes[index] {
        if ASCIIBytes.equals(attributeName, name) { return attributes[index + 1] }
        index += 2
    }
    return nil
}

private func linkElement(
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    kind: HTMLLink.Kind,
    urlAttribute: StaticString,
    state: ExtractionState
) {
    guard let attributes else { return }
    var url: UnsafePointer<xmlChar>?
    var urlFound = false
    var rel: UnsafePointer<xmlChar>?
    var index = 0
    // One pass; libxml2 has already dropped duplicate attributes (the first one wins, as in HTML).
    while let attributeName = attributes[index] {
        if !urlFound, ASCIIBytes.equals(attributeName, urlAttribute) {
            url = attributes[index + 1]
            urlFound = true
        } else if rel == nil, ASCIIBytes.equals(attributeName, "rel") {
            rel = attributes[index + 1]
        }
        index += 2
    }
    guard let url else { return }
    state.linkElement(kind: kind, url: ASCIIBytes.buffer(url), rel: rel.map { ASCIIBytes.buffer($0) })
}

private func metaElement(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, state: ExtractionState) {
    guard let attributes else { return }
    var name: UnsafePointer<xmlChar>?
    var content: UnsafePointer<xmlChar>?
    var httpEquiv: UnsafePointer<xmlChar>?
    var index = 0
    while let attributeName = attributes[index] {
        let value = attributes[index + 1]
        switch ASCIIBytes.lower(attributeName[0]) {
        case UInt8(ascii: "c") where ASCIIBytes.equals(attributeName, "charset"):
            if let value { state.foundCharset(ASCIIBytes.buffer(value)) }
        case UInt8(ascii: "c") where ASCIIBytes.equals(attributeName, "content"):
            if content == nil { content = value }
        case UInt8(ascii: "n") where ASCIIBytes.equals(attributeName, "name"):
            if name == nil { name = value }
        case UInt8(ascii: "h") where ASCIIBytes.equals(attributeName, "http-equiv"):
            if httpEquiv == nil { httpEquiv = value }
        default:
            break
        }
        index += 2
    }
    guard let content else { return }
    state.metaElement(
        name: name.map { ASCIIBytes.buffer($0) },
        httpEquiv: httpEquiv.map { ASCIIBytes.buffer($0) },
        content: ASCIIBytes.buffer(content)
    )
}
