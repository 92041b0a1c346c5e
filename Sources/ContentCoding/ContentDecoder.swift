/// Decodes a body's content codings as its bytes arrive, outermost coding first.
///
/// For `Content-Encoding: gzip, br` the body was gzipped and then brotli-compressed, so it is
/// decoded by brotli, then by gzip. Errors are `ContentDecodingError`s naming the coding.
public final class ContentDecoder {
    /// Outermost (last applied) first.
    private let layers: [any DecodingLayer]
    private let names: [String]

    /// Nil when a decoder cannot be created (out of memory).
    public init?(codings: [ContentCoding]) {
        var layers: [any DecodingLayer] = []
        for coding in codings.reversed() {
            let layer: (any DecodingLayer)?
            switch coding {
            case .gzip: layer = ZlibLayer(format: .gzip)
            case .deflate: layer = ZlibLayer(format: .deflate)
            case .br: layer = BrotliLayer()
            case .zstd: layer = ZstdLayer()
            }
            guard let layer else { return nil }
            layers.append(layer)
        }
        self.layers = layers
        names = codings.reversed().map(\.rawValue)
    }

    /// Decodes `input`, a piece of the raw body, passing the decoded bytes to `sink`. Returns false
    /// when `sink` returned false (it wants no more bytes; the rest of `input` is left undecoded).
    public func feed(_ input: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) -> Bool) throws(ContentDecodingError) -> Bool {
        do {
            return try run(0, input, sink)
        } catch let error as ContentDecodingError {
            throw error
        } catch {
            throw ContentDecodingError(message: "\(error)")
        }
    }

    /// After the last byte: nil when every layer's stream ended, else what is wrong. A stream that
    /// stops before its end (a body cut short with its HTTP framing intact) is not a complete body.
    public func unfinished() -> ContentDecodingError? {
        for (layer, name) in zip(layers, names) where !layer.isComplete {
            return ContentDecodingError(message: "the \(name) stream ends early: the body is truncated")
        }
        return nil
    }

    private func run(_ index: Int, _ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) -> Bool) throws -> Bool {
        if index == layers.count { return sink(input) }
        return try layers[index].decode(input) { piece in try run(index + 1, piece, sink) }
    }
}

@available(*, unavailable)
extension ContentDecoder: Sendable {}
