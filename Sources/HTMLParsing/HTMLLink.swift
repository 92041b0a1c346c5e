/// One outgoing reference found in a document, verbatim from its attribute.
///
/// `url` is the attribute value with entities decoded and leading/trailing ASCII whitespace removed;
/// it is not resolved against the page or `<base>` (that is the caller's job) and may be empty (an
/// empty href refers to the page itself).
public struct HTMLLink: Sendable, Equatable {
    /// The element the reference came from.
    public enum Kind: UInt8, Sendable {
        /// `<a href>`
        case a
        /// `<area href>`
        case area
        /// `<link href>` whose `rel` names canonical, alternate, next or prev.
        case link
        /// `<iframe src>`
        case iframe
        /// `<frame src>`
        case frame
        /// `<meta http-equiv=refresh content="N; url=...">`: a redirect in the page, followed as an
        /// ordinary link (deduplicated like any other), never inline.
        case refresh
    }

    /// The attribute value (UTF-8, entities decoded, ASCII whitespace trimmed, not resolved).
    public var url: String
    /// The element it came from.
    public var kind: Kind
    /// True when the element's `rel` holds the token `nofollow` (ASCII case-insensitive).
    public var nofollow: Bool

    /// Creates a link value.
    public init(url: String, kind: Kind, nofollow: Bool = false) {
        self.url = url
        self.kind = kind
        self.nofollow = nofollow
    }
}
