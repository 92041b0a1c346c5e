/// Byte storage for the URLs of queued jobs (their path and query: `QueuedJob` leaves the origin to
/// the host key), in chunks of 64 KiB.
///
/// A `String` per queued URL costs a heap object: 32 bytes of header and malloc's rounding on top of
/// the bytes (a 45-byte path takes 80 bytes). Here a URL costs its bytes. Jobs hold their chunk, so a
/// chunk is freed when the last job stored in it has left the queue; as the frontier is served about
/// in the order it was filled, chunks are freed as the crawl goes. Used under the crawl's lock.
struct PathArena {
    static let chunkBytes = 1 << 16
    private var current: PathChunk?

    /// Copies `bytes` in; returns where they are.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> (chunk: PathChunk, offset: UInt32) {
        if let current, current.room >= bytes.count {
            return (current, current.append(bytes))
        }
        // A URL longer than a chunk gets one of its own, and the current chunk stays in use.
        let chunk = PathChunk(capacity: max(Self.chunkBytes, bytes.count))
        if bytes.count < Self.chunkBytes { current = chunk }
        return (chunk, chunk.append(bytes))
    }
}

/// One chunk of a `PathArena`.
///
/// `@unchecked Sendable`: bytes are only ever appended past `used`, by the arena's owner under the
/// crawl's lock, and a range is read only through a `QueuedJob` made after its bytes were written (and
/// handed over under the same lock); written bytes never change.
final class PathChunk: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit { base.deallocate() }

    var room: Int { capacity - used }

    /// Copies `bytes` in after what is there (the caller checked `room`); returns their offset.
    func append(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let offset = used
        if let source = bytes.baseAddress, !bytes.isEmpty {
            (base + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        used += bytes.count
        return UInt32(truncatingIfNeeded: offset)
    }

    func withBytes<R>(at offset: UInt32, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base + Int(offset), count: count))
    }
}
