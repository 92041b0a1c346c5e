#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable, growable byte buffer that decoders write into through a raw pointer.
///
/// `[UInt8]` cannot hand out its reserved-but-uninitialised capacity, so a decoder writing into one
/// would either zero-fill it first or pay a capacity and uniqueness check per appended byte. This
/// buffer lets a decoder reserve its worst case once and then store bytes unchecked. It belongs to
/// one ``HTMLLinkExtractor`` and is touched only on the thread running its `extract` call.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private(set) var capacity = 0
    /// Bytes written so far.
    var count = 0

    deinit { free(base) }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Free space after `count`.
    var spareCapacity: Int { capacity - count }

    /// The first unwritten byte; valid after ``reserve(_:)`` until the next call that grows.
    var end: UnsafeMutablePointer<UInt8> {
        // `reserve` always runs before a write, and it leaves `base` non-nil.
        base.unsafelyUnwrapped + count
    }

    func removeAll() { count = 0 }

    /// Makes room for at least `additional` more bytes (amortised doubling). Returns false, with
    /// the buffer unchanged, when the memory cannot be had: a hostile body must not crash the
    /// crawler, so callers give up on the document instead.
    @discardableResult
    func reserve(_ additional: Int) -> Bool {
        let needed = count + additional
        guard needed > capacity else { return true }
        let newCapacity = max(needed, capacity * 2, 4096)
        guard let grown = realloc(base, newCapacity) else { return false }
        base = grown.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
        return true
    }

    /// Appends bytes; returns false if the memory for them cannot be had.
    @discardableResult
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return true }
        guard reserve(bytes.count) else { return false }
        memcpy(end, source, bytes.count)
        count += bytes.count
        return true
    }

    /// Appends U+FFFD (EF BF BD) without checking capacity: the caller has reserved it.
    @inline(__always)
    func unsafeAppendReplacementCharacter() {
        let pointer = end
        pointer[0] = 0xEF
        pointer[1] = 0xBF
        pointer[2] = 0xBD
        count += 3
    }

    /// Appends one byte without checking capacity: the caller has reserved it.
    @inline(__always)
    func unsafeAppend(_ byte: UInt8) {
        end.pointee = byte
        count += 1
    }

    /// Releases the storage when it has grown past `limit`, so one huge page does not pin memory
    /// for the life of a parse thread.
    func releaseIfLarger(than limit: Int) {
        guard capacity > limit else { return }
        free(base)
        base = nil
        capacity = 0
        count = 0
    }
}

@available(*, unavailable)
extension ByteBuffer: Sendable {}
