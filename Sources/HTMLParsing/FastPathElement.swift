import CLibXML2

/// What the fast path needs to know about a start tag's name: which summary rule applies, which
/// of its attributes are kept, and whether libxml2 closes it at once.
struct FastPathElement {
    enum Kind {
        case a, area, link, iframe, frame, base, meta, title, svg, script, style, body, other
    }

    let kind: Kind
    /// Empty in libxml2 2.9.14's element table (`htmlElemDesc.empty`): popped right after the
    /// start tag. Only used to bound the element stack, where calling an empty element non-empty
    /// is safe; `FastPathTests` checks the list against `htmlTagLookup`.
    let isVoid: Bool

    static let voidElements: [StaticString] = [
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param",
    ]

    /// Names whose emptiness libxml2's element table disagrees with: the elements listed in
    /// ``voidElements`` that are not empty there, and the elements of `html40ElementTable` read
    /// through `htmlTagLookup` for `candidates` that are empty but not listed (for tests).
    static func voidElementsDisagreeingWithLibxml2(candidates: [String]) -> [String] {
        let listed = voidElements.map { String(describing: $0) }
        var disagreeing: [String] = []
        for name in Set(listed + candidates) {
            let empty = htmlTagLookup(name).map { $0.pointee.empty != 0 } ?? false
            if empty != listed.contains(name) { disagreeing.append(name) }
        }
        return disagreeing.sorted()
    }

    init(_ name: UnsafePointer<UInt8>, _ length: Int) {
        let buffer = UnsafeBufferPointer(start: name, count: length)
        var kind = Kind.other
        var isVoid = false
        switch length {
        case 1:
            if ASCIIBytes.lower(name[0]) == UInt8(ascii: "a") { kind = .a }
        case 2:
            isVoid = ASCIIBytes.equals(buffer, "br") || ASCIIBytes.equals(buffer, "hr")
        case 3:
            if ASCIIBytes.equals(buffer, "svg") { kind = .svg }
            isVoid = ASCIIBytes.equals(buffer, "img") || ASCIIBytes.equals(buffer, "col")
        case 4:
            switch ASCIIBytes.lower(name[0]) {
            case UInt8(ascii: "a") where ASCIIBytes.equals(buffer, "area"): kind = .area
            case UInt8(ascii: "l") where ASCIIBytes.equals(buffer, "link"): kind = .link
            case UInt8(ascii: "b") where ASCIIBytes.equals(buffer, "base"): kind = .base
            case UInt8(ascii: "b") where ASCIIBytes.equals(buffer, "body"): kind = .body
            case UInt8(ascii: "m") where ASCIIBytes.equals(buffer, "meta"): kind = .meta
            default: break
            }
            isVoid = kind == .area || kind == .link || kind == .base || kind == .meta
        case 5:
            switch ASCIIBytes.lower(name[0]) {
            case UInt8(ascii: "f") where ASCIIBytes.equals(buffer, "frame"): kind = .frame
            case UInt8(ascii: "t") where ASCIIBytes.equals(buffer, "title"): kind = .title
            case UInt8(ascii: "s") where ASCIIBytes.equals(buffer, "style"): kind = .style
            case UInt8(ascii: "i") where ASCIIBytes.equals(buffer, "input"): isVoid = true
            case UInt8(ascii: "p") where ASCIIBytes.equals(buffer, "param"): isVoid = true
            default: break
            }
            isVoid = isVoid || kind == .frame
        case 6:
            if ASCIIBytes.equals(buffer, "iframe") { kind = .iframe }
            else if ASCIIBytes.equals(buffer, "script") { kind = .script }
        case 7:
            isVoid = ASCIIBytes.equals(buffer, "isindex")
        case 8:
            isVoid = ASCIIBytes.equals(buffer, "basefont")
        default:
            break
        }
        self.kind = kind
        self.isVoid = isVoid
    }

    /// `html`, `head` or `body` (ignoring case).
    static func isDocumentStructure(_ name: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let buffer = UnsafeBufferPointer(start: name, count: length)
        return length == 4 && (ASCIIBytes.equals(buffer, "html") || ASCIIBytes.equals(buffer, "head")
            || ASCIIBytes.equals(buffer, "body"))
    }

    /// The slot (0...3) an attribute of this element is kept in, or -1 if it does not matter.
    /// Links: 0 = URL (`href` or `src`), 1 = `rel`. `base`: 0 = `href`. `meta`: 0 = `charset`,
    /// 1 = `content`, 2 = `name`, 3 = `http-equiv`.
    @inline(__always)
    func slot(forAttribute name: UnsafePointer<UInt8>, _ length: Int) -> Int {
        let buffer = UnsafeBufferPointer(start: name, count: length)
        switch kind {
        case .a, .area, .link:
            if ASCIIBytes.equals(buffer, "href") { return 0 }
            if ASCIIBytes.equals(buffer, "rel") { return 1 }
        case .iframe, .frame:
            if ASCIIBytes.equals(buffer, "src") { return 0 }
            if ASCIIBytes.equals(buffer, "rel") { return 1 }
        case .base:
            if ASCIIBytes.equals(buffer, "href") { return 0 }
        case .meta:
            if ASCIIBytes.equals(buffer, "charset") { return 0 }
            if ASCIIBytes.equals(buffer, "content") { return 1 }
            if ASCIIBytes.equals(buffer, "name") { return 2 }
            if ASCIIBytes.equals(buffer, "http-equiv") { return 3 }
        default:
            break
        }
        return -1
    }
}

/// The kept attributes of one start tag: the first occurrence of each name only, since libxml2
/// drops an attribute whose (lowercased) name already appeared in the tag.
struct FastPathAttributes {
    enum Value {
        /// Not present in the tag.
        case absent
        /// Present without `=value` (libxml2 passes a NULL value).
        case noValue
        /// The raw bytes `start..<end` of the input, references not yet decoded.
        case span(Int, Int)
    }

    private(set) var slot0 = Value.absent
    private(set) var slot1 = Value.absent
    private(set) var slot2 = Value.absent
    private(set) var slot3 = Value.absent

    @inline(__always)
    mutating func record(_ slot: Int, _ value: Value) {
        switch slot {
        case 0: if case .absent = slot0 { slot0 = value }
        case 1: if case .absent = slot1 { slot1 = value }
        case 2: if case .absent = slot2 { slot2 = value }
        default: if case .absent = slot3 { slot3 = value }
        }
    }
}
