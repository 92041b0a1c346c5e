import CCompression

/// br through libbrotlidec. Its window is at most 16 MiB (large windows are off by default).
final class BrotliLayer: DecodingLayer {
    private let state: OpaquePointer
    private let scratch = ScratchBuffer()
    private var sawInput = false
    private var ended = false

    init?() {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { return nil }
        self.state = state
    }

    deinit { BrotliDecoderDestroyInstance(state) }

    var isComplete: Bool { !sawInput || ended }

    func decode(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        guard let base = input.baseAddress, !input.isEmpty else { return true }
        sawInput = true
        var availableIn = input.count
        var nextIn: UnsafePointer<UInt8>? = base.assumingMemoryBound(to: UInt8.self)
        while !ended {
            var availableOut = ScratchBuffer.size
            var nextOut: UnsafeMutablePointer<UInt8>? = scratch.base
            let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
            let produced = ScratchBuffer.size - availableOut
            if result == BROTLI_DECODER_RESULT_ERROR {
                let code = BrotliDecoderGetErrorCode(state)
                throw ContentDecodingError(message: "br: \(String(cString: BrotliDecoderErrorString(code)))")
            }
            if result == BROTLI_DECODER_RESULT_SUCCESS { ended = true }
            if produced > 0, try !emit(scratch.piece(produced)) { return false }
            if result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT { return true }
        }
        return true  // bytes after the end of the stream are ignored
    }
}
