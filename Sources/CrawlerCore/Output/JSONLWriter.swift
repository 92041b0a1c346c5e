import DequeModule
import Foundation

/// Writes records as JSON Lines to a file descriptor.
///
/// Records are encoded by the thread that produces them and appended to a shared buffer; a dedicated
/// writer thread moves the buffer to the file with `write(2)`, so disk I/O never runs on Swift's
/// cooperative pool. Every write hands the kernel whole lines only, so a killed process leaves at most
/// one partial line (a crash mid-`write` of a large batch), never a record torn in the middle of the
/// file. The buffer is flushed when it passes `flushThreshold` or every `flushInterval`.
public final class JSONLWriter: RecordSink, @unchecked Sendable {
    // @unchecked Sendable: `pending`, `isClosed`, `writeError`, `closeWaiter`, `writerDone` are
    // guarded by `condition`; `descriptor` is immutable and written only by the writer thread.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var pendingMarks: [JournalMark] = []
    /// Records in `pending`, and records whose lines reached the output (both under `condition`).
    private var pendingRecords = 0
    private var writtenRecords = 0
    private var isClosed = false
    private var writeError: (any Error)?
    private var closeWaiter: CheckedContinuation<Void, Never>?
    private var writerDone = false

    private let descriptor: Int32
    private let closesDescriptor: Bool
    private let flushThreshold: Int
    private let flushInterval: TimeInterval
    /// With `--state`: told which records reached the file (after `fdatasync`), so their URLs are
    /// marked done only once their records are safe. Set before the first write.
    private let journal: (any CrawlJournal)?
    /// Bytes written to the file so far (writer thread only).
    private var written: Int64 = 0
    /// Starts the disk write of a range of the file without waiting for it (see `init`).
    private let startWriteback: (@Sendable (_ descriptor: Int32, _ offset: Int64, _ length: Int64) -> Void)?
    /// Where the next writeback starts (writer thread only).
    private var writebackFrom: Int64 = 0
    /// Written bytes gathered before a writeback is started: few calls, and the final `fsync` waits for
    /// at most about this much.
    static let writebackChunk: Int64 = 1 << 20

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// Another process holds the file's lock: another crawl is writing it.
        public var inUse = false
        public var description: String { "cannot open output \(path): \(reason)" }
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot write output: \(reason)" }
    }

    /// Opens (creating or truncating) `path` for writing, and locks it (`flock`) while the writer
    /// lives; `-` means standard output.
    ///
    /// `startWriteback`, for a file it opens: called on the writer thread with each further MiB written
    /// (`writebackChunk`), to start that range's write to the disk without waiting (Linux's
    /// `sync_file_range`). The file is `fsync`ed when the writer closes, and the run's end waits for it:
    /// without this, the whole output (16 MB for 20,000 pages) was written then: 24-29 ms, measured.
    public convenience init(
        path: String, flushThreshold: Int = 256 << 10, flushInterval: TimeInterval = 0.2, journal: (any CrawlJournal)? = nil,
        startWriteback: (@Sendable (_ descriptor: Int32, _ offset: Int64, _ length: Int64) -> Void)? = nil
    ) throws {
        if path == "-" {
            self.init(descriptor: STDOUT_FILENO, closesDescriptor: false, flushThreshold: flushThreshold,
                      flushInterval: flushInterval, journal: journal)
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        // A regular file is locked before it is truncated: two runs given one --output (overlapping
        // cron runs) each truncated and wrote it, and the file held torn records while both exited 0.
        // A file system without flock (some network ones) is written unlocked, as before. Devices and
        // pipes (/dev/null, a FIFO) are shared freely, and truncating them means nothing.
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            if flock(fd, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK {
                close(fd)
                throw OpenError(path: path, reason: "another crawl is writing it", inUse: true)
            }
            guard ftruncate(fd, 0) == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw OpenError(path: path, reason: reason)
            }
        }
        self.init(descriptor: fd, closesDescriptor: true, flushThreshold: flushThreshold, flushInterval: flushInterval,
                  journal: journal, startWriteback: startWriteback)
    }

    public init(
        descriptor: Int32, closesDescriptor: Bool, flushThreshold: Int = 256 << 10, flushInterval: TimeInterval = 0.2,
        journal: (any CrawlJournal)? = nil,
        startWriteback: (@Sendable (_ descriptor: Int32, _ offset: Int64, _ length: Int64) -> Void)? = nil
    ) {
        self.journal = journal
        self.startWriteback = startWriteback
        self.descriptor = descriptor
        self.closesDescriptor = closesDescriptor
        self.flushThreshold = flushThreshold
        self.flushInterval = flushInterval
        pending.reserveCapacity(flushThreshold * 2)
        let thread = Thread { [self] in
            Thread.current.name = "crawl-writer"  // from inside: a name set before `start` is lost on Linux
            runWriter()
        }
        thread.start()
    }

    public var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return writeError
    }

    /// Records whose lines the output holds: all of them once `finish` returned, unless a write failed,
    /// when the records of the failed batch and of those after it are not there (the file is cut back
    /// to its last whole record).
    public var recordsWritten: Int {
        condition.lock()
        defer { condition.unlock() }
        return writtenRecords
    }

    /// Above this many buffered bytes, producers wait for the writer thread (a stalled disk slows the
    /// crawl instead of growing memory). The writer runs on its own thread, so the wait always ends
    /// once the disk takes the bytes.
    static let maxPendingBytes = 16 << 20

    public func write(_ record: CrawlRecord) {
        var line: [UInt8] = []
        record.encodeLine(into: &line)
        condition.lock()
        while pending.count >= Self.maxPendingBytes, writeError == nil, !writerDone {
            condition.broadcast()  // the writer and waiting producers share the condition: wake them all
            condition.wait()
        }
        pending.append(contentsOf: line)
        pendingRecords += 1
        if journal != nil, let mark = record.journalMark { pendingMarks.append(mark) }
        if pending.count >= flushThreshold { condition.broadcast() }
        condition.unlock()
    }

    public func finish() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            isClosed = true
            if writerDone {
                condition.unlock()
                continuation.resume()
                return
            }
            closeWaiter = continuation
            condition.signal()
            condition.unlock()
        }
        if let error = failure { throw error }
    }

    private func runWriter() {
        var batch: [UInt8] = []
        batch.reserveCapacity(flushThreshold * 2)
        var marks: [JournalMark] = []
        while true {
            condition.lock()
            if !isClosed && pending.count < flushThreshold {
                _ = condition.wait(until: Date(timeIntervalSinceNow: flushInterval))
            }
            swap(&batch, &pending)
            swap(&marks, &pendingMarks)
            let batchRecords = pendingRecords
            pendingRecords = 0
            let closing = isClosed
            condition.broadcast()  // producers waiting for room (see `maxPendingBytes`)
            condition.unlock()

            if !batch.isEmpty {
                // The links these records admitted are committed before the records are written;
                // if that fails, the records are not written either (the next run fetches them again).
                if let journal, !marks.isEmpty, failure == nil, let stateError = journal.commitPending() {
                    condition.lock()
                    if writeError == nil { writeError = WriteError(reason: "the crawl state could not be saved (\(stateError))") }
                    condition.unlock()
                } else if let error = writeAll(batch) {
                    // Part of the batch may have reached the file (a short write before ENOSPC or
                    // EFBIG): cut the file back to its last whole record, so the output stays valid
                    // JSONL. Only for a file we opened (and truncated) ourselves, where `written` is
                    // its length; standard output may be a file with earlier content. Its records'
                    // done marks are never sent, so the state does not move past what the file holds.
                    if closesDescriptor { _ = ftruncate(descriptor, off_t(written)) }
                    condition.lock()
                    if writeError == nil { writeError = error }
                    condition.unlock()
                } else if failure == nil {  // (after a failure, writeAll drops batches unwritten)
                    written += Int64(batch.count)
                    condition.lock()
                    writtenRecords += batchRecords
                    condition.unlock()
                    if let startWriteback, written - writebackFrom >= Self.writebackChunk {
                        startWriteback(descriptor, writebackFrom, written - writebackFrom)
                        writebackFrom = written
                    }
                    if let journal, !marks.isEmpty {
                        // The records reach the disk before their URLs are marked done: a crash (even
                        // a power loss) can then lose a done mark, never a record.
                        _ = fdatasync(descriptor)
                        journal.recordsWritten(marks, outputBytes: written)
                    }
                }
                batch.removeAll(keepingCapacity: true)
                marks.removeAll(keepingCapacity: true)
            }
            if closing {
                condition.lock()
                // Lines appended after `finish` began are written by one more pass.
                let more = !pending.isEmpty
                condition.unlock()
                if more { continue }
                break
            }
        }
        if closesDescriptor {
            if fsyncAndClose() == false {
                condition.lock()
                if writeError == nil { writeError = WriteError(reason: String(cString: strerror(errno))) }
                condition.unlock()
            }
        }
        condition.lock()
        writerDone = true
        let waiter = closeWaiter
        closeWaiter = nil
        condition.unlock()
        waiter?.resume()
    }

    /// Writes all bytes, retrying short writes and EINTR. Returns the error if the file refuses them.
    private func writeAll(_ bytes: [UInt8]) -> (any Error)? {
        // Once a write failed (disk full, closed pipe), later batches are dropped: the crawl is stopping.
        condition.lock()
        let failed = writeError != nil
        condition.unlock()
        if failed { return nil }
        return bytes.withUnsafeBytes { raw -> (any Error)? in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return WriteError(reason: String(cString: strerror(errno)))
                }
                offset += written
            }
            return nil
        }
    }

    private func fsyncAndClose() -> Bool {
        // fsync failing on pipes or special files is not an error worth reporting.
        _ = fsync(descriptor)
        return close(descriptor) == 0
    }
}
