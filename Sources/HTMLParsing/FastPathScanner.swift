#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte scanner that gives the summary libxml2 2.9.14's SAX parse gives, for the documents it
/// fully understands, at several times libxml2's speed; it refuses (returns false) on anything
/// else, and the extractor then parses the document with libxml2 as before.
///
/// It runs on the UTF-8 text libxml2 would parse (valid, no NUL) and reports through the same
/// ``ExtractionState`` methods as the SAX callbacks, in the same order. It models only what
/// reaches the summary: the start tags of `a`, `area`, `link`, `iframe`, `frame`, `base`,
/// `meta` (their first attribute of each name, entities decoded as `htmlParseHTMLAttribute`
/// does), the text of the first `<title>`, and where tags, comments, `<!DOCTYPE>` and
/// `<script>`/`<style>` bodies end. Tokenizer rules follow 2.9.14 (see `AttributeFloodGuard`,
/// which mirrors the same tokenizer). Everything whose treatment by libxml2 it does not model
/// exactly makes it bail; the rules are listed in the `bail` comments below. The differential
/// tests (`FastPathDifferentialTests`) and the `links` fuzz target hold it to libxml2's answers.
///
/// Stack-walk budget: libxml2 walks its element stack for unmatched end tags and misplaced
/// `<body>` tags, and `saxStructuredError` stops the parse past `SAXCallbacks.maxStackScanWork`.
/// The scanner keeps a stack that provably holds at least libxml2's elements (minus at most two
/// implied `<p>`): it pushes every start tag that is not popped at once and pops only an end tag
/// that names its top element (libxml2 then pops that element too, or has already). It charges
/// every end tag and `<body>` with that depth, and every start tag once more (the elements an end
/// tag closes on its way, each with one error at most); a total over the budget bails, so a
/// document on which libxml2 could stop early never takes the fast path.
struct FastPathScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    let state: ExtractionState
    /// The element stack, each entry `nameStart << 7 | nameLength` (names are under 128 bytes);
    /// borrowed from a ``FastPathScratch`` for the scan, so no class property is touched per tag.
    private var stack: [Int]
    /// Attribute values and title text with references decoded (borrowed the same way).
    var decoded: [UInt8]

    private var startTags = 0
    private var maxDepth = 0
    private var stackWork = 0

    /// Bound on the `<p>` elements libxml2 implies for text directly in `html`/`head`/nothing,
    /// which the scanner's stack does not hold (two at most at any time), with margin.
    private static let impliedElementSlack = 4
    /// libxml2's HTML_PARSER_BUFFER_SIZE: longer element and attribute names are cut there.
    static let maxNameLength = 100

    private init(base: UnsafePointer<UInt8>, end: Int, state: ExtractionState, stack: [Int], decoded: [UInt8]) {
        self.base = base
        self.end = end
        self.state = state
        self.stack = stack
        self.decoded = decoded
    }

    /// Scans `bytes` into `state`; false means "not handled" (state then holds partial results,
    /// which the caller discards).
    static func scan(_ bytes: UnsafeRawBufferPointer, state: ExtractionState, scratch: FastPathScratch) -> Bool {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return true }
        var scanner = FastPathScanner(
            base: raw.assumingMemoryBound(to: UInt8.self), end: bytes.count, state: state,
            stack: scratch.takeStack(), decoded: scratch.takeDecoded()
        )
        let handled = scanner.run()
        scratch.giveBack(stack: scanner.stack, decoded: scanner.decoded)
        return handled
    }

    private mutating func run() -> Bool {
        var index = 0
        while let open = find(HTMLByte.lt, from: index) {
            // bail: `<` as the last byte.
            guard open + 1 < end else { return false }
            let next = base[open + 1]
            let resume: Int?
            if isLetter(next) {
                resume = startTag(at: open + 1)
            } else if next == HTMLByte.slash {
                resume = endTag(at: open + 2, expecting: nil)
            } else if next == HTMLByte.bang {
                resume = declaration(at: open + 2)
            } else {
                // bail: `<?`, `<` before a digit, blank, `_`, `:` or anything else (text or a
                // processing instruction to libxml2, depending on what follows).
                resume = nil
            }
            guard let resume else { return false }
            index = resume
        }
        return withinStackBudget
    }

    // MARK: Start tags

    /// A start tag whose name begins at `nameStart`; returns where content resumes.
    private mutating func startTag(at nameStart: Int) -> Int? {
        var index = nameStart
        while index < end, isNameChar(base[index]) { index += 1 }
        let nameLength = index - nameStart
        // bail: a name libxml2 would cut at its buffer size.
        guard nameLength < Self.maxNameLength else { return nil }
        let element = FastPathElement(base + nameStart, nameLength)
        var attributes = FastPathAttributes()
        var count = 0
        var selfClosing = false
        index = skipBlanks(index)
        while true {
            // bail: a tag unterminated at the end of the input.
            guard index < end else { return nil }
            let byte = base[index]
            if byte == HTMLByte.gt {
                index += 1
                break
            }
            if byte == HTMLByte.slash, index + 1 < end, base[index + 1] == HTMLByte.gt {
                index += 2
                selfClosing = true
                break
            }
            // bail: a control character ends libxml2's attribute loop without `>`.
            guard isCharByte(byte) else { return nil }
            if isNameStart(byte) {
                let attributeStart = index
                while index < end, isNameChar(base[index]) { index += 1 }
                let attributeLength = index - attributeStart
                guard attributeLength < Self.maxNameLength else { return nil }
                count += 1
                // bail: an attribute flood (the flood guard cuts such tags before libxml2).
                guard count <= AttributeFloodGuard.maxAttributesPerTag else { return nil }
                let slot = element.slot(forAttribute: base + attributeStart, attributeLength)
                index = skipBlanks(index)
                var value = FastPathAttributes.Value.noValue
                if index < end, base[index] == HTMLByte.equals {
                    index = skipBlanks(index + 1)
                    guard index < end else { return nil }
                    let quote = base[index]
                    if quote == HTMLByte.doubleQuote || quote == HTMLByte.singleQuote {
                        // bail: a quoted value unterminated at the end of the input.
                        guard let close = find(quote, from: index + 1) else { return nil }
                        value = .span(index + 1, close)
                        index = close + 1
                    } else {
                        let valueStart = index
                        while index < end, !isBlank(base[index]), base[index] != HTMLByte.gt { index += 1 }
                        guard index < end else { return nil }
                        value = .span(valueStart, index)
                    }
                }
                if slot >= 0 { attributes.record(slot, value) }
            } else {
                // A bogus attribute: libxml2 skips it up to a blank or the end of the tag.
                while index < end {
                    let skipped = base[index]
                    if isBlank(skipped) || skipped == HTMLByte.gt { break }
                    if skipped == HTMLByte.slash, index + 1 < end, base[index + 1] == HTMLByte.gt { break }
                    guard isCharByte(skipped) else { return nil }
                    index += 1
                }
            }
            index = skipBlanks(index)
        }

        startTags += 1
        if element.kind == .body { chargeStackWalk() }
        if !selfClosing, !element.isVoid { push(nameStart, nameLength) }
        // bail: the bound only grows, so once it is over the budget the scan would decline at the
        // end anyway; stopping now keeps the wasted work small (a million unclosed `<a>` tags, which
        // libxml2 closes one by the next, cross it after about 7,000).
        guard withinStackBudget else { return nil }

        switch element.kind {
        case .svg:
            // bail: svg before the title; its depth depends on libxml2's auto-closing.
            guard state.titleSeen else { return nil }
        case .title:
            guard !state.titleSeen else { break }
            state.titleStarted()
            if selfClosing {
                state.titleEnded()
                break
            }
            return titleText(from: index, nameStart: nameStart)
        case .script, .style:
            if !selfClosing { return rawTextEnd(from: index, nameStart: nameStart, nameLength: nameLength) }
        case .other, .body:
            break
        default:
            guard emit(element.kind, attributes) else { return nil }
        }
        return index
    }

    /// Past a `<script>`/`<style>` body: libxml2 (recovering) ends it only at `</script` /
    /// `</style` (ASCII case-insensitive, as a prefix), and that end tag must then name exactly
    /// the element (bail otherwise: `</scripts>` keeps libxml2 in the script).
    ///
    /// libxml2's content loop tests for `</` and for a start tag that auto-closes the current
    /// element before it hands the body to `htmlParseScript`, so a body that starts with `</`
    /// (or resumes with it after a character `htmlParseScript` stops at) is read as an end tag,
    /// which may close the script (`<div><script></div><a href=x>` yields the link), and one that
    /// starts with `<noscript` closes the script (and when that empties the stack, libxml2 reads
    /// the rest of the document as script). bail: a body starting with `<` other than `<!` or the
    /// element's own end tag, and a body holding a character that is not an XML Char.
    private mutating func rawTextEnd(from start: Int, nameStart: Int, nameLength: Int) -> Int? {
        var index = start
        while let open = find(HTMLByte.lt, from: index) {
            if open + 2 + nameLength <= end, base[open + 1] == HTMLByte.slash,
               equalsIgnoringCase(open + 2, nameStart, nameLength) {
                guard !containsNonCharacter(start, open) else { return nil }
                return endTag(at: open + 2, expecting: (nameStart, nameLength))
            }
            if open == start, open + 1 < end, base[open + 1] != HTMLByte.bang { return nil }
            index = open + 1
        }
        return nil  // bail: unterminated script or style.
    }

    // MARK: End tags

    /// `</name ... >` with the name at `start`; `expecting` is the name it must have (a raw-text
    /// element's or the title's), compared ignoring case. Returns where content resumes.
    mutating func endTag(at start: Int, expecting: (start: Int, length: Int)?) -> Int? {
        // bail: `</` without a name.
        guard start < end, isNameStart(base[start]) else { return nil }
        var index = start
        while index < end, isNameChar(base[index]) { index += 1 }
        let length = index - start
        guard length < Self.maxNameLength else { return nil }
        if let expecting {
            guard length == expecting.length, equalsIgnoringCase(start, expecting.start, length) else { return nil }
        }
        index = skipBlanks(index)
        guard index < end else { return nil }
        if base[index] == HTMLByte.gt {
            index += 1
        } else {
            // Recovering, libxml2 skips to the next `>`, quotes or not.
            guard let close = find(HTMLByte.gt, from: index) else { return nil }
            index = close + 1
        }
        chargeStackWalk()
        guard withinStackBudget else { return nil }  // bail: as for start tags
        popIfTop(start, length)
        return index
    }

    // MARK: Comments and declarations

    /// After `<!`: a comment or a DOCTYPE; bail on anything else (`<![CDATA[`, `<!x`).
    private func declaration(at start: Int) -> Int? {
        if start + 1 < end, base[start] == HTMLByte.dash, base[start + 1] == HTMLByte.dash {
            return commentEnd(from: start + 2)
        }
        if hasPrefixIgnoringCase(at: start, "doctype") {
            return doctypeEnd(from: start + 7)
        }
        return nil
    }

    /// A comment ends at the first `-->` whose dashes follow `<!--`. bail: the abrupt forms
    /// `<!-->` and `<!--->`, a `--!>` before the end, any character that is not an XML Char
    /// (2.9.x versions differ on these), and an unterminated comment.
    private func commentEnd(from start: Int) -> Int? {
        guard start + 1 < end else { return nil }
        if base[start] == HTMLByte.gt || (base[start] == HTMLByte.dash && base[start + 1] == HTMLByte.gt) { return nil }
        var index = start + 2
        while let close = find(HTMLByte.gt, from: index) {
            if base[close - 1] == HTMLByte.dash, base[close - 2] == HTMLByte.dash {
                guard !containsNonCharacter(start, close) else { return nil }
                return close + 1
            }
            if base[close - 1] == HTMLByte.bang, close - 3 >= start, base[close - 2] == HTMLByte.dash,
               base[close - 3] == HTMLByte.dash {
                return nil
            }
            index = close + 1
        }
        return nil
    }

    /// `<!DOCTYPE name>`, optionally with `PUBLIC "id" ["uri"]` or `SYSTEM "uri"`: accepted only
    /// when libxml2's `htmlParseDocTypeDecl` provably ends at the same `>` (it otherwise consumes
    /// one character wherever it stopped and reads the rest as text).
    private func doctypeEnd(from start: Int) -> Int? {
        var index = skipBlanks(start)
        // The name, read by htmlParseName: ASCII only here (bail on a non-ASCII one).
        guard index < end, isLetter(base[index]) || base[index] == HTMLByte.underscore || base[index] == HTMLByte.colon else {
            return nil
        }
        while index < end, isNameChar(base[index]) { index += 1 }
        guard index < end, base[index] < 0x80 else { return nil }
        index = skipBlanks(index)
        if hasPrefixIgnoringCase(at: index, "public") {
            index = skipBlanks(index + 6)
            guard let afterPublic = literal(at: index, publicID: true) else { return nil }
            index = skipBlanks(afterPublic)
            if index < end, base[index] == HTMLByte.doubleQuote || base[index] == HTMLByte.singleQuote {
                guard let afterSystem = literal(at: index, publicID: false) else { return nil }
                index = skipBlanks(afterSystem)
            }
        } else if hasPrefixIgnoringCase(at: index, "system") {
            index = skipBlanks(index + 6)
            guard let afterSystem = literal(at: index, publicID: false) else { return nil }
            index = skipBlanks(afterSystem)
        }
        guard index < end, base[index] == HTMLByte.gt else { return nil }
        return index + 1
    }

    /// A quoted DOCTYPE literal that libxml2 reads to its closing quote; nil if it would stop
    /// short (a character outside PubidChar, or a control character in a system literal).
    private func literal(at start: Int, publicID: Bool) -> Int? {
        guard start < end else { return nil }
        let quote = base[start]
        guard quote == HTMLByte.doubleQuote || quote == HTMLByte.singleQuote else { return nil }
        var index = start + 1
        while index < end, base[index] != quote {
            let byte = base[index]
            if publicID ? !isPubidChar(byte) : !isCharByte(byte) { return nil }
            index += 1
        }
        return index < end ? index + 1 : nil
    }

    // MARK: Element stack bound

    /// Whether the stack-walk bound (the work charged so far, plus every start tag closed once at the
    /// deepest stack seen) is still within libxml2's budget. It never decreases.
    private var withinStackBudget: Bool {
        let (closing, overflow) = startTags.multipliedReportingOverflow(by: maxDepth + Self.impliedElementSlack + 1)
        return !overflow && stackWork + closing <= SAXCallbacks.maxStackScanWork
    }

    private mutating func chargeStackWalk() {
        stackWork += stack.count + Self.impliedElementSlack + 1
    }

    private mutating func push(_ start: Int, _ length: Int) {
        stack.append(start << 7 | length)
        if stack.count > maxDepth { maxDepth = stack.count }
    }

    private mutating func popIfTop(_ start: Int, _ length: Int) {
        guard let top = stack.last, top & 0x7F == length, equalsIgnoringCase(start, top >> 7, length) else { return }
        // libxml2 ignores `</html>`, `</head>`, `</body>` after a misplaced start tag of the same
        // name, so those never leave the scanner's stack.
        if FastPathElement.isDocumentStructure(base + start, length) { return }
        stack.removeLast()
    }
}

/// Buffers the fast path reuses from one document to the next (owned by one extractor, used on
/// the thread running its `extract`).
final class FastPathScratch {
    private var stack: [Int] = []
    private var decoded: [UInt8] = []

    func takeStack() -> [Int] {
        var taken: [Int] = []
        swap(&taken, &stack)
        taken.removeAll(keepingCapacity: true)
        return taken
    }

    func takeDecoded() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &decoded)
        return taken
    }

    /// Keeps the buffers for the next document, unless a hostile one grew them large.
    func giveBack(stack: [Int], decoded: [UInt8]) {
        self.stack = stack.capacity > 1 << 16 ? [] : stack
        self.decoded = decoded.capacity > 1 << 20 ? [] : decoded
    }
}

@available(*, unavailable)
extension FastPathScratch: Sendable {}
