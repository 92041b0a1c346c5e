import CLibXML2

/// What the SAX callbacks accumulate for one document. Owned by one ``HTMLLinkExtractor`` and
/// touched only on the thread running its `extract` call; reset between documents so its buffers
/// are reused.
final class ExtractionState {
    private enum TitleState { case notSeen, capturing, done }

    let maxLinks: Int
    private(set) var links: [HTMLLink] = []
    private(set) var linksTruncated = 0
    private(set) var baseHref: String?
    private var baseSeen = false
    private(set) var robotsNofollow = false
    private(set) var robotsNoindex = false
    private(set) var declaredCharset: String?
    /// The context being parsed, set only for the duration of one parse, so the error callback
    /// can read the element-stack depth and stop a parse that turned quadratic.
    var parserContext: htmlParserCtxtPtr?
    /// Element-stack entries libxml2 has scanned for unmatched or misplaced tags so far.
    var stackScanWork = 0
    var stoppedEarly = false

    private var titleState = TitleState.notSeen
    /// Collapsed title bytes; a few bytes beyond the cap are kept so the cut can find a boundary.
    private var titleBytes: [UInt8] = []
    private var titlePendingSpace = false
    /// Open `<svg>` elements: an SVG `<title>` is a tooltip, not the document title.
    private var svgDepth = 0

    /// The crawler's product token, lower-cased: a `<meta>` of this name is read as `robots` is.
    private let robotsAgent: [UInt8]

    init(maxLinks: Int, robotsAgent: String? = nil) {
        self.maxLinks = max(0, maxLinks)
        self.robotsAgent = (robotsAgent ?? "").utf8.map(ASCIIBytes.lower)
    }

    func reset() {
        links = []
        linksTruncated = 0
        baseHref = nil
        baseSeen = false
        robotsNofollow = false
        robotsNoindex = false
        declaredCharset = nil
        titleState = .notSeen
        titleBytes.removeAll(keepingCapacity: true)
        titlePendingSpace = false
        svgDepth = 0
        stackScanWork = 0
        stoppedEarly = false
    }

    func summary() -> HTMLSummary {
        HTMLSummary(
            title: finishedTitle(),
            links: links,
            baseHref: baseHref,
            robotsNofollow: robotsNofollow,
            robotsNoindex: robotsNoindex,
            declaredCharset: declaredCharset,
            linksTruncated: linksTruncated,
            parseStoppedEarly: stoppedEarly
        )
    }

    // MARK: Elements

    func addLink(_ url: UnsafeBufferPointer<UInt8>, kind: HTMLLink.Kind, nofollow: Bool) {
        // One access to `links` (a stored property pays a dynamic exclusivity check per access).
        if !Self.append(HTMLLink(url: ASCIIBytes.string(ASCIIBytes.trimmed(url)), kind: kind, nofollow: nofollow), to: &links, max: maxLinks) {
            linksTruncated += 1
        }
    }

    /// Appends `link` unless `links` holds `max` already; reserves room for a typical page's links
    /// on the first (growing from empty reallocated 5-6 times a page).
    private static func append(_ link: @autoclosure () -> HTMLLink, to links: inout [HTMLLink], max: Int) -> Bool {
        guard links.count < max else { return false }
        if links.capacity == 0 { links.reserveCapacity(min(max, 32)) }
        links.append(link())
        return true
    }

    /// Only the first `<base>` that has an `href` counts (HTML's "frozen base URL").
    func foundBase(href: UnsafeBufferPointer<UInt8>) {
        guard !baseSeen else { return }
        baseSeen = true
        baseHref = ASCIIBytes.string(ASCIIBytes.trimmed(href))
    }

    func foundRobots(nofollow: Bool, noindex: Bool) {
        robotsNofollow = robotsNofollow || nofollow
        robotsNoindex = robotsNoindex || noindex
    }

