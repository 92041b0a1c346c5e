import CrawlerCore
import Foundation

/// The crawl's durable state (`--state DIR`): an SQLite database in write-ahead-log mode, written by
/// one thread of its own so that neither fetch workers, parse threads nor Swift's cooperative pool
/// ever wait on the disk.
///
/// Journal calls only append to a queue. The store's thread takes everything queued and applies it in
/// one transaction (group commit): the busier the crawl, the bigger the transactions, and the
/// number of commits stays small. Reads (queued URLs, stored links) go through the same queue, so they
/// see every change journaled before them.
public final class StateStore: CrawlJournal, @unchecked Sendable {
    // @unchecked Sendable: `operations`, `isClosed`, `storedFailure` and `closeWaiter` are guarded by
    // `condition`; `session` is created, used and dropped only on the store's thread.
    private let condition = NSCondition()
    private var operations: [Operation] = []
    /// Queued work someone waits for (a read): the thread starts a transaction at once.
    private var hasWaitingWork = false
    private var isClosed = false
    private var storedFailure: (any Error)?
    private var closeWaiter: CheckedContinuation<Void, Never>?
    private var session: StateSession?

    public let directory: String
    public var databasePath: String { directory + "/state.sqlite" }

    enum Operation {
        case admitted([JournalAdmission])
        case written([JournalMark], Int64)
        /// Work on the session; its completion runs after the transaction commits. `fail` answers
        /// instead when the work cannot run (the database failed).
        case work(
            body: @Sendable (StateSession) throws -> (@Sendable () -> Void)?,
            fail: @Sendable (any Error) -> Void)
    }

    private init(directory: String) {
        self.directory = directory
    }

    /// Opens (creating if needed) the database in `directory`, which the caller has locked.
    public static func open(directory: String) async throws -> StateStore {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw SQLiteError(code: 14, message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let store = StateStore(directory: directory)
        let thread = Thread { store.runLoop() }
        thread.name = "crawl-state"
        thread.start()
        do {
            try await store.perform { _ in }  // the loop opens the session first; this surfaces its error
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// The first error the store met (a failed write: disk full, I/O error), if any.
    public var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return storedFailure
    }

    /// Runs `body` on the store's thread, in order with the journal, and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (StateSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            enqueue(.work(
                body: { session in
                    let value = try body(session)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) }))
        }
    }

    /// Applies what is queued, checkpoints the log and closes the database.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            isClosed = true
            closeWaiter = continuation
            condition.signal()
            condition.unlock()
        }
    }

    /// Journal writes wait up to this long, or until `batchOperations` are queued, so that one
    /// transaction carries many pages and the crawl's threads rarely wake the store's. Losing them in a
    /// crash costs nothing: the output file is reconciled on the next start.
    static let batchInterval: TimeInterval = 0.05
    static let batchOperations = 2_048

    func enqueue(_ operation: Operation) {
        condition.lock()
        operations.append(operation)
        if case .work = operation {
            hasWaitingWork = true
            condition.signal()
        } else if operations.count == Self.batchOperations {
            condition.signal()
        }
        condition.unlock()
    }

    /// Queues `operations` together, so that one transaction applies them all (tests).
    func enqueue(together batch: [Operation]) {
        condition.lock()
        operations.append(contentsOf: batch)
        hasWaitingWork = true
        condition.signal()
        condition.unlock()
    }

    private func fail(_ error: any Error) {
        condition.lock()
        if storedFailure == nil { storedFailure = error }
        condition.unlock()
    }

    // MARK: - The store's thread

    private func runLoop() {
        do {
            session = try StateSession(path: databasePath)
        } catch {
            fail(error)
        }
        var batch: [Operation] = []
        while true {
            condition.lock()
            if !isClosed && !hasWaitingWork && operations.count < Self.batchOperations {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Self.batchInterval))
            }
            while operations.isEmpty && !isClosed { condition.wait() }
            hasWaitingWork = false
            swap(&batch, &operations)
            let closing = isClosed && batch.isEmpty
            condition.unlock()
            if closing { break }
            apply(batch)
            batch.removeAll(keepingCapacity: true)
        }
        if let session {
            try? session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        session = nil
        condition.lock()
        let waiter = closeWaiter
        closeWaiter = nil
        condition.unlock()
        waiter?.resume()
    }

    /// One transaction for everything queued; completions run after it commits.
    private func apply(_ batch: [Operation]) {
        var completions: [@Sendable () -> Void] = []
        var committed = false
        if let session, failure == nil {
            do {
                try session.db.execute("BEGIN IMMEDIATE")
                for operation in batch {
                    switch operation {
                    case .admitted(let entries):
                        for entry in entries { try session.admit(entry) }
                    case .written(let marks, let bytes):
                        for mark in marks { try session.apply(mark) }
                        try session.committedOutput(bytes: bytes)
                    case .work(let body, _):
                        if let completion = try body(session) { completions.append(completion) }
                    }
                }
                try session.db.execute("COMMIT")
                committed = true
            } catch {
                try? session.db.execute("ROLLBACK")
                fail(error)
            }
        }
        // Completions and failures run off this thread: one may record URLs (restored jobs decided at
        // once), and a record may wait for the output writer, which may be waiting in `commitPending`
        // for us.
        if committed {
            if !completions.isEmpty {
                let ready = completions
                DispatchQueue.global().async { ready.forEach { $0() } }
            }
            return
        }
        // Nothing of the batch holds (no database, or the transaction rolled back): its writes are
        // dropped (the run reports the failure), and every work answers with the error, also work that
        // ran before the failure. A rolled-back barrier must not answer as committed: the output
        // writer would then write records whose admitted links were rolled back, the next run would
        // take those pages as done from the output, and their links would be lost.
        let error = failure ?? SQLiteError(code: 0, message: "state database unavailable")
        var failures: [@Sendable (any Error) -> Void] = []
        for case .work(_, let fail) in batch { failures.append(fail) }
        if !failures.isEmpty {
            let answers = failures
            DispatchQueue.global().async { answers.forEach { $0(error) } }
        }
    }
}
