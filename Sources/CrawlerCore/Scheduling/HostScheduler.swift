import HeapModule

/// Decides which host may start a request next.
///
/// Sits between the frontier and the fetch pool (Mercator's back queues): each host with queued work
/// and spare capacity waits in a min-heap keyed by the instant it may next start. A fetch slot is only
/// ever handed an item whose host may start *now*, so a host that must wait never holds a slot, and the
/// other hosts keep the pool busy. Hosts of equal readiness are served round-robin (a sequence number
/// breaks ties), so all hosts progress in parallel.
///
/// A pure value: time is passed in (`now`, as an offset from the crawl's start), so tests drive it with
/// a manual clock. Politeness (token buckets, Crawl-delay, Retry-After) plugs in through
/// `HostSlot.notBefore`.
struct HostScheduler<Item> {
    struct HostSlot {
        var queue = HostQueue<Item>()
        var inFlight = 0
        /// The earliest instant the host's next request may start.
        var notBefore: Duration = .zero
        /// The sequence number of the host's live entry in `ready`, if any. Entries whose sequence no
        /// longer matches are stale (the host was rescheduled) and are skipped.
        var scheduledSequence: UInt64?
    }

    private struct ReadyEntry: Comparable {
        var notBefore: Duration
        var sequence: UInt64
        var host: String

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.notBefore, lhs.sequence) < (rhs.notBefore, rhs.sequence)
        }
    }

    enum Next {
        case item(Item, host: String)
        /// Work is queued but no host may start before this instant.
        case wait(until: Duration)
        /// Nothing is queued that could start (the queue is empty or every host is at its cap).
        case empty
    }

    private var slots: [String: HostSlot] = [:]
    private var ready = Heap<ReadyEntry>()
    private var sequence: UInt64 = 0
    /// Most requests in flight to one host at once.
    let hostConcurrency: Int
    private(set) var queuedCount = 0

    init(hostConcurrency: Int) {
        self.hostConcurrency = max(1, hostConcurrency)
    }

    /// Hosts with any state (queued or in flight). Idle hosts are dropped, so this stays bounded by the
    /// hosts with work, not by every host ever seen.
    var hostCount: Int { slots.count }

    func inFlight(host: String) -> Int { slots[host]?.inFlight ?? 0 }

    mutating func enqueue(_ item: Item, host: String, depth: Int, now: Duration) {
        slots[host, default: HostSlot()].queue.append(item, depth: depth)
        queuedCount += 1
        scheduleIfEligible(host, now: now)
    }

    /// Queues work that has already started (a redirect hop) ahead of the host's other work.
    mutating func enqueuePriority(_ item: Item, host: String, now: Duration) {
        slots[host, default: HostSlot()].queue.appendPriority(item)
        queuedCount += 1
        scheduleIfEligible(host, now: now)
    }

    /// The next item whose host may start at `now`. The host's in-flight count is raised; call
    /// `complete(host:now:)` when the request ends.
    mutating func next(now: Duration) -> Next {
        while let top = ready.min {
            if top.notBefore > now { return .wait(until: top.notBefore) }
            _ = ready.removeMin()
            guard var slot = slots[top.host], slot.scheduledSequence == top.sequence else { continue }
            slot.scheduledSequence = nil
            guard slot.inFlight < hostConcurrency, let item = slot.queue.popFirst() else {
                slots[top.host] = slot
                continue
            }
            slot.inFlight += 1
            queuedCount -= 1
            slots[top.host] = slot
            scheduleIfEligible(top.host, now: now)
            return .item(item, host: top.host)
        }
        return .empty
    }

    /// A request to `host` ended: frees its share of the host's concurrency.
    mutating func complete(host: String, now: Duration) {
        guard var slot = slots[host] else { return }
        slot.inFlight = max(0, slot.inFlight - 1)
        slots[host] = slot
        scheduleIfEligible(host, now: now)
    }

    /// Delays the host's next start (politeness: rate limits, Retry-After).
    mutating func delay(host: String, until instant: Duration, now: Duration) {
        guard var slot = slots[host] else { return }
        slot.notBefore = max(slot.notBefore, instant)
        let wasScheduled = slot.scheduledSequence != nil
        // Any heap entry carries the old instant: forget it (it becomes stale) and schedule anew.
        slot.scheduledSequence = nil
        slots[host] = slot
        if wasScheduled { scheduleIfEligible(host, now: now) }
    }

    /// Removes and returns every queued item of every host (cancellation).
    mutating func drainAll() -> [Item] {
        var all: [Item] = []
        for host in Array(slots.keys) {
            guard var slot = slots[host] else { continue }
            all.append(contentsOf: slot.queue.removeAll())
            slot.scheduledSequence = nil
            slots[host] = slot
            collectIfIdle(host, now: .zero)
        }
        queuedCount = 0
        ready = Heap()
        return all
    }

    private mutating func scheduleIfEligible(_ host: String, now: Duration) {
        guard var slot = slots[host] else { return }
        if slot.queue.isEmpty {
            collectIfIdle(host, now: now)
            return
        }
        guard slot.scheduledSequence == nil, slot.inFlight < hostConcurrency else { return }
        sequence &+= 1
        slot.scheduledSequence = sequence
        slots[host] = slot
        ready.insert(ReadyEntry(notBefore: max(now, slot.notBefore), sequence: sequence, host: host))
    }

    /// Drops the state of a host with nothing queued or in flight, so memory follows the hosts with
    /// work, not every host ever seen. A host whose next start still lies in the future keeps its slot
    /// (its politeness delay must survive); it is collected at a later decision.
    private mutating func collectIfIdle(_ host: String, now: Duration) {
        guard let slot = slots[host], slot.queue.isEmpty, slot.inFlight == 0 else { return }
        if slot.notBefore <= now { slots[host] = nil }
    }
}
