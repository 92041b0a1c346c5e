import DequeModule

/// One host's queued work, breadth-first: a FIFO per depth, served from the shallowest non-empty
/// depth. Redirect hops (work already started) go to a priority lane so a chain finishes promptly.
struct HostQueue<Item> {
    private var priority = Deque<Item>()
    private var levels: [Deque<Item>] = []
    private var lowestNonEmpty = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

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

    mutating func popFirst() -> Item? {
        if let item = priority.popFirst() {
            count -= 1
            return item
        }
        while lowestNonEmpty < levels.count {
            if let item = levels[lowestNonEmpty].popFirst() {
                count -= 1
                return item
            }
            lowestNonEmpty += 1
        }
        return nil
    }

    /// Removes and returns everything queued (used when a host or the crawl is cancelled).
    mutating func removeAll() -> [Item] {
        var all = Array(priority)
        for level in levels { all.append(contentsOf: level) }
        priority.removeAll()
        levels.removeAll()
        lowestNonEmpty = 0
        count = 0
        return all
    }
}
