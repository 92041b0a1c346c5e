import CCompression

/// zstd through libzstd, with its window capped at 8 MiB: RFC 9659 holds HTTP's zstd encoders to
/// that, and a frame may otherwise ask the decoder for up to 128 MiB (2 GiB with long mode).
final class ZstdLayer: DecodingLayer {
    static let windowLogMax: Int32 = 23

    private let context: OpaquePointer
    private let scratch = ScratchBuffer()
    private var sawInput = false
    /// The last frame was decoded to its end and flushed.
    private var frameEnded = false
    /// The current frame's first bytes, enough for its header (at most 18: magic, descriptor, window,
    /// dictionary ID, content size), and its output so far.
    private var frameStart: [UInt8] = []
    private var frameOutput: UInt64 = 0
    private static let maxHeaderBytes = 18
    /// The current frame's first byte went to libzstd (see `decode`).
    private var fedFrameStart = false
    /// Bytes followed the last frame that cannot start another: they and all later input are ignored
    /// (decided once, so the verdict does not depend on how the body was split).
    private var ignoresRest = false

    init?() {
        guard let context = ZSTD_createDCtx() else { return nil }
        guard ZSTD_isError(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Self.windowLogMax)) == 0 else {
            ZSTD_freeDCtx(context)
            return nil
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    var isComplete: Bool { !sawInput || frameEnded }

    func decode(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        guard let base = input.baseAddress, !input.isEmpty, !ignoresRest else { return true }
        sawInput = true
        var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        var captureCursor = 0
        while true {
            if frameEnded {
                // Frames may be concatenated; bytes that cannot begin one end the body.
                guard source.pos < source.size else { return true }
                guard Self.isMagicPrefix([input[source.pos]]) else {
                    ignoresRest = true
                    return true
                }
                frameEnded = false
                fedFrameStart = false
                frameStart.removeAll(keepingCapacity: true)
                frameOutput = 0
                captureCursor = source.pos
            }
            if frameStart.count < Self.maxHeaderBytes, captureCursor < input.count {
                let end = min(input.count, captureCursor + Self.maxHeaderBytes - frameStart.count)
                frameStart += input[captureCursor..<end]
                captureCursor = end
                if !Self.isMagicPrefix(frameStart) {
                    throw ContentDecodingError(message: "zstd: not a zstd frame")
                }
            }
            var output = ZSTD_outBuffer(dst: scratch.base, size: ScratchBuffer.size, pos: 0)
            // A frame's first byte goes alone. Given a whole frame at once, libzstd 1.5.4 decodes it in
            // one pass, which checks more than its streaming path does (an empty last block of a
            // compressed type fails there and passes in pieces): this keeps it on the streaming path
            // always, so the verdict is the same however the body arrives.
            var limited = source
            if !fedFrameStart {
                limited.size = source.pos + 1
                fedFrameStart = true
            }
            let result = ZSTD_decompressStream(context, &output, &limited)
            source.pos = limited.pos
            if ZSTD_isError(result) != 0 {
                throw ContentDecodingError(message: "zstd: \(String(cString: ZSTD_getErrorName(result)))")
            }
            frameOutput += UInt64(output.pos)
            // 0: the frame is complete and flushed.
            if result == 0 {
                frameEnded = true
                try checkContentSize()
            }
            if output.pos > 0, try !emit(scratch.piece(output.pos)) { return false }
            if source.pos == source.size, output.pos < output.size { return true }
        }
    }

    /// libzstd 1.5.4 compares a frame's declared content size with its output when it decodes the
    /// frame in one call, but not when the frame arrives in pieces and ends with an empty block; the
    /// check is made here so that the verdict does not depend on how the network split the body.
    private func checkContentSize() throws {
        let declared = frameStart.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        // UNKNOWN: not declared; ERROR cannot happen for a frame libzstd has just decoded.
        guard declared < ZSTD_CONTENTSIZE_ERROR, declared != frameOutput else { return }
        throw ContentDecodingError(message: "zstd: the frame declares \(declared) bytes and holds \(frameOutput)")
    }

    /// Whether `bytes` (a frame's first bytes) can begin a frame of RFC 8878 (magic 0xFD2FB528) or a
    /// skippable frame (0x184D2A5?), both little-endian. libzstd also decodes the legacy formats of
    /// zstd before 1.0 (magic 0xFD2FB51E-0xFD2FB527), but only when their magic arrives in one piece,
    /// and HTTP's zstd coding is the RFC's format alone.
    private static func isMagicPrefix(_ bytes: [UInt8]) -> Bool {
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD], skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18]
        for (index, byte) in bytes.prefix(4).enumerated() {
            let matchesFrame = byte == frame[index]
            let matchesSkippable = index == 0 ? byte & 0xF0 == 0x50 : byte == skippable[index]
            if bytes[0] == 0x28 ? !matchesFrame : !matchesSkippable { return false }
        }
        return true
    }
}
