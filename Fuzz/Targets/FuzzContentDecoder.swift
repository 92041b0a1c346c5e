// libFuzzer target for the content decoders (Sources/ContentCoding: gzip, deflate, br, zstd).
//
// Compiled together with Sources/ContentCoding/*.swift into one module named ContentCoding (see
// Fuzz/run). The input's first byte picks the codings (bits 0-1 the outer one; bit 2 adds an inner
// one, bits 3-4), its second byte the piece size the body is fed in; the rest is the body.
//
// Checked: decoding never crashes or hangs; the body fed whole and fed in pieces gives the same bytes
// and the same verdict (an error, an unfinished stream, or complete); the output is capped at 4 MiB
// by the sink, which must stop the decoder (no further bytes are delivered after it says stop).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let codings: [ContentCoding] = [.gzip, .deflate, .br, .zstd]
private let outputCap = 4 << 20

private enum Verdict: Equatable { case complete, unfinished, failed, capped }

private func run(_ body: UnsafeRawBufferPointer, _ chain: [ContentCoding], piece: Int) -> ([UInt8], Verdict) {
    guard let decoder = ContentDecoder(codings: chain) else { invariant("no decoder") }
    var output: [UInt8] = []
    var stopped = false
    var start = 0
    do {
        while start < body.count {
            let end = min(body.count, start + piece)
            let more = try decoder.feed(UnsafeRawBufferPointer(rebasing: body[start..<end])) { decoded in
                if stopped { invariant("bytes delivered after the sink said stop") }
                let room = outputCap - output.count
                output.append(contentsOf: decoded.prefix(room))
                if decoded.count >= room { stopped = true }
                return !stopped
            }
            if !more {
                if !stopped { invariant("feed stopped without the sink asking") }
                return (output, .capped)
            }
            start = end
        }
    } catch {
        return (output, .failed)
    }
    return (output, decoder.unfinished() == nil ? .complete : .unfinished)
}

private func invariant(_ message: String) -> Never {
    // Straight to file descriptor 2: the C `stderr` global is not concurrency-safe in Swift 6.
    var text = "FUZZ INVARIANT: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    abort()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContentDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let selector = data[0]
    var chain = [codings[Int(selector & 3)]]
    if selector & 4 != 0 { chain.insert(codings[Int((selector >> 3) & 3)], at: 0) }  // applied first
    let piece = 1 + Int(data[1]) * 7
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)

    let (whole, wholeVerdict) = run(body, chain, piece: max(1, body.count))
    let (pieces, piecesVerdict) = run(body, chain, piece: piece)
    switch (wholeVerdict, piecesVerdict) {
    case (.capped, .capped):
        if whole != pieces { invariant("capped outputs differ for \(chain) in pieces of \(piece)") }
    case (.failed, .failed):
        // The bytes before the error may differ in how far they got; both must be a prefix of one another.
        let shorter = min(whole.count, pieces.count)
        if whole.prefix(shorter) != pieces.prefix(shorter) { invariant("outputs before an error differ for \(chain)") }
    default:
        if wholeVerdict != piecesVerdict { invariant("\(chain): whole \(wholeVerdict), in pieces of \(piece) \(piecesVerdict)") }
        if whole != pieces { invariant("outputs differ for \(chain) in pieces of \(piece)") }
    }
    return 0
}
