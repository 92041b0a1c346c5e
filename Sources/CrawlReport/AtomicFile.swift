#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed atomic write: which file, which step, and the system's reason.
public struct AtomicWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Writes a file so readers see either the old content or the new, never half of it: the bytes go
/// to a temporary file in the same directory (same file system, so `rename(2)` is atomic), which
/// is flushed and then renamed over the destination.
///
/// Only a regular file (or a new one) is replaced so. A symbolic link to a file is followed, and the
/// file it names is replaced, the link kept. Anything else (`/dev/stdout`, a terminal, a pipe) is
/// written in place: renamed over, `--html /dev/stdout` had replaced the system's /dev/stdout link
/// with a regular file (as root, who may write in /dev).
public enum AtomicFile {
    /// Where `write` puts the bytes.
    enum Destination: Equatable {
        /// A regular file at this path (the path given, or the file its link names), or none yet.
        case file(String)
        /// Not a regular file (a device, a pipe, a socket): opened and written.
        case inPlace
        case directory
    }

    static func destination(of path: String) -> Destination {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .file(path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(path)
        case S_IFDIR: return .directory
        case S_IFLNK:
            guard stat(path, &info) == 0 else {
                // A dangling link (the file it names is not there yet): that file is created,
                // atomically, the link kept. Refused by `checkWritable` before, though `write`
                // would have created it through the link.
                if errno == ENOENT, let target = danglingTarget(of: path) { return .file(target) }
                return .inPlace
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                guard let resolved = realpath(path, nil) else { return .inPlace }
                defer { free(resolved) }
                return .file(String(cString: resolved))
            case S_IFDIR: return .directory
            default: return .inPlace
            }
        default: return .inPlace
        }
    }

    /// The missing file a chain of links ends in (relative targets resolved against their link's
    /// folder); nil for a loop or a chain longer than the kernel follows (40).
    private static func danglingTarget(of path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }  // not a link: the missing file itself
            let target = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") {
                current = target
            } else {
                let slash = current.utf8.lastIndex(of: UInt8(ascii: "/"))
                current = (slash.map { String(current[...$0]) } ?? "") + target
            }
        }
        return nil
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicWriteError) {
        switch destination(of: path) {
        case .file(let target): try replace(target, with: bytes, naming: path)
        case .inPlace: try writeInPlace(bytes, to: path)
        case .directory: throw AtomicWriteError(path: path, reason: "is a directory")
        }
    }

    /// Opens `path` and writes `bytes` to it. Not blocking on a pipe without a reader (that is an
    /// error), and not synced: a device or pipe has nothing to sync.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(AtomicWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicWriteError(path: path, reason: "cannot open it: \(errnoText())") }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)  // opened: now writes may wait
        try writeAll(bytes, to: fd, naming: path)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, naming path: String) throws(AtomicWriteError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in posixWrite(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AtomicWriteError(path: path, reason: "write failed: \(errnoText())")
            }
            written += n
        }
    }

    /// The atomic replacement of the regular file `target` (`path` as the user named it).
    private static func replace(_ target: String, with bytes: [UInt8], naming path: String) throws(AtomicWriteError) {
        let (temp, fd) = try createTemporary(beside: target, naming: path)
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do throws(AtomicWriteError) {
            try writeAll(bytes, to: fd, naming: path)
        } catch {
            close(fd)
            throw error
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            throw AtomicWriteError(path: path, reason: "fsync failed: \(reason)")
        }
        close(fd)
        guard rename(temp, target) == 0 else {
            throw AtomicWriteError(path: path, reason: "rename failed: \(errnoText())")
        }
        ok = true
    }

    /// Checks, before a run, that `write` can later succeed: `path` names a file (not a folder) in
    /// a folder where a temporary file can be made (beside the file a link names), or something
    /// written in place that is writable. The temporary file is removed again; `path` itself is not
    /// touched.
    public static func checkWritable(_ path: String) throws(AtomicWriteError) {
        switch destination(of: path) {
        case .directory:
            throw AtomicWriteError(path: path, reason: "is a directory")
        case .inPlace:
            guard access(path, W_OK) == 0 else { throw AtomicWriteError(path: path, reason: "not writable: \(errnoText())") }
        case .file(let target):
            let (temp, fd) = try createTemporary(beside: target, naming: path)
            close(fd)
            unlink(temp)
        }
    }

    /// Creates the temporary file `write` writes first: in the same folder as `target`, dot-prefixed.
    private static func createTemporary(beside target: String, naming path: String) throws(AtomicWriteError) -> (path: String, fd: Int32) {
        let slash = target.utf8.lastIndex(of: UInt8(ascii: "/"))
        let dir = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        guard !name.isEmpty else { throw AtomicWriteError(path: path, reason: "not a file name") }
        // A dot-prefixed name: node_exporter's textfile collector only reads `*.prom`, and a
        // hidden temp file is not mistaken for output by other globs either.
        let temp = "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // 0644 (before umask): node_exporter usually runs as another user and must read the file.
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicWriteError(path: path, reason: "cannot create a temporary file beside it: \(errnoText())") }
        return (temp, fd)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// `write(2)` under another name: inside `AtomicFile`, `write` means `AtomicFile.write`.
@inline(__always)
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, buf, n)
}
