/// The first URL recorded with each body hash, so later pages with the same body can name it
/// (`duplicate_of`).
///
/// One entry per page fetched, kept for the whole crawl, so it is packed: each URL's bytes are
/// appended to a chunk of 64 KiB, and a `FingerprintTable` maps the hash to one word holding the
/// chunk, the offset and the length. That is the URL's bytes plus 18 to 37 bytes of table per page
/// (16-byte slots, 7/16 to 7/8 full).
/// Chunks are never reallocated, so the index grows without the copy (and the transient second
/// buffer) of an array that doubles.
struct FirstURLIndex {
    private var entries = FingerprintTable(mapsValues: true)
    private var chunks: [[UInt8]] = []

    static let chunkBytes = 1 << 16
    /// URLs longer than this are not indexed (no page of theirs can be named as a first copy); the
    /// length has 24 bits of the packed word, far above any `--max-url-length` a crawl would use.
    static let maxURLBytes = (1 << 24) - 1
    /// The packed word: length in bits 0-23, offset in the chunk in bits 24-39, chunk in bits 40-63.
    private static let maxChunks = 1 << 24

    /// Pages indexed so far.
    var count: Int { entries.count }

    /// The URL first recorded with `hash`; when there is none yet, `url` becomes that URL and the
    /// result is nil.
    mutating func firstURL(for hash: UInt64, recording url: String) -> String? {
        if let packed = entries.value(for: hash) {
            let chunk = Int(packed >> 40)
            let offset = Int(packed >> 24 & 0xFFFF)
            let length = Int(packed & 0xFF_FFFF)
            return chunks[chunk].withUnsafeBufferPointer {
                String(decoding: $0[offset..<offset + length], as: UTF8.self)
            }
        }
        let length = url.utf8.count
        guard length <= Self.maxURLBytes else { return nil }
        // A URL that does not fit the last chunk starts a new one; one longer than a chunk gets a
        // chunk of its own (at offset 0, so the offset always fits 16 bits).
        if chunks.isEmpty || chunks[chunks.count - 1].count + length > Self.chunkBytes {
            guard chunks.count < Self.maxChunks else { return nil }
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(length, Self.chunkBytes))
            chunks.append(chunk)
        }
        let chunk = chunks.count - 1
        let offset = chunks[chunk].count
        chunks[chunk].append(contentsOf: url.utf8)
        entries.insert(hash, value: UInt64(chunk) << 40 | UInt64(offset) << 24 | UInt64(length))
        return nil
    }
}