    func foundCharset(_ label: UnsafeBufferPointer<UInt8>) {
        guard declaredCharset == nil else { return }
        let trimmed = ASCIIBytes.trimmed(label)
        // A label is a short ASCII word; anything else is noise not worth reporting.
        guard !trimmed.isEmpty, trimmed.count <= 64, trimmed.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return }
        declaredCharset = ASCIIBytes.string(trimmed)
    }

    /// A link-bearing element (`a`, `area`, `link`, `iframe`, `frame`) whose URL attribute is
    /// `url`; `rel` is its `rel` value, if any. Shared by the libxml2 callbacks and the fast path.
    func linkElement(kind: HTMLLink.Kind, url: UnsafeBufferPointer<UInt8>, rel: UnsafeBufferPointer<UInt8>?) {
        let relTokens = rel.map { RelTokens($0) } ?? []
        if kind == .link, relTokens.isDisjoint(with: .followedLinkRelations) { return }
        addLink(url, kind: kind, nofollow: relTokens.contains(.nofollow))
    }

    /// A `<meta>` with a `content` attribute, after its `charset` attribute (if any) went to
    /// ``foundCharset(_:)``. Shared by the libxml2 callbacks and the fast path.
    func metaElement(
        name: UnsafeBufferPointer<UInt8>?,
        httpEquiv: UnsafeBufferPointer<UInt8>?,
        content: UnsafeBufferPointer<UInt8>
    ) {
        if let name, ASCIIBytes.equals(ASCIIBytes.trimmed(name), "robots") || namesRobotsAgent(ASCIIBytes.trimmed(name)) {
            let directives = RobotsDirectives(content)
            foundRobots(nofollow: directives.nofollow, noindex: directives.noindex)
        }
        guard let httpEquiv else { return }
        let equiv = ASCIIBytes.trimmed(httpEquiv)
        if ASCIIBytes.equals(equiv, "content-type"), let charset = ContentTypeCharset.label(in: content) {
            foundCharset(charset)
        }
        if ASCIIBytes.equals(equiv, "refresh"), let target = MetaRefresh.url(in: content) {
            addLink(target, kind: .refresh, nofollow: false)
        }
    }

    private func namesRobotsAgent(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        !robotsAgent.isEmpty && robotsAgent.withUnsafeBufferPointer { ASCIIBytes.equals(name, lowercase: $0) }
    }

    /// Whether a `<title>` outside `<svg>` has started (the fast path bails on `<svg>` before it).
    var titleSeen: Bool { titleState != .notSeen }

    func svgStarted() { svgDepth += 1 }
    func svgEnded() { if svgDepth > 0 { svgDepth -= 1 } }

    // MARK: Title

    func titleStarted() {
        guard titleState == .notSeen, svgDepth == 0 else { return }
        titleState = .capturing
    }

    func titleEnded() {
        if titleState == .capturing { titleState = .done }
    }

    /// Appends title text, collapsing runs of ASCII whitespace into one pending space so the
    /// buffer never holds more than the cap plus one character.
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard titleState == .capturing else { return }
        // Locals for the loop: stored properties pay a dynamic exclusivity check per access.
        var title: [UInt8] = []
        swap(&title, &titleBytes)
        var pendingSpace = titlePendingSpace
        let limit = HTMLSummary.maxTitleBytes + 4
        for byte in bytes {
            if title.count >= limit { break }
            if ASCIIBytes.isWhitespace(byte) {
                pendingSpace = !title.isEmpty
            } else {
                if pendingSpace {
                    title.append(0x20)
                    pendingSpace = false
                }
                title.append(byte)
            }
        }
        titlePendingSpace = pendingSpace
        swap(&title, &titleBytes)
    }

    private func finishedTitle() -> String? {
        guard titleState != .notSeen else { return nil }
        // libxml2 passed invalid UTF-8 through when told the document was UTF-8, and each invalid
        // byte became the three bytes of U+FFFD when decoded: cutting the raw bytes at the cap gave
        // titles of up to 1,028 bytes (F4, found by Fuzz/Targets/FuzzLinkExtractor.swift). Bodies
        // are now repaired before parsing, so this check only guards against a libxml2 that
        // produces invalid bytes itself; the cap and the cut apply to the text returned.
        var bytes = titleBytes
        if !bytes.withUnsafeBytes(UTF8Validation.isValid) {
            bytes = Array(String(decoding: bytes, as: UTF8.self).utf8)
        }
        var end = bytes.count
        if end > HTMLSummary.maxTitleBytes {
            end = HTMLSummary.maxTitleBytes
            // Back up to the start of the character that straddles the cap.
            while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
        return bytes.withUnsafeBufferPointer { ASCIIBytes.string(UnsafeBufferPointer(rebasing: $0[0..<end])) }
    }
}
