#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock a run holds on a state directory (`flock` on `DIR/lock`), so two runs (an hour's
/// cron job still going when the next starts) never share one state. The kernel drops the lock when
/// the process ends, however it ends, so a killed run never leaves a stale lock behind.
public final class StateLock: Sendable {
    private let descriptor: Int32

    public enum Failure: Error, CustomStringConvertible {
        /// Another process holds the lock; its pid as it wrote it, when readable.
        case held(path: String, holder: String?)
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let holder):
                return "the state is in use by another crawl\(holder.map { " (pid \($0))" } ?? "") (lock \(path))"
            case .unusable(let path, let reason):
                return "cannot lock the state \(path): \(reason)"
            }
        }
    }

    /// Creates `directory` if needed and takes its lock without waiting. Nothing in the directory
    /// changes when the lock is held by someone else.
    public static func acquire(directory: String) throws -> StateLock {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw Failure.unusable(path: directory, reason: String(cString: strerror(errno)))
        }
        // Named as such: "cannot lock the state FILE/lock: Not a directory" left the user to work out
        // that --state wants a folder.
        var info = stat()
        if stat(directory, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw Failure.unusable(path: directory, reason: "not a directory (--state names a folder for the state)")
        }
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.unusable(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            let holder = busy ? readHolder(fd) : nil
            close(fd)
            throw busy ? Failure.held(path: path, holder: holder) : Failure.unusable(path: path, reason: reason)
        }
        // The holder's pid, for the message a second run prints.
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return StateLock(descriptor: fd)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)  // releases the lock
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingWhitespace
        return text.isEmpty || !text.allSatisfy(\.isNumber) ? nil : text
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
