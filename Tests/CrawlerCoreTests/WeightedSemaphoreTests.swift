import Synchronization
import Testing
@testable import CrawlerCore

/// A reference wrapper so `#expect` can call the semaphore's mutating methods.
final class SemaphoreBox {
    var semaphore: WeightedSemaphore
    init(capacity: Int, maxOvertakes: Int = 16) { semaphore = WeightedSemaphore(capacity: capacity, maxOvertakes: maxOvertakes) }
    func acquire(_ weight: Int, ticket: UInt64) -> Bool { semaphore.acquire(weight, ticket: ticket) }
    func release(_ weight: Int) -> [UInt64] { semaphore.release(weight) }
    func withdraw(ticket: UInt64) -> (removed: Bool, granted: [UInt64]) { semaphore.withdraw(ticket: ticket) }
    var held: Int { semaphore.held }
    var available: Int { semaphore.available }
}

@Suite("Weighted semaphore and byte budget")
struct WeightedSemaphoreTests {
    @Test func grantsWhileThereIsRoomAndQueuesTheRest() {
        let semaphore = SemaphoreBox(capacity: 10)
        #expect(semaphore.acquire(6, ticket: 1))
        #expect(!semaphore.acquire(6, ticket: 2))
        #expect(semaphore.held == 6)
        #expect(semaphore.release(6) == [2])
        #expect(semaphore.held == 6)
        #expect(semaphore.release(6) == [])
        #expect(semaphore.available == 10)
    }

    @Test func smallRequestsMayOvertakeAWaitingLargeOneOnlyABoundedNumberOfTimes() {
        let semaphore = SemaphoreBox(capacity: 10, maxOvertakes: 2)
        #expect(semaphore.acquire(5, ticket: 1))
        #expect(!semaphore.acquire(8, ticket: 2))  // large: waits
        #expect(semaphore.acquire(1, ticket: 3))   // small ones pass it...
        #expect(semaphore.acquire(1, ticket: 4))
        #expect(!semaphore.acquire(1, ticket: 5))  // ...but only twice: then they queue behind it
        // The large one goes first as soon as it fits (8 free), then the small one queued behind it.
        #expect(semaphore.release(5) == [2])
        #expect(semaphore.release(1) == [5])
        #expect(semaphore.held == 10)
    }

    @Test func smallWaitersPassAHeadThatDoesNotFitOnRelease() {
        let semaphore = SemaphoreBox(capacity: 10, maxOvertakes: 4)
        #expect(semaphore.acquire(10, ticket: 1))
        #expect(!semaphore.acquire(10, ticket: 2))
        #expect(!semaphore.acquire(2, ticket: 3))
        #expect(!semaphore.acquire(2, ticket: 4))
        // 4 bytes back: the head (10) does not fit, the two small ones do.
        #expect(semaphore.release(4) == [3, 4])
    }

    @Test func withdrawingAWaiterReleasesNothingItDidNotHold() {
        let semaphore = SemaphoreBox(capacity: 10, maxOvertakes: 0)
        #expect(semaphore.acquire(4, ticket: 1))
        #expect(!semaphore.acquire(9, ticket: 2))
        #expect(!semaphore.acquire(3, ticket: 3))  // behind the head (no overtaking)
        let (removed, granted) = semaphore.withdraw(ticket: 2)
        #expect(removed)
        #expect(granted == [3])  // the head left: the next one fits
        #expect(semaphore.held == 7)
        #expect(semaphore.withdraw(ticket: 3).removed == false)  // already granted: not a waiter
        #expect(semaphore.withdraw(ticket: 99).removed == false)
    }

    @Test func byteBudgetCallsBackOutsideItsLockAndTracksTheHighWaterMark() {
        let budget = ByteBudget(capacity: 100)
        let granted = Mutex<[UInt64]>([])
        #expect(budget.acquire(70, ticket: 1) { granted.withLock { $0.append(1) } })
        #expect(!budget.acquire(50, ticket: 2) {
            // Calling back into the budget from the callback must not deadlock.
            _ = budget.held
            granted.withLock { $0.append(2) }
        })
        budget.release(70)
        #expect(granted.withLock { $0 } == [2])
        #expect(budget.held == 50)
        #expect(budget.maxHeld == 70)
        let lease = BodyLease(budget: budget, bytes: 50)
        lease.release()
        lease.release()  // once only
        #expect(budget.held == 0)
    }
}
