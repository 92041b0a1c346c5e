import Foundation
import CrawlerCore

/// The crawl's journal: queued on the store's thread, applied in the next transaction.
extension StateStore {
    public func admitted(_ entries: [JournalAdmission]) {
        enqueue(.admitted(entries))
    }

    /// Waits until everything journaled so far is committed; the error if it was not.
    public func commitPending() -> (any Error)? {
        commitPending(queuedWith: [])
    }

    /// `commitPending`, with `following` queued behind it for the same transaction (tests: a write
    /// that fails after the barrier rolls the barrier back too).
    func commitPending(queuedWith following: [Operation]) -> (any Error)? {
        let committed = DispatchSemaphore(value: 0)
        // Written before the signal; read after the wait (the semaphore orders them).
        nonisolated(unsafe) var failed: (any Error)?
        let barrier = Operation.work(
            body: { _ in { committed.signal() } },  // runs once the transaction holding it commits
            fail: { error in
                failed = error
                committed.signal()
            })
        if following.isEmpty { enqueue(barrier) } else { enqueue(together: [barrier] + following) }
        committed.wait()
        return failed
    }

    public func recordsWritten(_ marks: [JournalMark], outputBytes: Int64) {
        enqueue(.written(marks, outputBytes))
    }

    public func loadQueued(after cursor: QueueCursor, limit: Int, completion: @escaping @Sendable ([RestoredURL]) -> Void) {
        enqueue(.work(
            body: { session in
                let rows = try session.queued(after: cursor, limit: limit)
                return { completion(rows) }
            },
            // The database failed: nothing more comes from it (the crawl ends with what it has, and
            // the run reports the failure).
            fail: { _ in completion([]) }))
    }

    public func robotsFetched(host: String, body: [UInt8], fetchedAtMs: Int64) {
        enqueue(.work(
            body: { session in
                try session.robotsFetched(host: host, body: body, fetchedAtMs: fetchedAtMs)
                return nil
            },
            fail: { _ in }))
    }

    public func storedLinks(of fingerprint: URLFingerprint, completion: @escaping @Sendable ([String]) -> Void) {
        enqueue(.work(
            body: { session in
                let links = try session.links(of: fingerprint)
                return { completion(links) }
            },
            fail: { _ in completion([]) }))
    }
}
