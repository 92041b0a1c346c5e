#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read.
public struct ReportReadError: Error, CustomStringConvertible, Sendable {
    /// The file that failed.
    public let path: String
    /// `strerror` text of the failing call.
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}

/// Reads a file in fixed-size chunks and hands out its lines, split on the byte 0x0A only.
///
/// Why bytes and not `String.split(whereSeparator: \.isNewline)`: records may legally hold U+2028
/// and U+2029 (escaped or raw), which `Character.isNewline` treats as line breaks. Memory stays
/// flat: one chunk plus the longest line, and a line is capped at `maxLineBytes` (longer lines
/// are skipped and reported as invalid) so a file without newlines cannot take all memory.
struct JSONLLineReader {
    static let chunkSize = 1 << 20
    static let maxLineBytes = 64 << 20

    /// How a line ended.
    enum LineKind {
        /// Terminated by 0x0A.
        case complete
        /// The file's last bytes, with no 0x0A after them.
        case unterminated
        /// Longer than `maxLineBytes`; its bytes were dropped.
        case oversized
    }

    /// Calls `body` for each line (without its 0x0A; a trailing 0x0D is kept, the JSON scanner
    /// treats it as whitespace). Returns the number of bytes read.
    static func forEachLine(
        path: String,
        _ body: (UnsafeBufferPointer<UInt8>, LineKind) -> Void
    ) throws(ReportReadError) -> Int {
        // `-` is standard input (a copy of its descriptor, so the close below leaves stdin open).
        let fd = path == StandardInput.path ? dup(STDIN_FILENO) : open(path, O_RDONLY)
        guard fd >= 0 else { throw ReportReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }

        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0       // valid bytes in buffer
        var total = 0
        var skippingOversized = false
        while true {
            if filled == buffer.count {
                if buffer.count >= maxLineBytes {
                    // The pending line is too long: drop what we hold and skip to its end.
                    if !skippingOversized { body(UnsafeBufferPointer(start: nil, count: 0), .oversized) }
                    skippingOversized = true
                    filled = 0
                } else {
                    buffer.append(contentsOf: repeatElement(0, count: buffer.count))
                }
            }
            let n = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReportReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            let scanFrom = filled
            filled += n
            total += n
            var lineStart = 0
            buffer.withUnsafeBufferPointer { buf in
                let base = buf.baseAddress!
                var cursor = scanFrom
                while cursor < filled {
                    guard let hit = memchr(base + cursor, 0x0A, filled - cursor) else { break }
                    let nl = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                    if skippingOversized {
                        skippingOversized = false
                    } else {
                        body(UnsafeBufferPointer(start: base + lineStart, count: nl - lineStart), .complete)
                    }
                    lineStart = nl + 1
                    cursor = lineStart
                }
            }
            // Keep the unfinished line at the front of the buffer.
            if lineStart > 0 {
                let rest = filled - lineStart
                if rest > 0 {
                    buffer.withUnsafeMutableBufferPointer { buf in
                        let base = buf.baseAddress!
                        memmove(base, base + lineStart, rest)
                    }
                }
                filled = rest
            }
        }
        if filled > 0, !skippingOversized {
            buffer.withUnsafeBufferPointer { buf in
                body(UnsafeBufferPointer(start: buf.baseAddress!, count: filled), .unterminated)
            }
        }
        return total
    }
}
