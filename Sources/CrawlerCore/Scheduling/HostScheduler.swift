import HeapModule

/// Decides which host may start a request next.
///
/// Sits between the frontier and the fetch pool (Mercator's back queues): each host with queued work
/// and spare capacity waits in a min-heap keyed by the instant it may next start. A fetch slot is only
/// ever handed an item whose host may start *now*, so a host that must wait (rate limit, Crawl-delay,
/// Retry-After, backoff) never holds a slot, and the other hosts keep the pool busy. Hosts of equal
/// readiness are served round-robin (a sequence number breaks ties), so all hosts progress in parallel.
///
/// A host (scheme + host + port, robots.txt's key) has its own queue and a gate: while a host is gated
/// (its robots.txt is not known yet) only its gate-lane work (the robots.txt fetch) may start. The
/// limits belong to its *server*, the host name and port whatever the scheme, so `http://example.com`
/// and `https://example.com` share them: a token bucket (rate + burst, one token per request start),
/// a concurrency cap, and a `notBefore` instant for explicit delays.
///
/// A pure value: time is passed in (`now`, an offset from the crawl's start), so tests drive it with a
/// manual clock.
struct HostScheduler<Item> {
    /// One host's own state: its queue and its robots.txt gate.
    struct HostSlot {
        var queue = HostQueue<Item>()
        var isGated = false
        /// The host's own requests in flight (the cap is its server's): its slot is kept until they end.
        var inFlight = 0
        /// The sequence number of the host's live entry in `ready`, if any. Entries whose sequence no
        /// longer matches are stale (the host was rescheduled) and are skipped.
        var scheduledSequence: UInt64?
        /// The key of the server whose limits the host shares.
        let server: String
    }

    /// The limits a server's hosts share.
    struct Server {
        var bucket: TokenBucket
        var inFlight = 0
        /// An explicit delay (Retry-After, backoff): no start before this instant.
        var notBefore: Duration = .zero
        /// Requests handed out that have not started yet. A rate-limited server gets no further token
        /// until they have (see `requestStarted`), so request starts, not just dispatches, keep its
        /// spacing even when a worker runs late.
        var startsPending = 0
        /// Its hosts that have a slot (one, or two when both schemes are crawled).
        var hosts: [String] = []

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
        /// server's concurrency cap or gated on a robots.txt fetch in flight).
        case empty
    }

