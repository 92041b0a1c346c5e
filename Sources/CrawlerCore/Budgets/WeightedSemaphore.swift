import DequeModule

/// A weighted semaphore over bytes: the state machine behind `ByteBudget`. A pure value.
///
/// Fairness: waiters are served in arrival order, except that a later request that fits may overtake
/// the waiting head at most `maxOvertakes` times; after that nothing is admitted until the head fits.
/// So a large body waits at most for `maxOvertakes` smaller ones plus the bytes already held to be
/// released (it cannot starve behind a stream of small ones), and small bodies are not all stuck behind
/// one large one either (up to that bound they pass it while it waits).
struct WeightedSemaphore {
    private struct Waiter {
        var ticket: UInt64
        var weight: Int
    }

    let capacity: Int
    let maxOvertakes: Int
    private(set) var available: Int
    private var waiters = Deque<Waiter>()
    /// Admissions that passed the current head of the queue.
    private var headOvertaken = 0

    init(capacity: Int, maxOvertakes: Int = 16) {
        self.capacity = max(1, capacity)
        self.maxOvertakes = max(0, maxOvertakes)
        available = self.capacity
    }

    var held: Int { capacity - available }

    /// Asks for `weight` (clamped to the capacity). Returns true when granted now; otherwise the
    /// request waits under `ticket`.
    mutating func acquire(_ weight: Int, ticket: UInt64) -> Bool {
        let weight = min(max(0, weight), capacity)
        if weight <= available, waiters.isEmpty || headOvertaken < maxOvertakes {
            if !waiters.isEmpty { headOvertaken += 1 }
            available -= weight
            return true
        }
        waiters.append(Waiter(ticket: ticket, weight: weight))
        return false
    }

    /// Gives `weight` back; returns the tickets granted as a result, in order.
    mutating func release(_ weight: Int) -> [UInt64] {
        available = min(capacity, available + max(0, weight))
        return grant()
    }

    /// Removes a waiting request. `removed` is false when no such ticket waits (it was granted, or
    /// never asked). A withdrawn request held nothing, so nothing is released; removing the head may
    /// let others in (`granted`).
    mutating func withdraw(ticket: UInt64) -> (removed: Bool, granted: [UInt64]) {
        guard let index = waiters.firstIndex(where: { $0.ticket == ticket }) else { return (false, []) }
        waiters.remove(at: index)
        if index == 0 { headOvertaken = 0 }
        return (true, grant())
    }

    private mutating func grant() -> [UInt64] {
        var granted: [UInt64] = []
        while let head = waiters.first, head.weight <= available {
            available -= head.weight
            waiters.removeFirst()
            headOvertaken = 0
            granted.append(head.ticket)
        }
        var index = 1
        while index < waiters.count, headOvertaken < maxOvertakes {
            if waiters[index].weight <= available {
                available -= waiters[index].weight
                granted.append(waiters.remove(at: index).ticket)
                headOvertaken += 1
            } else {
                index += 1
            }
        }
        return granted
    }
}
