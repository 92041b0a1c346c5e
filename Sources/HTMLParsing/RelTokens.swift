/// The `rel` keywords the extractor cares about, parsed from a space-separated, case-insensitive
/// token list (HTML's "set of space-separated tokens").
struct RelTokens: OptionSet {
    let rawValue: UInt8

    static let nofollow = RelTokens(rawValue: 1 << 0)
    static let canonical = RelTokens(rawValue: 1 << 1)
    static let alternate = RelTokens(rawValue: 1 << 2)
    static let next = RelTokens(rawValue: 1 << 3)
    static let prev = RelTokens(rawValue: 1 << 4)

    /// A `<link>` is a crawlable page reference only with one of these (not stylesheet, icon...).
    static let followedLinkRelations: RelTokens = [.canonical, .alternate, .next, .prev]

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ value: UnsafeBufferPointer<UInt8>) {
        var tokens: RelTokens = []
        ASCIIBytes.forEachToken(value, separatedBy: ASCIIBytes.isWhitespace) { token in
            switch token.count {
            case 4:
                if ASCIIBytes.equals(token, "next") { tokens.insert(.next) }
                else if ASCIIBytes.equals(token, "prev") { tokens.insert(.prev) }
            case 8:
                if ASCIIBytes.equals(token, "nofollow") { tokens.insert(.nofollow) }
            case 9:
                if ASCIIBytes.equals(token, "canonical") { tokens.insert(.canonical) }
                else if ASCIIBytes.equals(token, "alternate") { tokens.insert(.alternate) }
            default:
                break
            }
        }
        self = tokens
    }
}
