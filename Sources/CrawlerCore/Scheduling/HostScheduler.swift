import HeapModule

/// Decides which host may start a request next.
///
/// Sits between the frontier and the fetch pool (Mercator's back queues): each host with queued work
/// and spare capacity waits in a min-heap keyed by the instant it may next start. A fetch slot is only
/// ever handed an item whose host may start *now*, so a host that must wait (rate limit, Crawl-delay,
/// Retry-After, backoff) never holds a slot, and the other hosts keep the pool busy. Hosts of equal
/// readiness are served round-robin (a sequence number breaks ties), so all hosts progress in parallel.
///
/// Per host: a token bucket (rate + burst, one token per request start), a concurrency cap, a
/// `notBefore` instant for explicit delays, and a gate: while a host is gated (its robots.txt is not
/// known yet) only its gate-lane work (the robots.txt fetch) may start.
///
/// A pure value: time is passed in (`now`, an offset from the crawl's start), so tests drive it with a
/// manual clock.
struct HostScheduler<Item> {
    struct HostSlot {
        var queue = HostQueue<Item>()
        var inFlight = 0
        var bucket: TokenBucket
        /// An explicit delay (Retry-After, backoff): no start before this instant.
        var notBefore: Duration = .zero
        var isGated = false
        /// Requests handed out that have not started yet. A rate-limited host gets no further token
        /// until they have (see `requestStarted`), so request starts, not just dispatches, keep the
        /// host's spacing even when a worker runs late.
        var startsPending = 0
        /// The sequence number of the host's live entry in `ready`, if any. Entries whose sequence no
        /// longer matches are stale (the host was rescheduled) and are skipped.
        var scheduledSequence: UInt64?

        /// The earliest instant the next request may start.
        func readyAt(now: Duration) -> Duration {
            max(notBefore, bucket.nextAvailable(now: now))
        }
    }

