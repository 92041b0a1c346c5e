import CSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The poller under the transfer loop (`crawl_poller_*`, CSupport), on socket pairs: readiness, the
/// lazy removal of sockets curl stops watching, and wake-ups from another thread.
@Suite struct SocketPollerTests {
    /// A connected pair of stream sockets; closed by the caller.
    private func socketPair() throws -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        #if canImport(Glibc)
        let kind = Int32(SOCK_STREAM.rawValue)
        #else
        let kind = SOCK_STREAM
        #endif
        try #require(socketpair(AF_UNIX, kind, 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    private func send(_ fd: Int32) {
        var byte: UInt8 = 1
        #expect(write(fd, &byte, 1) == 1)
    }

    /// Waits once (at most `timeoutMs`) and returns the reported (fd, events).
    private func wait(_ poller: OpaquePointer, timeoutMs: Int32) -> [(fd: Int32, events: Int32)] {
        var ready = [crawl_poller_event](repeating: crawl_poller_event(), count: 8)
        let count = crawl_poller_wait(poller, &ready, 8, timeoutMs)
        #expect(count >= 0)
        return ready.prefix(Int(max(0, count))).map { ($0.fd, $0.events) }
    }

    @Test func readableSocketIsReportedUntilItIsNoLongerWatched() throws {
        let poller = try #require(crawl_poller_create())
        defer { crawl_poller_destroy(poller) }
        let (a, b) = try socketPair()
        defer { close(a); close(b) }

        #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_IN)) == 0)
        #expect(wait(poller, timeoutMs: 0).isEmpty, "nothing to read yet")
        send(b)
        let ready = wait(poller, timeoutMs: 1000)
        #expect(ready.count == 1)
        #expect(ready.first?.fd == a)
        #expect(ready.first.map { $0.events & Int32(CRAWL_POLLER_IN) != 0 } == true)
        // Level-triggered: still readable, still reported.
        #expect(wait(poller, timeoutMs: 0).map(\.fd) == [a])

        // No longer watched: not reported, though still readable (it stays in the epoll set until
        // this wait sees it and drops it).
        #expect(crawl_poller_watch(poller, a, 0) == 0)
        #expect(wait(poller, timeoutMs: 0).isEmpty)
        #expect(wait(poller, timeoutMs: 0).isEmpty)
        // Watched again: reported again.
        #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_IN)) == 0)
        #expect(wait(poller, timeoutMs: 0).map(\.fd) == [a])
    }

    @Test func writableAndReadableAreTold() throws {
        let poller = try #require(crawl_poller_create())
        defer { crawl_poller_destroy(poller) }
        let (a, b) = try socketPair()
        defer { close(a); close(b) }
        let both = Int32(CRAWL_POLLER_IN) | Int32(CRAWL_POLLER_OUT)
        #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_OUT)) == 0)
        #expect(wait(poller, timeoutMs: 0).map(\.events) == [Int32(CRAWL_POLLER_OUT)])
        // Changing what is watched on a known socket.
        send(b)
        #expect(crawl_poller_watch(poller, a, both) == 0)
        #expect(wait(poller, timeoutMs: 0).map(\.events) == [both])
        #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_IN)) == 0)
        #expect(wait(poller, timeoutMs: 0).map(\.events) == [Int32(CRAWL_POLLER_IN)])
    }

    @Test func aClosedSocketsNumberCanBeWatchedAgain() throws {
        // curl stops watching a socket (left in the set), then closes it; the kernel drops it from the
        // set, and the next socket may get the same number. Watching that one must work.
        let poller = try #require(crawl_poller_create())
        defer { crawl_poller_destroy(poller) }
        // The new socket takes the lowest free number, the closed one's, unless a test running in
        // parallel opens a descriptor in between: then try again (bounded).
        var exercised = false
        for _ in 0..<20 where !exercised {
            let (a, b) = try socketPair()
            #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_IN)) == 0)
            #expect(crawl_poller_watch(poller, a, 0) == 0)
            close(a)
            close(b)
            let (c, d) = try socketPair()
            defer { close(c); close(d) }
            #expect(crawl_poller_watch(poller, c, Int32(CRAWL_POLLER_IN)) == 0)
            send(d)
            #expect(wait(poller, timeoutMs: 1000).map(\.fd) == [c])
            #expect(crawl_poller_watch(poller, c, 0) == 0)
            exercised = c == a
        }
        #expect(exercised, "never got the closed socket's number back")
    }

    @Test func hangUpIsReportedAsBothDirections() throws {
        let poller = try #require(crawl_poller_create())
        defer { crawl_poller_destroy(poller) }
        let (a, b) = try socketPair()
        defer { close(a) }
        #expect(crawl_poller_watch(poller, a, Int32(CRAWL_POLLER_IN)) == 0)
        close(b)
        let both = Int32(CRAWL_POLLER_IN) | Int32(CRAWL_POLLER_OUT)
        #expect(wait(poller, timeoutMs: 1000).map(\.events) == [both])
    }

    @Test(.timeLimit(.minutes(1))) func wakeFromAnotherThreadEndsTheWait() async throws {
        let poller = try #require(crawl_poller_create())
        defer { crawl_poller_destroy(poller) }
        // @unchecked Sendable: the pointer goes to the two threads below, which only wait on it and
        // wake it (`crawl_poller_wake` may be called from any thread); it is destroyed after both end.
        struct Shared: @unchecked Sendable { let poller: OpaquePointer }
        let shared = Shared(poller: poller)
        // Both the blocking wait and the wake-up run on threads of their own: a wait on the
        // cooperative pool would hold one of its two threads here, stalling every other test (it did,
        // once, for five seconds).
        let (count, waited) = await withCheckedContinuation { (done: CheckedContinuation<(Int32, Duration), Never>) in
            // Resumed once both threads are over, so the poller is not destroyed under the waker.
            let finished = Mutex<(threads: Int, result: (Int32, Duration)?)>((2, nil))
            @Sendable func end(_ result: (Int32, Duration)?) {
                let outcome = finished.withLock { state -> (Int32, Duration)? in
                    if let result { state.result = result }
                    state.threads -= 1
                    return state.threads == 0 ? state.result : nil
                }
                if let outcome { done.resume(returning: outcome) }
            }
            let waiter = Thread {
                var ready = [crawl_poller_event](repeating: crawl_poller_event(), count: 8)
                let start = ContinuousClock.now
                let count = crawl_poller_wait(shared.poller, &ready, 8, 10_000)  // 10 s limit
                end((count, ContinuousClock.now - start))
            }
            let waker = Thread {
                usleep(100_000)
                crawl_poller_wake(shared.poller)
                end(nil)
            }
            waiter.start()
            waker.start()
        }
        // Woken, not timed out: zero events, after about the 100 ms the waker slept.
        #expect(count == 0)
        #expect(waited >= .milliseconds(90) && waited < .seconds(5), "waited \(waited)")
        // Consumed: the next wait times out at once.
        #expect(wait(poller, timeoutMs: 0).isEmpty)
    }
}
