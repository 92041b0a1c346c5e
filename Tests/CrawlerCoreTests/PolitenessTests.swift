import RobotsTxt
import Testing
@testable import CrawlerCore

@Suite("Politeness: token buckets, the scheduler's limits, Retry-After, backoff")
struct PolitenessTests {
    @Test func tokenBucketAnswersWhenTheNextRequestMayStart() {
        var bucket = TokenBucket(rate: 5, burst: 2, now: .zero)
        #expect(bucket.nextAvailable(now: .zero) == .zero)
        bucket.take(now: .zero)
        bucket.take(now: .zero)  // the burst of 2 is spent
        #expect(bucket.nextAvailable(now: .zero) == .milliseconds(200))
        #expect(bucket.nextAvailable(now: .milliseconds(150)) == .milliseconds(200))
        bucket.take(now: .milliseconds(200))
        #expect(bucket.nextAvailable(now: .milliseconds(200)) == .milliseconds(400))
        // Idle for a long time: refills to the burst, not beyond.
        #expect(bucket.fullAt(now: .milliseconds(200)) == .milliseconds(600))
        #expect(bucket.nextAvailable(now: .seconds(10)) == .seconds(10))
        var unlimited = TokenBucket(rate: 0, burst: 1)
        unlimited.take(now: .zero)
        unlimited.take(now: .zero)
        #expect(unlimited.nextAvailable(now: .zero) == .zero)
    }

    @Test func tokenBucketReconfigureKeepsItsLevel() {
        var bucket = TokenBucket(rate: 10, burst: 1, now: .zero)
        bucket.take(now: .zero)
        bucket.reconfigure(rate: 0.5, burst: 1, now: .zero)  // e.g. Crawl-delay: 2
        #expect(bucket.nextAvailable(now: .zero) == .seconds(2))
    }

    /// A rate set after a request (a Crawl-delay read from the robots.txt just fetched) spaces the
    /// next request from that one, even when the bucket was unlimited or had tokens to spare.
    @Test func aTighterRateCountsTheRequestBeforeIt() {
        func near(_ instant: Duration, _ expected: Duration) -> Bool {
            abs((instant - expected).seconds) < 1e-6 || instant == expected
        }
        var unlimited = TokenBucket(rate: 0, burst: 1, now: .zero)
        unlimited.take(now: .milliseconds(100))  // the robots.txt request
        unlimited.reconfigure(rate: 0.5, burst: 1, now: .milliseconds(300))
        #expect(near(unlimited.nextAvailable(now: .milliseconds(300)), .milliseconds(2100)))

        var generous = TokenBucket(rate: 10, burst: 4, now: .zero)
        generous.take(now: .zero)  // 3 tokens left, and a full bucket again by 200 ms
        generous.tokenUsed(at: .milliseconds(50))  // the request really started at 50 ms
        generous.reconfigure(rate: 1, burst: 1, now: .milliseconds(200))
        #expect(near(generous.nextAvailable(now: .milliseconds(200)), .milliseconds(1050)))

        // A bucket that never served a request keeps its level.
        var fresh = TokenBucket(rate: 0, burst: 1, now: .zero)
        fresh.reconfigure(rate: 0.5, burst: 1, now: .zero)
        #expect(fresh.nextAvailable(now: .zero) == .zero)
        // A looser rate is not held back further than the level it carries over.
        var recovering = TokenBucket(rate: 1, burst: 1, now: .zero)
        recovering.take(now: .zero)
        recovering.reconfigure(rate: 10, burst: 3, now: .milliseconds(100))
        #expect(near(recovering.nextAvailable(now: .milliseconds(100)), .milliseconds(190)))
    }

    @Test func schedulerSpacesEachHostByItsRateAndServesOthersMeanwhile() {
        var scheduler = HostScheduler<String>(hostConcurrency: 10, rate: 5, burst: 1)
        for index in 0..<3 {
            scheduler.enqueue("a\(index)", host: "a", depth: 0, now: .zero)
            scheduler.enqueue("b\(index)", host: "b", depth: 0, now: .zero)
        }
        let started = scheduler.startAll()
        #expect(started.map(\.0) == ["a0", "b0", "a1", "b1", "a2", "b2"])
        #expect(started.map(\.1) == [.zero, .zero, .milliseconds(200), .milliseconds(200), .milliseconds(400), .milliseconds(400)])
    }

