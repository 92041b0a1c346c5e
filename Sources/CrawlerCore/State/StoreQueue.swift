/// The part of the frontier kept in the durable store (`--state`), as the dispatch state sees it.
///
/// Queued URLs live in the store in admission order; at most `memoryLimit` of them are held in memory
/// (in the host scheduler). URLs admitted while the memory queue is full, or while older URLs still
/// wait in the store, are only journaled; they are read back in order, a batch at a time, when the
/// memory queue runs low. `cursor` marks how far the store's queue has been read: every queued URL at
/// or before it is in memory, in progress, or done.
struct StoreQueue {
    let journal: any CrawlJournal
    let memoryLimit: Int
    /// Sequence numbers at or above this were admitted by this run.
    let firstSequence: Int64
    var nextSequence: Int64
    var cursor = QueueCursor.start
    /// Queued by earlier runs (or due for a re-fetch), still in the store: admitted (and counted for
    /// `--max-pages`) only when read back.
    var earlierPending: Int
    /// Admitted by this run but left in the store (the memory queue was full).
    var spilledPending = 0
    /// A read from the store is under way.
    var loading = false
    /// Admissions not yet handed to the journal (handed over before the dispatch lock is released).
    var backlog: [JournalAdmission] = []

    init(plan: ResumePlan) {
        journal = plan.journal
        memoryLimit = plan.memoryQueueLimit
        firstSequence = plan.firstSequence
        nextSequence = plan.firstSequence
        earlierPending = plan.queuedInStore
    }

    /// URLs waiting in the store.
    var pending: Int { earlierPending + spilledPending }

    /// Journals an admission; returns whether the URL must stay in the store for now.
    mutating func admit(_ job: FetchJob, memoryQueued: Int) -> Bool {
        let sequence = nextSequence
        nextSequence += 1
        backlog.append(JournalAdmission(
            fingerprint: job.originFingerprint, url: job.origin.href, depth: job.depth, parent: job.parent,
            sequence: sequence))
        if pending > 0 || memoryQueued >= memoryLimit {
            spilledPending += 1
            return true
        }
        cursor = QueueCursor(sequence: sequence, fingerprint: Int64(bitPattern: job.originFingerprint.rawValue))
        return false
    }

    /// Journals a URL this run will not fetch (over `--max-pages`, or found while stopping), so the
    /// next run does. Its sequence follows every URL this run spilled, so reads skip it (see `restore`).
    mutating func keepForNextRun(_ job: FetchJob) {
        backlog.append(JournalAdmission(
            fingerprint: job.originFingerprint, url: job.origin.href, depth: job.depth, parent: job.parent,
            sequence: nextSequence))
        nextSequence += 1
    }

    /// Whether the store holds URLs this run will still take (earlier runs' ones only while
    /// `--max-pages` admits more).
    private func hasUnread(canAdmit: Bool) -> Bool {
        spilledPending > 0 || (earlierPending > 0 && canAdmit)
    }

    /// Whether work in the store still has to be read (so the crawl is not over).
    func hasWork(canAdmit: Bool) -> Bool {
        loading || hasUnread(canAdmit: canAdmit)
    }

    /// Starts a read when the memory queue is low; returns the cursor to read after.
    mutating func loadIfNeeded(memoryQueued: Int, canAdmit: Bool) -> QueueCursor? {
        guard !loading, hasUnread(canAdmit: canAdmit), memoryQueued <= memoryLimit / 2 else { return nil }
        loading = true
        return cursor
    }

    /// How many URLs one read brings back.
    var batchSize: Int { max(1, memoryLimit / 2) }
}

/// A queued URL read back from the store, parsed: nil when it no longer parses.
struct RestoredJob {
    var job: FetchJob?
    var cursor: QueueCursor
    /// This run's `--include` / `--exclude` leave it out.
    var excluded = false
}
