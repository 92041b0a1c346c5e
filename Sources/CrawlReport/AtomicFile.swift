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
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicWriteError) {
        let (temp, fd) = try createTemporary(beside: path)
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in posixWrite(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                throw AtomicWriteError(path: path, reason: "write failed: \(reason)")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            throw AtomicWriteError(path: path, reason: "fsync failed: \(reason)")
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            throw AtomicWriteError(path: path, reason: "rename failed: \(errnoText())")
        }
        ok = true
    }

    /// Checks, before a run, that `write` can later succeed: `path` names a file (not a folder) in
    /// a folder where a temporary file can be made. The temporary file is removed again; `path`
    /// itself is not touched.
    public static func checkWritable(_ path: String) throws(AtomicWriteError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw AtomicWriteError(path: path, reason: "is a directory")
        }
        let (temp, fd) = try createTemporary(beside: path)
        close(fd)
        unlink(temp)
    }

    /// Creates the temporary file `write` writes first: in the same folder as `path`, dot-prefixed.
    private static func createTemporary(beside path: String) throws(AtomicWriteError) -> (path: String, fd: Int32) {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
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
