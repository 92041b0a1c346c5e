import CrawlURL
import Synchronization
import Testing
@testable import CrawlerCore

/// The packed `FetchJob` keeps the plain semantics of the fields it packs.
@Suite("Fetch jobs")
struct FetchJobTests {
    private static func url(_ text: String) -> WebURL {
        guard let url = WebURL.parse(text) else { preconditionFailure("test URL \(text) does not parse") }
        return url
    }

    @Test func redirectStateIsAValue() {
        let origin = Self.url("http://a.test/start")
        var job = FetchJob(url: origin, fingerprint: URLFingerprint(rawValue: 1), depth: 3, parent: "http://a.test/")
        #expect(job.current.href == origin.href && job.hops.isEmpty && job.depth == 3)
        let before = job
        job.current = Self.url("http://a.test/next")
        job.hops.append(URLFingerprint(rawValue: 2))
        job.redirects += 1
        // The copy taken before the hop is untouched: the redirect box is replaced, never shared.
        #expect(before.current.href == origin.href && before.hops.isEmpty && before.redirects == 0)
        #expect(job.current.href == "http://a.test/next" && job.hops == [URLFingerprint(rawValue: 2)])
        #expect(job.origin.href == origin.href && job.redirects == 1)
        #expect(job.visited(URLFingerprint(rawValue: 1)) && job.visited(URLFingerprint(rawValue: 2)))
        #expect(!job.visited(URLFingerprint(rawValue: 3)))
        job.hops.append(URLFingerprint(rawValue: 3))
        #expect(job.current.href == "http://a.test/next" && job.hops.count == 2)
    }

    @Test func timesAndCountersRoundTrip() {
        var job = FetchJob(url: Self.url("http://a.test/"), fingerprint: URLFingerprint(rawValue: 1), depth: 0, parent: nil)
        #expect(job.startedAt == nil)
        job.startedAt = .zero
        #expect(job.startedAt == .zero)
        job.startedAt = .seconds(12) + .nanoseconds(345)
        #expect(job.startedAt == .seconds(12) + .nanoseconds(345))
        job.queuedAt = .milliseconds(-1500)  // crawl-clock instants before the start (cached robots)
        #expect(job.queuedAt == .milliseconds(-1500))
        job.rateWait += .milliseconds(250)
        job.rateWait += .microseconds(7)
        #expect(job.rateWait == .milliseconds(250) + .microseconds(7))
        job.startedAt = nil
        #expect(job.startedAt == nil)
        job.attempts += 1
        job.attempts += 1
        #expect(job.attempts == 2)
        job.attempts = 1_000_000  // clamped, never trapping
        #expect(job.attempts == Int(UInt16.max))
        let deep = FetchJob(url: Self.url("http://a.test/"), fingerprint: URLFingerprint(rawValue: 1), depth: Int.max, parent: nil)
        #expect(deep.depth == Int(Int32.max))
    }

    @Test func cancellationRunsItsHandlerOnce() {
        let cancellation = FetchCancellation()
        let calls = Counter()
        cancellation.onCancel { calls.increment() }
        #expect(!cancellation.isCancelled && calls.value == 0)
        cancellation.cancel()
        cancellation.cancel()
        #expect(cancellation.isCancelled && calls.value == 1)
        // Installed after the cancellation: runs at once.
        cancellation.onCancel { calls.increment() }
        #expect(calls.value == 2)
    }

    @Test func firstURLIndexNamesTheFirstPageWithABody() {
        var index = FirstURLIndex()
        #expect(index.firstURL(for: 7, recording: "http://a.test/one") == nil)
        #expect(index.firstURL(for: 8, recording: "http://a.test/two") == nil)
        #expect(index.firstURL(for: 7, recording: "http://a.test/three") == "http://a.test/one")
        #expect(index.firstURL(for: 8, recording: "http://a.test/four") == "http://a.test/two")
        #expect(index.firstURL(for: 7, recording: "http://a.test/five") == "http://a.test/one")
        for page in 0..<10_000 {
            #expect(index.firstURL(for: UInt64(100 + page), recording: "http://b.test/p\(page)") == nil)
        }
        #expect(index.firstURL(for: 100 + 9_999, recording: "x") == "http://b.test/p9999")
        #expect(index.firstURL(for: 100, recording: "x") == "http://b.test/p0")
        #expect(index.count == 10_002)
        let huge = String(repeating: "a", count: FirstURLIndex.maxURLBytes + 1)
        #expect(index.firstURL(for: 1, recording: huge) == nil)
        #expect(index.firstURL(for: 1, recording: "http://c.test/") == nil)  // the huge one was not kept
    }
}

/// A thread-safe call counter for handlers.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