    @Test func aLateStartPushesTheHostsNextToken() {
        var scheduler = HostScheduler<String>(hostConcurrency: 4, rate: 10, burst: 1)
        scheduler.enqueue("first", host: "a", depth: 0, now: .zero)
        scheduler.enqueue("second", host: "a", depth: 0, now: .zero)
        guard case .item("first", _, _) = scheduler.next(now: .zero) else {
            Issue.record("expected the first request")
            return
        }
        #expect(scheduler.awaitsStart(host: "a"))
        // Until the first request has really started, the host gets no further token.
        guard case .empty = scheduler.next(now: .milliseconds(500)) else {
            Issue.record("a host with a request not yet started must wait for it")
            return
        }
        scheduler.requestStarted(host: "a", now: .milliseconds(500))
        // The next token is 1/rate after the real start (500 ms), not after the dispatch (0 ms).
        guard case .wait(let until) = scheduler.next(now: .milliseconds(500)) else {
            Issue.record("expected a wait")
            return
        }
        #expect(until == .milliseconds(600))
    }

    @Test func gatedHostStartsOnlyItsGateWorkUntilOpened() {
        var scheduler = HostScheduler<String>(hostConcurrency: 4)
        scheduler.enqueue("page", host: "a", depth: 0, now: .zero)
        scheduler.enqueueGate("robots", host: "a", now: .zero)
        scheduler.enqueuePriority("hop", host: "a", now: .zero)
        guard case .item("robots", _, _) = scheduler.next(now: .zero) else {
            Issue.record("the gate work must go first")
            return
        }
        guard case .empty = scheduler.next(now: .zero) else {
            Issue.record("nothing else may start while the gate is closed")
            return
        }
        let removed = scheduler.removeQueued(host: "a", now: .zero) { $0 == "page" }
        #expect(removed == ["page"])
        scheduler.openGate(host: "a", now: .zero)
        guard case .item("hop", _, _) = scheduler.next(now: .zero) else {
            Issue.record("an opened gate lets queued work through")
            return
        }
        #expect(scheduler.queuedCount == 0)
    }

    @Test func explicitDelayAndRateOverridesSurviveIdleness() {
        var scheduler = HostScheduler<String>(hostConcurrency: 1, rate: 0, burst: 1)
        scheduler.setRate(host: "slow", rate: 0.5, burst: 1, now: .zero)
        scheduler.enqueue("x", host: "slow", depth: 0, now: .zero)
        guard case .item = scheduler.next(now: .zero) else {
            Issue.record("expected the first request to start")
            return
        }
        scheduler.complete(host: "slow", now: .milliseconds(10))
        // The host is idle but its bucket is empty: its slot must not be forgotten yet.
        #expect(scheduler.hostCount == 1)
        scheduler.enqueue("y", host: "slow", depth: 0, now: .milliseconds(20))
        guard case .wait(let until) = scheduler.next(now: .milliseconds(20)) else {
            Issue.record("expected the Crawl-delay to hold the host")
            return
        }
        #expect(until == .seconds(2))
        // Once idle past its refill, the slot is collected, and the override still applies later.
        guard case .item = scheduler.next(now: .seconds(2)) else { return }
        scheduler.complete(host: "slow", now: .seconds(2))
        _ = scheduler.next(now: .seconds(10))
        #expect(scheduler.hostCount == 0)
        #expect(scheduler.rate(host: "slow").rate == 0.5)
    }

