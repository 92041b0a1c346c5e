import CLibXML2

/// Process-wide set-up of the HTML parser.
public enum HTMLParsing {
    /// Initialises libxml2 (`xmlInitParser`) once. Idempotent and thread-safe; call it before
    /// starting parser threads. ``HTMLLinkExtractor/init(maxLinks:)`` calls it too.
    public static func initialize() {
        _ = libxml2Initialized
    }

    /// The libxml2 this process runs with (not the headers it was built against), e.g. "2.9.14", for
    /// `crawl --version`.
    public static var libxml2Version: String {
        initialize()
        guard let text = clibxml2_version() else { return "?" }
        // libxml2 spells 2.9.14 "20914".
        let raw = String(cString: text)
        guard let number = Int(raw) else { return raw }
        return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }
}

/// Swift runs a global's initialiser exactly once, under `swift_once`, so concurrent first calls
/// cannot race inside `xmlInitParser` (whose own guard is not safe against that in 2.9.x).
private let libxml2Initialized: Void = {
    xmlInitParser()
}()
