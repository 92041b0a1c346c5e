import Synchronization

/// The crawl's memory budget (`--memory-budget`): the most response-body bytes held at once, from the
/// first body byte received until the body has been parsed or discarded. Transfers ask for their
/// body's weight and wait (paused) until it is granted; see `WeightedSemaphore` for the fairness rule.
/// Safe from any thread; grant callbacks run outside the lock.
public final class ByteBudget: Sendable {
    private struct State {
        var semaphore: WeightedSemaphore
        var callbacks: [UInt64: @Sendable () -> Void] = [:]
        var maxHeld = 0
    }

    private let state: Mutex<State>
    public let capacity: Int

    public init(capacity: Int, maxOvertakes: Int = 16) {
        self.capacity = max(1, capacity)
        state = Mutex(State(semaphore: WeightedSemaphore(capacity: capacity, maxOvertakes: maxOvertakes)))
    }

    /// Bytes held now, and the most held at one moment so far.
    public var held: Int { state.withLock { $0.semaphore.held } }
    public var maxHeld: Int { state.withLock { $0.maxHeld } }

    /// Asks for `bytes`: true when granted now; otherwise `granted` runs once they are held.
    public func acquire(_ bytes: Int, ticket: UInt64, granted: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            if state.semaphore.acquire(bytes, ticket: ticket) {
                state.maxHeld = max(state.maxHeld, state.semaphore.held)
                return true
            }
            state.callbacks[ticket] = granted
            return false
        }
    }

    /// Withdraws a waiting request; false when it was already granted (the caller holds the bytes).
    public func withdraw(ticket: UInt64) -> Bool {
        let (removed, callbacks) = state.withLock { state in
            let (removed, granted) = state.semaphore.withdraw(ticket: ticket)
            if removed { state.callbacks[ticket] = nil }
            return (removed, Self.take(granted, from: &state))
        }
        callbacks.forEach { $0() }
        return removed
    }

    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let callbacks = state.withLock { state in
            Self.take(state.semaphore.release(bytes), from: &state)
        }
        callbacks.forEach { $0() }
    }

    private static func take(_ tickets: [UInt64], from state: inout State) -> [@Sendable () -> Void] {
        state.maxHeld = max(state.maxHeld, state.semaphore.held)
        return tickets.compactMap { state.callbacks.removeValue(forKey: $0) }
    }
}

/// Budget bytes held for one response body; released once, when the body has been used (parsed or
/// discarded), or at the latest when the last copy of the response goes away.
public final class BodyLease: Sendable {
    private let budget: ByteBudget
    public let bytes: Int
    private let released = Atomic<Bool>(false)

    public init(budget: ByteBudget, bytes: Int) {
        self.budget = budget
        self.bytes = bytes
    }

    public func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { budget.release(bytes) }
    }

    deinit {
        release()
    }
}
