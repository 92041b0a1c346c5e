import Testing
@testable import CrawlerCore

@Suite("HostScheduler")
struct HostSchedulerTests {
    private func drain(_ scheduler: inout HostScheduler<String>, now: Duration = .zero) -> [String] {
        var out: [String] = []
        while case .item(let item, _, _) = scheduler.next(now: now) { out.append(item) }
        return out
    }

    @Test func roundRobinAcrossHosts() {
        var scheduler = HostScheduler<String>(hostConcurrency: 100)
        for index in 0..<3 {
            scheduler.enqueue("a\(index)", host: "a", depth: 0, now: .zero)
            scheduler.enqueue("b\(index)", host: "b", depth: 0, now: .zero)
        }
        #expect(drain(&scheduler) == ["a0", "b0", "a1", "b1", "a2", "b2"])
        #expect(scheduler.queuedCount == 0)
    }

    @Test func breadthFirstWithinHost() {
        var scheduler = HostScheduler<String>(hostConcurrency: 100)
        scheduler.enqueue("deep", host: "a", depth: 3, now: .zero)
        scheduler.enqueue("shallow", host: "a", depth: 1, now: .zero)
        scheduler.enqueuePriority("redirect-hop", host: "a", now: .zero)
        #expect(drain(&scheduler) == ["redirect-hop", "shallow", "deep"])
    }

    @Test func hostConcurrencyCapHoldsUntilCompletion() {
        var scheduler = HostScheduler<String>(hostConcurrency: 2)
        for index in 0..<5 { scheduler.enqueue("a\(index)", host: "a", depth: 0, now: .zero) }
        scheduler.enqueue("b0", host: "b", depth: 0, now: .zero)
        #expect(drain(&scheduler) == ["a0", "b0", "a1"])
        #expect(scheduler.inFlight(host: "a") == 2)
        scheduler.complete(host: "a", now: .zero)
        #expect(drain(&scheduler) == ["a2"])
        #expect(scheduler.queuedCount == 2)
    }

    @Test func delayedHostDoesNotBlockOthers() {
        var scheduler = HostScheduler<String>(hostConcurrency: 10)
        scheduler.enqueue("slow0", host: "slow", depth: 0, now: .zero)
        scheduler.enqueue("fast0", host: "fast", depth: 0, now: .zero)
        scheduler.enqueue("fast1", host: "fast", depth: 0, now: .zero)
        scheduler.delay(host: "slow", until: .seconds(2), now: .zero)
        #expect(drain(&scheduler) == ["fast0", "fast1"])
        guard case .wait(let until) = scheduler.next(now: .seconds(1)) else {
            Issue.record("expected the slow host to be waiting")
            return
        }
        #expect(until == .seconds(2))
        #expect(drain(&scheduler, now: .seconds(2)) == ["slow0"])
    }

    @Test func idleHostsAreCollected() {
        var scheduler = HostScheduler<String>(hostConcurrency: 1)
        for index in 0..<1000 { scheduler.enqueue("x", host: "h\(index)", depth: 0, now: .zero) }
        #expect(scheduler.hostCount == 1000)
        var started: [String] = []
        while case .item(_, let host, _) = scheduler.next(now: .zero) { started.append(host) }
        for host in started { scheduler.complete(host: host, now: .zero) }
        #expect(started.count == 1000)
        #expect(scheduler.hostCount == 0)
    }

    @Test func drainAllEmptiesEverything() {
        var scheduler = HostScheduler<String>(hostConcurrency: 1)
        scheduler.enqueue("a0", host: "a", depth: 0, now: .zero)
        scheduler.enqueue("b0", host: "b", depth: 2, now: .zero)
        #expect(Set(scheduler.drainAll().map { "\($0.host):\($0.item)" }) == ["a:a0", "b:b0"])
        #expect(scheduler.queuedCount == 0)
        guard case .empty = scheduler.next(now: .zero) else {
            Issue.record("expected nothing to be ready")
            return
        }
    }

    /// A complexity guard, not a benchmark: popping must not copy the host's queue (copy-on-write
    /// through a dictionary copy made every pop O(queue length), so a host's crawl quadratic). Linear:
    /// well under a second here; quadratic: minutes.
    @Test func poppingAHostsLongQueueIsLinear() {
        var scheduler = HostScheduler<Int>(hostConcurrency: 1)
        let count = 100_000
        for index in 0..<count { scheduler.enqueue(index, host: "one", depth: 0, now: .zero) }
        let started = ContinuousClock.now
        var popped = 0
        while case .item = scheduler.next(now: .zero) {
            popped += 1
            scheduler.complete(host: "one", now: .zero)
        }
        #expect(popped == count)
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
