/// One coding's streaming decoder in a `ContentDecoder`'s chain. Not thread-safe: a layer belongs to
/// one transfer, on one thread.
protocol DecodingLayer: AnyObject {
    /// Decodes all of `input`, handing the output to `emit` piece by piece. Returns false as soon as
    /// `emit` does (the consumer wants no more); throws on a corrupt stream.
    func decode(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool

    /// The stream has ended properly, or it was given no input at all (an empty body).
    var isComplete: Bool { get }
}

/// The output buffer a layer decodes into: one allocation per layer, reused for every piece.
struct ScratchBuffer: ~Copyable {
    static let size = 32 << 10
    let base = UnsafeMutablePointer<UInt8>.allocate(capacity: ScratchBuffer.size)

    func piece(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    deinit { base.deallocate() }
}
