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

    /// `http://` and `https://` of one host name and port are one server: one concurrency cap, one
    /// token bucket, one delay; each keeps its own queue and robots.txt gate. Another port is another
    /// server.
    @Test func theSchemesOfOneServerShareItsLimits() {
        #expect(HostScheduler<String>.serverKey(of: "https://a.test") == "a.test")
        #expect(HostScheduler<String>.serverKey(of: "http://a.test:80") == "a.test")
        #expect(HostScheduler<String>.serverKey(of: "https://a.test:443") == "a.test")
        #expect(HostScheduler<String>.serverKey(of: "http://a.test:443") == "a.test:443")
        #expect(HostScheduler<String>.serverKey(of: "https://a.test:80") == "a.test:80")
        #expect(HostScheduler<String>.serverKey(of: "http://a.test:8080") == "a.test:8080")
        #expect(HostScheduler<String>.serverKey(of: "http://[::1]:80") == "[::1]")
        #expect(HostScheduler<String>.serverKey(of: "http://127.0.0.1:18080") == "127.0.0.1:18080")
        #expect(HostScheduler<String>.serverKey(of: "a") == "a")

        var capped = HostScheduler<String>(hostConcurrency: 1)
        capped.enqueue("plain", host: "http://a.test", depth: 0, now: .zero)
        capped.enqueue("secure", host: "https://a.test", depth: 0, now: .zero)
        capped.enqueue("other port", host: "https://a.test:8443", depth: 0, now: .zero)
        #expect(drain(&capped) == ["plain", "other port"])
        #expect(capped.inFlight(host: "https://a.test") == 1)
        capped.complete(host: "http://a.test", now: .zero)
        #expect(drain(&capped) == ["secure"])

        var paced = HostScheduler<String>(hostConcurrency: 10, rate: 5, burst: 1)
        for index in 0..<2 {
            paced.enqueue("http\(index)", host: "http://a.test", depth: 0, now: .zero)
            paced.enqueue("https\(index)", host: "https://a.test", depth: 0, now: .zero)
        }
        let started = paced.startAll(reportingStarts: true)
        #expect(started.map(\.0) == ["http0", "https0", "http1", "https1"])
        #expect(started.map(\.1) == [.zero, .milliseconds(200), .milliseconds(400), .milliseconds(600)])

        // A delay (a 429 on one scheme) holds the other; a gate (robots.txt) does not.
        var gated = HostScheduler<String>(hostConcurrency: 10)
        gated.enqueueGate("robots", host: "https://a.test", now: .zero)
        gated.enqueue("secure page", host: "https://a.test", depth: 0, now: .zero)
        gated.enqueue("plain page", host: "http://a.test", depth: 0, now: .zero)
        #expect(drain(&gated) == ["robots", "plain page"])
        gated.delay(host: "http://a.test", until: .seconds(1), now: .zero)
        gated.openGate(host: "https://a.test", now: .zero)
        guard case .wait(let until) = gated.next(now: .zero) else {
            Issue.record("the delay of one scheme must hold the other")
            return
        }
        #expect(until == .seconds(1))
        #expect(drain(&gated, now: .seconds(1)) == ["secure page"])
    }

    /// A server runs at the tightest rate its hosts were given (a Crawl-delay in either robots.txt).
    @Test func aServerRunsAtItsHostsTightestRate() {
        var scheduler = HostScheduler<String>(hostConcurrency: 10, rate: 0, burst: 1)
        scheduler.setRate(host: "https://a.test", rate: 0.5, burst: 1, now: .zero)
        scheduler.enqueue("first", host: "http://a.test", depth: 0, now: .zero)
        scheduler.enqueue("second", host: "http://a.test", depth: 0, now: .zero)
        #expect(drain(&scheduler) == ["first"])
        scheduler.requestStarted(host: "http://a.test", now: .zero)
        guard case .wait(let until) = scheduler.next(now: .zero) else {
            Issue.record("https's Crawl-delay must pace http too")
            return
        }
        #expect(until == .seconds(2))
        #expect(scheduler.rate(host: "http://a.test") == (0, 1))
        #expect(scheduler.rate(host: "https://a.test") == (0.5, 1))
        scheduler.setRate(host: "https://a.test", rate: 0, burst: 1, now: .zero)
        #expect(drain(&scheduler) == ["second"])
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

extension HostScheduler {
    /// Starts everything queued on a manual clock that jumps to each `.wait`, completing each request
    /// at once (and reporting its start first, when asked); returns the items with their start times.
    mutating func startAll(reportingStarts: Bool = false, steps: Int = 20) -> [(Item, Duration)] {
        var started: [(Item, Duration)] = []
        var now = Duration.zero
        for _ in 0..<steps {
            switch next(now: now) {
            case .item(let item, let host, _):
                started.append((item, now))
                if reportingStarts { requestStarted(host: host, now: now) }
                complete(host: host, now: now)
            case .wait(let until):
                guard until > now else {
                    Issue.record("a wait must lie ahead (\(until) at \(now))")
                    return started
                }
                now = until
            case .empty:
                return started
            }
        }
        return started
    }
}
