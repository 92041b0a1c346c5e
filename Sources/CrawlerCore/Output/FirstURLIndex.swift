/// The first URL recorded with each body hash, so later pages with the same body can name it
/// (`duplicate_of`).
///
/// One entry per page fetched, kept for the whole crawl, so it is packed: the URLs' bytes are
/// appended to one arena and the dictionary maps a hash to the URL's offset and length in a single
/// word. That is about 16 bytes of table per page plus the URL's bytes, where a `[UInt64: String]`
/// kept each URL's own heap string (a header and malloc rounding on top of the bytes) alive.
struct FirstURLIndex {
    private var entries: [UInt64: UInt64] = [:]
    private var arena: [UInt8] = []

    /// URLs longer than this are not indexed (no page of theirs can be named as a first copy); the
    /// length has 24 bits of the packed word, far above any `--max-url-length` a crawl would use.
    static let maxURLBytes = (1 << 24) - 1
    private static let offsetLimit = 1 << 40

    /// Pages indexed so far.
    var count: Int { entries.count }

    /// The URL first recorded with `hash`; when there is none yet, `url` becomes that URL and the
    /// result is nil.
    mutating func firstURL(for hash: UInt64, recording url: String) -> String? {
        if let packed = entries[hash] {
            let offset = Int(packed >> 24)
            let length = Int(packed & 0xFF_FFFF)
            return arena.withUnsafeBufferPointer { String(decoding: $0[offset..<offset + length], as: UTF8.self) }
        }
        let length = url.utf8.count
        guard length <= Self.maxURLBytes, arena.count + length < Self.offsetLimit else { return nil }
        let offset = arena.count
        arena.append(contentsOf: url.utf8)
        entries[hash] = UInt64(offset) << 24 | UInt64(length)
        return nil
    }
}
