import CrawlReport
import CrawlURL
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seed list: one URL per line; blank lines and `#` comments are ignored.
public struct SeedFile: Sendable {
    public struct InvalidLine: Sendable, Equatable {
        public var number: Int
        public var text: String
        public var reason: String
    }

    public var seeds: [WebURL]
    public var invalid: [InvalidLine]

    public init(contents: String) {
        self.init(bytes: Array(contents.utf8))
    }

    /// Lines end at LF; a CR before it is dropped, and a leading byte order mark too, so a file saved
    /// by a Windows editor reads the same. Split as bytes: in a `String`, "\r\n" is one `Character`,
    /// which a split at "\n" does not cut, and every URL of a CRLF file ran into the next as one
    /// bogus seed.
    public init(bytes: [UInt8]) {
        seeds = []
        invalid = []
        var number = 0
        // A UTF-8 byte order mark (Windows editors write one) is not part of the first line: left in,
        // it made the first URL invalid.
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let rawLine = bytes[start..<end]
            start = end + 1
            number += 1
            let lineBytes = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            let valid = String(validating: lineBytes, as: UTF8.self)
            let line = Substring(valid ?? String(decoding: lineBytes, as: UTF8.self))
            if let hash = line.firstIndex(of: "#"), line[..<hash].allSatisfy(\.isWhitespace) { continue }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            // A line in another encoding (Latin-1 `café`) is not guessed at: decoded with U+FFFD for
            // its bad bytes, it was crawled as another URL (`caf%EF%BF%BD`), a 404 nobody asked for.
            guard valid != nil else {
                invalid.append(InvalidLine(number: number, text: text, reason: "not valid UTF-8: save the seeds file as UTF-8"))
                continue
            }
            let url = WebURL.parse(text)
            if url?.isHTTP != true, Self.namesAHostWithoutScheme(text) {
                invalid.append(InvalidLine(number: number, text: text, reason: "no scheme: write http:// or https:// before the host"))
                continue
            }
            guard let url else {
                invalid.append(InvalidLine(number: number, text: text, reason: "not a valid URL"))
                continue
            }
            guard url.isHTTP else {
                invalid.append(InvalidLine(number: number, text: text, reason: "not an http or https URL"))
                continue
            }
            seeds.append(url)
        }
    }

    /// Whether a line that is no http(s) URL names a host without a scheme ("example.com/a",
    /// "127.0.0.1:8080/", "localhost:3000"), as people write them and wget and curl accept. The
    /// standard reads these as no URL, or as a scheme of their own ("example.com:8080/" has the scheme
    /// "example.com"), so the plain message would puzzle. Only the message changes: which scheme
    /// was meant is the user's call.
    static func namesAHostWithoutScheme(_ text: String) -> Bool {
        guard !text.contains("://") else { return false }
        let head = text.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        guard head.contains(".") || head.lowercased() == "localhost" || head == "[" else { return false }
        guard let url = WebURL.parse("http://" + text), let host = url.host else { return false }
        return !host.isEmpty
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read seeds file \(StandardInput.displayName(path)): \(reason)" }
    }

    /// The most bytes read from a seeds file (about 15 million URLs): `--seeds /dev/zero` is an error,
    /// not a process that grows until it is killed.
    public static let maxBytes = 1 << 30

    /// Reads and parses a seeds file. Blocks until the file ends (standard input or a pipe: until its
    /// writer closes it), so async callers run it with `onOwnThread`.
    public static func load(path: String, maxBytes: Int = maxBytes) throws(ReadError) -> SeedFile {
        SeedFile(bytes: try readAll(path: path, maxBytes: maxBytes))
    }

    /// Reads `path` to its end with read(2), so a pipe or FIFO (`/dev/stdin`, a shell's `<(...)`, `-`)
    /// reads like a regular file; Foundation's `contents(atPath:)` gives nothing for those.
    static func readAll(path: String, maxBytes: Int) throws(ReadError) -> [UInt8] {
        let isStandardInput = path == StandardInput.path
        let fd = isStandardInput ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, reason: reason(errno)) }
        defer { if !isStandardInput { close(fd) } }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ReadError(path: path, reason: "is a directory")
        }
        var bytes: [UInt8] = []
        if info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 {
            bytes.reserveCapacity(Int(min(Int64(info.st_size), Int64(maxBytes))))
        }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: reason(errno))
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= maxBytes else {
                throw ReadError(path: path, reason: "larger than \(ByteSize(bytes: maxBytes)), the most a seeds file may hold")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory"
        default: String(cString: strerror(code))
        }
    }
}