    private struct IdleEntry: Comparable {
        var dueAt: Duration
        var server: String

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.dueAt < rhs.dueAt }
    }

    private var slots: [String: HostSlot] = [:]
    private var servers: [String: Server] = [:]
    private var ready = Heap<ReadyEntry>()
    /// Servers without hosts or requests whose state could not be dropped yet (a delay or a refilling
    /// bucket), by the instant it can be; swept as time passes.
    private var idle = Heap<IdleEntry>()
    private var sequence: UInt64 = 0
    /// Most requests in flight to one server at once (`--host-concurrency`).
    let hostConcurrency: Int
    /// The rate and burst of hosts without an override; rate 0 = unlimited.
    let defaultRate: Double
    let defaultBurst: Double
    /// Per-host rates (Crawl-delay, throttling), by server. Kept when an idle server is collected, so
    /// a host's limits survive idleness. A server runs at the tightest of its hosts' rates.
    private var rateOverrides: [String: [String: (rate: Double, burst: Double)]] = [:]
    private(set) var queuedCount = 0

    init(hostConcurrency: Int, rate: Double = 0, burst: Double = 1) {
        self.hostConcurrency = max(1, hostConcurrency)
        defaultRate = max(0, rate)
        defaultBurst = max(1, burst)
    }

    /// Servers with any state (queued, in flight, or still owed a delay). Idle ones are dropped, so
    /// this stays bounded by the hosts with work, not by every host ever seen.
    var hostCount: Int { servers.count }

    /// Requests in flight to the host's server.
    func inFlight(host: String) -> Int { servers[server(of: host)]?.inFlight ?? 0 }

    /// The rate and burst set for the host (its server runs at the tightest of its hosts').
    func rate(host: String) -> (rate: Double, burst: Double) {
        rateOverrides[server(of: host)]?[host] ?? (defaultRate, defaultBurst)
    }

    /// The host's server key: its slot's, or worked out (a host without a slot).
    private func server(of host: String) -> String {
        slots[host]?.server ?? Self.serverKey(of: host)
    }

    /// The server of a host key: the key without its scheme, and without its port when that is the
    /// scheme's default (`http://example.com:80` and `https://example.com:443` both give
    /// `example.com`; `https://example.com:8443` gives `example.com:8443`). Keys without a scheme are
    /// their own server.
    static func serverKey(of host: String) -> String {
        guard let separator = host.utf8.firstRange(of: "://".utf8) else { return host }
        let scheme = host.utf8[..<separator.lowerBound]
        var rest = host[separator.upperBound...]
        let defaultPort = scheme.elementsEqual("http".utf8) ? ":80" : scheme.elementsEqual("https".utf8) ? ":443" : nil
        if let defaultPort, rest.utf8.reversed().starts(with: defaultPort.utf8.reversed()) {
            rest = rest.dropLast(defaultPort.utf8.count)
        }
        return String(rest)
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

    /// The next item whose host may start at `now`. Takes a token from its server's bucket and raises
    /// the server's in-flight count; call `complete(host:now:)` when the request ends.
    mutating func next(now: Duration) -> Next {
        sweepIdle(now: now)
        while let top = ready.min {
            if top.readyAt > now { return .wait(until: top.readyAt) }
            _ = ready.removeMin()
            // Taken out of the dictionary, not copied: a copy would share the queue's storage with the
            // dictionary, and popping from it would then copy the host's whole queue (every path below
            // puts the slot back).
            guard var slot = slots.removeValue(forKey: top.host) else { continue }
            guard slot.scheduledSequence == top.sequence, var server = servers[slot.server] else {
                slots[top.host] = slot
                continue
            }
            slot.scheduledSequence = nil
            let readyAt = server.readyAt(now: now)
            if readyAt > now {
                // The server's limits tightened since the host was scheduled (a sibling host started
                // a request, a delay, a new rate): wait for the new instant.
                slots[top.host] = slot
                scheduleIfEligible(top.host, now: now)
                continue
            }
            // A sibling host may have taken the server's capacity since: the host is scheduled again
            // when a request of the server ends or starts.
            guard server.inFlight < hostConcurrency, server.startsPending == 0,
                  let item = slot.queue.popFirst(gateOnly: slot.isGated) else {
                slots[top.host] = slot
                continue
            }
            server.inFlight += 1
            slot.inFlight += 1
            server.bucket.take(now: now)
            if !server.bucket.isUnlimited { server.startsPending += 1 }
            if server.hosts.count > 1, let index = server.hosts.firstIndex(of: top.host) {
                // The host that started goes behind its siblings (they are rescheduled in this
                // order whenever the server's limits change), so they take turns.
                server.hosts.append(server.hosts.remove(at: index))
            }
            queuedCount -= 1
            servers[slot.server] = server
            let serverKey = slot.server
            slots[top.host] = slot
            rescheduleHosts(of: serverKey, now: now)
            return .item(item, host: top.host, readyAt: readyAt)
        }
        return .empty
    }

    /// Whether a request just handed out for `host` must report its start (`requestStarted`).
    func awaitsStart(host: String) -> Bool { (servers[server(of: host)]?.startsPending ?? 0) > 0 }

    /// A request handed out for a rate-limited host has actually started, at `now`.
    mutating func requestStarted(host: String, now: Duration) {
        let key = server(of: host)
        guard var server = servers[key], server.startsPending > 0 else { return }
        server.startsPending -= 1
        server.bucket.tokenUsed(at: now)
        servers[key] = server
        rescheduleHosts(of: key, now: now)
    }

    /// A request to `host` ended: frees its share of the server's concurrency.
    mutating func complete(host: String, now: Duration) {
        let key = server(of: host)
        if let own = slots[host]?.inFlight, own > 0 { slots[host]!.inFlight = own - 1 }
        guard var server = servers[key] else { return }
        server.inFlight = max(0, server.inFlight - 1)
        // A request that ends is no longer waiting to start (in case it never reported its start).
        server.startsPending = min(server.startsPending, server.inFlight)
        servers[key] = server
        // Its hosts may start again (the host itself is collected here when it is done).
        for sibling in server.hosts { scheduleIfEligible(sibling, now: now) }
        collectIfIdle(server: key, now: now)
    }

    /// Delays the next start of the host's server (Retry-After, backoff).
    mutating func delay(host: String, until instant: Duration, now: Duration) {
        let key = withServer(of: host, now: now) { $0.notBefore = max($0.notBefore, instant) }
        rescheduleHosts(of: key, now: now)
        collectIfIdle(server: key, now: now)
    }

    /// Sets the host's rate and burst (Crawl-delay, throttling); kept while the crawl runs. Its server
    /// runs at the tightest rate of its hosts.
    mutating func setRate(host: String, rate: Double, burst: Double, now: Duration) {
        let key = server(of: host)
        if rate == defaultRate, burst == defaultBurst {
            rateOverrides[key]?[host] = nil
            if rateOverrides[key]?.isEmpty == true { rateOverrides[key] = nil }
        } else {
            rateOverrides[key, default: [:]][host] = (rate, burst)
        }
        guard servers[key] != nil else { return }
        let (serverRate, serverBurst) = self.rate(server: key)
        servers[key]!.bucket.reconfigure(rate: serverRate, burst: serverBurst, now: now)
        rescheduleHosts(of: key, now: now)
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

    // MARK: - Slots and servers

    /// The rate and burst of a server: the tightest of its hosts' (a rate of 0 is unlimited).
    private func rate(server key: String) -> (rate: Double, burst: Double) {
        var rate = defaultRate, burst = defaultBurst
        for (hostRate, hostBurst) in (rateOverrides[key] ?? [:]).values {
            rate = rate == 0 ? hostRate : (hostRate == 0 ? rate : min(rate, hostRate))
            burst = min(burst, hostBurst)
        }
        return (rate, burst)
    }

    /// Applies `change` to the host's server, created if it has no state. Returns its key.
    @discardableResult
    private mutating func withServer(of host: String, now: Duration, _ change: (inout Server) -> Void) -> String {
        let key = slots[host]?.server ?? Self.serverKey(of: host)
        if servers[key] == nil {
            let (rate, burst) = self.rate(server: key)
            servers[key] = Server(bucket: TokenBucket(rate: rate, burst: burst, now: now))
        }
        change(&servers[key]!)
        return key
    }

    private mutating func withSlot(_ host: String, now: Duration, _ change: (inout HostSlot) -> Void) {
        if slots[host] == nil {
            let key = withServer(of: host, now: now) { $0.hosts.append(host) }
            slots[host] = HostSlot(server: key)
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

    /// Reschedules every host of a server whose limits changed, in turn order.
    private mutating func rescheduleHosts(of server: String, now: Duration) {
        guard let hosts = servers[server]?.hosts else { return }
        for host in hosts { reschedule(host, now: now) }
    }

    private mutating func scheduleIfEligible(_ host: String, now: Duration) {
        guard var slot = slots[host] else { return }
        if slot.queue.isEmpty {
            collectIfIdle(host, now: now)
            return
        }
        let hasWork = slot.isGated ? slot.queue.hasGateWork : true
        guard hasWork, slot.scheduledSequence == nil, let server = servers[slot.server],
              server.inFlight < hostConcurrency, server.startsPending == 0 else { return }
        sequence &+= 1
        slot.scheduledSequence = sequence
        slots[host] = slot
        ready.insert(ReadyEntry(readyAt: server.readyAt(now: now), sequence: sequence, host: host))
    }

    /// Drops the slot of a host with nothing queued and no gate closed, and then its server's state
    /// once nothing is in flight, its delays have passed and its bucket is full again (forgetting it
    /// earlier would let it start early; it is then collected at a later decision).
    private mutating func collectIfIdle(_ host: String, now: Duration) {
        guard let slot = slots[host], slot.queue.isEmpty, !slot.isGated, slot.inFlight == 0 else { return }
        slots[host] = nil
        servers[slot.server]?.hosts.removeAll { $0 == host }
        collectIfIdle(server: slot.server, now: now)
    }

    private mutating func collectIfIdle(server key: String, now: Duration) {
        guard let server = servers[key], server.hosts.isEmpty, server.inFlight == 0 else { return }
        let dueAt = max(server.notBefore, server.bucket.fullAt(now: now))
        if dueAt <= now {
            servers[key] = nil
        } else {
            idle.insert(IdleEntry(dueAt: dueAt, server: key))
        }
    }

    /// Drops the state of servers that stayed idle until their delay passed and their bucket refilled.
    /// A server that got work meanwhile is skipped; one that is idle but owed more time is re-filed.
    private mutating func sweepIdle(now: Duration) {
        while let top = idle.min, top.dueAt <= now {
            _ = idle.removeMin()
            collectIfIdle(server: top.server, now: now)
        }
    }
}
