import CCompression

/// gzip and deflate through zlib's `inflate`.
final class ZlibLayer: DecodingLayer {
    enum Format { case gzip, deflate }

    private let format: Format
    /// zlib keeps a pointer back to its `z_stream` and checks it on every call, so the stream lives at
    /// a fixed address, not in a Swift stored property that may move.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let scratch = ScratchBuffer()
    private var sawInput = false
    private var ended = false
    /// Bytes followed the end of the stream that do not start another gzip member: they and all later
    /// input are ignored (decided once, so the verdict does not depend on how the body was split).
    private var ignoresRest = false
    /// deflate: whether the stream has a zlib wrapper is decided on its first two bytes; until then
    /// they wait here.
    private var undecided: [UInt8]?

    init?(format: Format) {
        self.format = format
        // gzip: 15 + 32 detects a gzip or zlib header, as libcurl and browsers accept either.
        guard ccompression_inflate_init(stream, format == .gzip ? 15 + 32 : 15) == Z_OK else {
            stream.deallocate()
            return nil
        }
        if format == .deflate { undecided = [] }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    var isComplete: Bool { !sawInput || ended }

    func decode(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        guard !input.isEmpty, !ignoresRest else { return true }
        sawInput = true
        guard var first = undecided else { return try inflate(input, emit: emit) }
        // "deflate" means the zlib format (RFC 9110 §8.4.1.2), but some servers send raw deflate.
        // A zlib header is two bytes: method 8, a window of at most 32 KiB, and a check that makes
        // them a multiple of 31 (RFC 1950 §2.2); raw deflate is assumed otherwise, as libcurl did.
        let taken = min(2 - first.count, input.count)
        first += input.prefix(taken)
        guard first.count == 2 else {
            undecided = first
            return true
        }
        undecided = nil
        let isZlib = first[0] & 0x0F == 8 && first[0] >> 4 <= 7 && (UInt16(first[0]) << 8 | UInt16(first[1])) % 31 == 0
        if !isZlib, inflateReset2(stream, -15) != Z_OK { throw failure("cannot start a raw deflate stream") }
        let more = try first.withUnsafeBytes { try inflate($0, emit: emit) }
        guard more else { return false }
        return try inflate(UnsafeRawBufferPointer(rebasing: input[taken...]), emit: emit)
    }

    private func inflate(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        guard let base = input.baseAddress, !input.isEmpty else { return true }
        // zlib counts in 32 bits; the pieces given here are far smaller (curl's writes, a layer's scratch).
        precondition(input.count <= Int(UInt32.max))
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            if ended {
                // Another gzip member follows (RFC 1952 allows several); anything else after the
                // end of the stream is ignored, as browsers do.
                guard stream.pointee.avail_in > 0 else { return true }
                guard format == .gzip, stream.pointee.next_in.pointee == 0x1F else {
                    ignoresRest = true
                    return true
                }
                guard inflateReset(stream) == Z_OK else { throw failure("cannot restart the stream") }
                ended = false
            }
            stream.pointee.next_out = scratch.base
            stream.pointee.avail_out = UInt32(ScratchBuffer.size)
            let status = CCompression.inflate(stream, Z_NO_FLUSH)
            let produced = ScratchBuffer.size - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                ended = true
            case Z_NEED_DICT:
                throw failure("the stream needs a preset dictionary")
            default:
                throw failure(stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)")
            }
            if produced > 0, try !emit(scratch.piece(produced)) { return false }
            // Done with this input once zlib has taken all of it and had output room to spare.
            if stream.pointee.avail_in == 0, produced < ScratchBuffer.size { return true }
            if status == Z_BUF_ERROR, produced == 0 { return true }  // no progress possible
        }
    }

    private func failure(_ detail: String) -> ContentDecodingError {
        ContentDecodingError(message: "\(format == .gzip ? "gzip" : "deflate"): \(detail)")
    }
}