    private struct ReadyEntry: Comparable {
        var readyAt: Duration
        var sequence: UInt64
        var host: String

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.readyAt, lhs.sequence) < (rhs.readyAt, rhs.sequence)
        }
    }

    enum Next {
        /// `readyAt` is when the host's politeness allowed this start (for `rate_wait_ms`).
        case item(Item, host: String, readyAt: Duration)
        /// Work is queued but no host may start before this instant.
        case wait(until: Duration)
        /// Nothing is queued that could start (the queue is empty, or every host with work is at its
        /// concurrency cap or gated on a robots.txt fetch in flight).
        case empty
    }

    private struct IdleEntry: Comparable {
        var dueAt: Duration
        var host: String

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.dueAt < rhs.dueAt }
    }

    private var slots: [String: HostSlot] = [:]
    private var ready = Heap<ReadyEntry>()
    /// Idle hosts whose slot could not be dropped yet (a delay or a refilling bucket), by the instant
    /// it can be; swept as time passes.
    private var idle = Heap<IdleEntry>()
    private var sequence: UInt64 = 0
    /// Most requests in flight to one host at once.
    let hostConcurrency: Int
    /// The rate and burst of hosts without an override; rate 0 = unlimited.
    let defaultRate: Double
    let defaultBurst: Double
    /// Per-host rates (Crawl-delay, throttling). Kept when an idle host's slot is collected, so a
    /// host's limits survive idleness.
    private var rateOverrides: [String: (rate: Double, burst: Double)] = [:]
    private(set) var queuedCount = 0

    init(hostConcurrency: Int, rate: Double = 0, burst: Double = 1) {
        self.hostConcurrency = max(1, hostConcurrency)
        defaultRate = max(0, rate)
        defaultBurst = max(1, burst)
    }

    /// Hosts with any state (queued, in flight, or still owed a delay). Idle hosts are dropped, so this
    /// stays bounded by the hosts with work, not by every host ever seen.
    var hostCount: Int { slots.count }

    func inFlight(host: String) -> Int { slots[host]?.inFlight ?? 0 }
    func rate(host: String) -> (rate: Double, burst: Double) {
        rateOverrides[host] ?? (defaultRate, defaultBurst)
    }

    mutating func enqueue(_ item: Item, host: String, depth: Int, now: Duration) {
        withSlot(host, now: now) { $0.queue.append(item, depth: depth) }
    }

    /// Queues work that has already started (a redirect hop, a retry) ahead of the host's other work.
    mutating func enqueuePriority(_ item: Item, host: String, now: Duration) {
        withSlot(host, now: now) { $0.queue.appendPriority(item) }
    }

    /// Queues the host's gate work (its robots.txt fetch) and closes the gate: nothing else of the
    /// host starts until `openGate`.
    mutating func enqueueGate(_ item: Item, host: String, now: Duration) {
        withSlot(host, now: now) {
            $0.queue.appendGate(item)
            $0.isGated = true
        }
    }

    mutating func openGate(host: String, now: Duration) {
        guard slots[host]?.isGated == true else { return }
        slots[host]?.isGated = false
        reschedule(host, now: now)
    }

    /// The next item whose host may start at `now`. Takes a token from the host's bucket and raises its
    /// in-flight count; call `complete(host:now:)` when the request ends.
    mutating func next(now: Duration) -> Next {
        sweepIdle(now: now)
        while let top = ready.min {
            if top.readyAt > now { return .wait(until: top.readyAt) }
            _ = ready.removeMin()
            // Taken out of the dictionary, not copied: a copy would share the queue's storage with the
            // dictionary, and popping from it would then copy the host's whole queue (every path below
            // puts the slot back).
            guard var slot = slots.removeValue(forKey: top.host) else { continue }
            guard slot.scheduledSequence == top.sequence else {
                slots[top.host] = slot
                continue
            }
            slot.scheduledSequence = nil
            let readyAt = slot.readyAt(now: now)
            if readyAt > now {
                // The host's limits tightened since it was scheduled: wait for the new instant.
                slots[top.host] = slot
                scheduleIfEligible(top.host, now: now)
                continue
            }
            guard slot.inFlight < hostConcurrency, let item = slot.queue.popFirst(gateOnly: slot.isGated) else {
                slots[top.host] = slot
                continue
            }
            slot.inFlight += 1
            slot.bucket.take(now: now)
            if !slot.bucket.isUnlimited { slot.startsPending += 1 }
            queuedCount -= 1
            slots[top.host] = slot
            scheduleIfEligible(top.host, now: now)
            return .item(item, host: top.host, readyAt: readyAt)
        }
        return .empty
    }

    /// Whether a request just handed out for `host` must report its start (`requestStarted`).
    func awaitsStart(host: String) -> Bool { (slots[host]?.startsPending ?? 0) > 0 }

    /// A request handed out for a rate-limited host has actually started, at `now`.
    mutating func requestStarted(host: String, now: Duration) {
        guard var slot = slots[host], slot.startsPending > 0 else { return }
        slot.startsPending -= 1
        slot.bucket.tokenUsed(at: now)
        slots[host] = slot
        reschedule(host, now: now)
    }

    /// A request to `host` ended: frees its share of the host's concurrency.
    mutating func complete(host: String, now: Duration) {
        guard slots[host] != nil else { return }
        slots[host]!.inFlight = max(0, slots[host]!.inFlight - 1)
        // A request that ends is no longer waiting to start (in case it never reported its start).
        slots[host]!.startsPending = min(slots[host]!.startsPending, slots[host]!.inFlight)
        scheduleIfEligible(host, now: now)
    }

    /// Delays the host's next start (Retry-After, backoff).
    mutating func delay(host: String, until instant: Duration, now: Duration) {
        withSlot(host, now: now) { $0.notBefore = max($0.notBefore, instant) }
        reschedule(host, now: now)
    }

    /// Sets the host's rate and burst (Crawl-delay, throttling); kept while the crawl runs.
    mutating func setRate(host: String, rate: Double, burst: Double, now: Duration) {
        if rate == defaultRate, burst == defaultBurst {
            rateOverrides[host] = nil
        } else {
            rateOverrides[host] = (rate, burst)
        }
        guard slots[host] != nil else { return }
        slots[host]!.bucket.reconfigure(rate: rate, burst: burst, now: now)
        reschedule(host, now: now)
    }

    /// Removes and returns the host's queued items (not gate work) that match.
    mutating func removeQueued(host: String, now: Duration, where shouldRemove: (Item) -> Bool) -> [Item] {
        guard slots[host] != nil else { return [] }
        let removed = slots[host]!.queue.removeAll(where: shouldRemove)
        queuedCount -= removed.count
        reschedule(host, now: now)
        return removed
    }

    /// Removes and returns everything queued for one host, gate work included, and opens its gate.
    mutating func drain(host: String, now: Duration) -> [Item] {
        guard slots[host] != nil else { return [] }
        let removed = slots[host]!.queue.removeAll()
        queuedCount -= removed.count
        slots[host]!.isGated = false
        reschedule(host, now: now)
        return removed
    }

    /// Removes and returns every queued item of every host, with its host (cancellation).
    mutating func drainAll() -> [(item: Item, host: String)] {
        var all: [(item: Item, host: String)] = []
        for host in Array(slots.keys) {
            guard var slot = slots.removeValue(forKey: host) else { continue }  // taken out: see `next`
            all.append(contentsOf: slot.queue.removeAll().map { ($0, host) })
            slot.scheduledSequence = nil
            slots[host] = slot
            collectIfIdle(host, now: .zero)
        }
        queuedCount = 0
        ready = Heap()
        return all
    }

    // MARK: - Slots

    private mutating func withSlot(_ host: String, now: Duration, _ change: (inout HostSlot) -> Void) {
        if slots[host] == nil {
            let (rate, burst) = self.rate(host: host)
            slots[host] = HostSlot(bucket: TokenBucket(rate: rate, burst: burst, now: now))
        }
        let before = slots[host]!.queue.count
        change(&slots[host]!)
        queuedCount += slots[host]!.queue.count - before
        scheduleIfEligible(host, now: now)
    }

    /// Forgets the host's heap entry (it becomes stale) and schedules it anew.
    private mutating func reschedule(_ host: String, now: Duration) {
        guard slots[host] != nil else { return }
        slots[host]!.scheduledSequence = nil
        scheduleIfEligible(host, now: now)
    }

    private mutating func scheduleIfEligible(_ host: String, now: Duration) {
        guard var slot = slots[host] else { return }
        let hasWork = slot.isGated ? slot.queue.hasGateWork : !slot.queue.isEmpty
        if slot.queue.isEmpty {
            collectIfIdle(host, now: now)
            return
        }
        guard hasWork, slot.scheduledSequence == nil, slot.inFlight < hostConcurrency, slot.startsPending == 0 else { return }
        sequence &+= 1
        slot.scheduledSequence = sequence
        slots[host] = slot
        ready.insert(ReadyEntry(readyAt: slot.readyAt(now: now), sequence: sequence, host: host))
    }

    /// Drops the state of a host with nothing queued or in flight, so memory follows the hosts with
    /// work, not every host ever seen. A host still owed a delay, or whose bucket is not full again,
    /// keeps its slot (forgetting it would let it start early); it is collected at a later decision.
    private mutating func collectIfIdle(_ host: String, now: Duration) {
        guard let slot = slots[host], slot.queue.isEmpty, slot.inFlight == 0, !slot.isGated else { return }
        let dueAt = max(slot.notBefore, slot.bucket.fullAt(now: now))
        if dueAt <= now {
            slots[host] = nil
        } else {
            idle.insert(IdleEntry(dueAt: dueAt, host: host))
        }
    }

    /// Drops the slots of hosts that stayed idle until their delay passed and their bucket refilled.
    /// A host that got work meanwhile is skipped; one that is idle but owed more time is re-filed.
    private mutating func sweepIdle(now: Duration) {
        while let top = idle.min, top.dueAt <= now {
            _ = idle.removeMin()
            collectIfIdle(top.host, now: now)
        }
    }
}