    @Test func retryAfterValues() {
        let now = 1_000_000_000.0  // 2001-09-09T01:46:40Z
        #expect(RetryAfter.delay("2", nowSinceEpoch: now) == .seconds(2))
        #expect(RetryAfter.delay(" 120 ", nowSinceEpoch: now) == .seconds(120))
        #expect(RetryAfter.delay("-5", nowSinceEpoch: now) == nil)
        #expect(RetryAfter.delay("soon", nowSinceEpoch: now) == nil)
        #expect(RetryAfter.delay("", nowSinceEpoch: now) == nil)
        #expect(RetryAfter.delay("99999999999999999999", nowSinceEpoch: now) == .seconds(999_999_999))
        #expect(RetryAfter.delay("Sun, 09 Sep 2001 01:46:50 GMT", nowSinceEpoch: now) == .seconds(10))
        #expect(RetryAfter.delay("Sunday, 09-Sep-01 01:47:40 GMT", nowSinceEpoch: now) == .seconds(60))
        #expect(RetryAfter.delay("Sun Sep  9 01:46:45 2001", nowSinceEpoch: now) == .seconds(5))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", nowSinceEpoch: now) == nil)  // past: default backoff
        #expect(RetryAfter.delay("Sun, 32 Nov 1994 08:49:37 GMT", nowSinceEpoch: now) == nil)
        #expect(HTTPDate.secondsSinceEpoch("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
    }

    @Test func throttlingHalvesTheRateAndRecoversSlowly() {
        var politeness = HostPoliteness(settings: PolitenessSettings(hostRate: 8, hostBurst: 4, retryBaseDelay: .seconds(1), maxRetryDelay: .seconds(30)))
        #expect(politeness.rate(host: "h") == (8, 4))
        let first = politeness.throttled(host: "h", retryAfter: .seconds(2), jitter: 1)
        #expect(first == .seconds(2))
        #expect(politeness.rate(host: "h") == (4, 1))
        let second = politeness.throttled(host: "h", retryAfter: nil, jitter: 1)
        #expect(second == .seconds(2))  // 2nd in a row without Retry-After: 2^1 s
        let third = politeness.throttled(host: "h", retryAfter: .seconds(3600), jitter: 1)
        #expect(third == .seconds(30))  // capped
        #expect(politeness.rate(host: "h").rate == 1)
        let changed = politeness.succeeded(host: "h")
        #expect(changed)
        #expect(politeness.rate(host: "h").rate == 8 * (1.0 / 8 + 1.0 / 16))
        for _ in 0..<20 { _ = politeness.succeeded(host: "h") }
        #expect(politeness.rate(host: "h") == (8, 4))
        #expect(politeness.backoff(attempt: 3, jitter: 1.5) == .seconds(6))
    }

    @Test func robotsVerdicts() {
        var politeness = HostPoliteness(settings: PolitenessSettings(maxCrawlDelay: 5, robotsRetries: 1))
        guard case .needsRobots = politeness.verdict(host: "h", path: "/a", now: .zero) else {
            Issue.record("the first URL of a host needs its robots.txt")
            return
        }
        guard case .pending = politeness.verdict(host: "h", path: "/b", now: .zero) else {
            Issue.record("later URLs wait for the fetch in flight")
            return
        }
        let rules = RobotsTxt(parsing: "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n").rules(for: "crawl")
        let accepted = politeness.robotsFetched(host: "h", rules: rules, now: .zero)
        #expect(accepted)
        guard case .refused(.robotsDisallowed) = politeness.verdict(host: "h", path: "/private/x", now: .zero),
              case .allowed = politeness.verdict(host: "h", path: "/public", now: .zero) else {
            Issue.record("rules must be applied")
            return
        }
        #expect(politeness.rate(host: "h") == (0.5, 1))
        // Rules are trusted for 24 hours, then fetched again.
        guard case .needsRobots = politeness.verdict(host: "h", path: "/public", now: .seconds(86_401)) else {
            Issue.record("expired rules must be fetched again")
            return
        }
        // Unreachable: one retry, then the host is given up.
        _ = politeness.verdict(host: "down", path: "/", now: .zero)
        let retryIn = politeness.robotsFailed(host: "down", jitter: 1)
        #expect(retryIn == .seconds(1))
        let givenUp = politeness.robotsFailed(host: "down", jitter: 1)
        #expect(givenUp == nil)
        guard case .refused(.robotsUnreachable) = politeness.verdict(host: "down", path: "/", now: .zero) else {
            Issue.record("an unreachable robots.txt disallows everything")
            return
        }
        let slow = RobotsTxt(parsing: "User-agent: *\nCrawl-delay: 60\n").rules(for: "crawl")
        _ = politeness.verdict(host: "slow", path: "/", now: .zero)
        let slowAccepted = politeness.robotsFetched(host: "slow", rules: slow, now: .zero)
        #expect(!slowAccepted)
    }
}
