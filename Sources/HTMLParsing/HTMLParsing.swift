import CLibXML2

/// Process-wide set-up of the HTML parser.
public enum HTMLParsing {
    /// Initialises libxml2 (`xmlInitParser`) once. Idempotent and thread-safe; call it before
    /// starting parser threads. ``HTMLLinkExtractor/init(maxLinks:)`` calls it too.
    public static func initialize() {
        _ = libxml2Initialized
    }
}

/// Swift runs a global's initialiser exactly once, under `swift_once`, so concurrent first calls
/// cannot race inside `xmlInitParser` (whose own guard is not safe against that in 2.9.x).
private let libxml2Initialized: Void = {
    xmlInitParser()
}()
