import DequeModule

/// One host's queued work, breadth-first: a FIFO per depth, served from the shallowest non-empty
/// depth. Two lanes go first: the gate lane (the host's robots.txt fetch, which must finish before
/// anything else of the host starts) and the priority lane (work already started: redirect hops and
/// retries, so a URL in progress finishes promptly).
struct HostQueue<Item> {
    private var gate = Deque<Item>()
    private var priority = Deque<Item>()
    private var levels: [Deque<Item>] = []
    private var lowestNonEmpty = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    var hasGateWork: Bool { !gate.isEmpty }

    mutating func append(_ item: Item, depth: Int) {
        let level = max(0, depth)
        while levels.count <= level { levels.append(Deque()) }
        levels[level].append(item)
        lowestNonEmpty = min(lowestNonEmpty, level)
        count += 1
    }

    mutating func appendPriority(_ item: Item) {
        priority.append(item)
        count += 1
    }

    mutating func appendGate(_ item: Item) {
        gate.append(item)
        count += 1
    }

    /// The next item: gate work first; other work only when `gateOnly` is false.
    mutating func popFirst(gateOnly: Bool = false) -> Item? {
        if let item = gate.popFirst() {
            count -= 1
            return item
        }
        if gateOnly { return nil }
        if let item = priority.popFirst() {
            count -= 1
            return item
        }
        while lowestNonEmpty < levels.count {
            if let item = levels[lowestNonEmpty].popFirst() {
                count -= 1
                // A drained level gives its storage back (a deque keeps its capacity otherwise), so
                // the memory a level took at its peak can serve the levels after it.
                if levels[lowestNonEmpty].isEmpty { levels[lowestNonEmpty] = Deque() }
                return item
            }
            lowestNonEmpty += 1
        }
        return nil
    }

    /// Removes and returns the items (outside the gate lane) that match.
    mutating func removeAll(where shouldRemove: (Item) -> Bool) -> [Item] {
        var removed: [Item] = []
        func filter(_ lane: inout Deque<Item>) {
            var kept = Deque<Item>()
            for item in lane {
                if shouldRemove(item) { removed.append(item) } else { kept.append(item) }
            }
            lane = kept
        }
        filter(&priority)
        for index in levels.indices { filter(&levels[index]) }
        count -= removed.count
        return removed
    }

    /// Removes and returns everything queued (used when a host or the crawl is cancelled).
    mutating func removeAll() -> [Item] {
        var all = Array(gate)
        all.append(contentsOf: priority)
        for level in levels { all.append(contentsOf: level) }
        gate.removeAll()
        priority.removeAll()
        levels.removeAll()
        lowestNonEmpty = 0
        count = 0
        return all
    }
}
