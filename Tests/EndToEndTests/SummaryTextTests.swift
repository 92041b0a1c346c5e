import CrawlRuntime
@testable import CrawlerCore
import Testing

/// The closing line on a terminal: counts of one read as one ("1 URL", not "1 URLs").
@Suite struct SummaryTextTests {
    static func summary(records: Int, failures: Int, cancelled: [String], queued: Int) -> CrawlSummary {
        var statistics = CrawlStatistics()
        statistics.records = records
        statistics.failures = failures
        return CrawlSummary(
            stopReason: .nothingFetched, statistics: statistics, elapsed: .seconds(2), admitted: records,
            queuedAtStop: queued, maxFetchesInFlight: 1, maxParsesInFlight: 0, outputError: nil,
            budgetDetail: "no URL could be fetched: 1 timeout", hostsCancelled: cancelled,
            budget: CrawlSummary.BudgetState(settings: ErrorBudgetSettings(), attempts: 1, failures: 1, windowAttempts: 1, windowFailures: 1))
    }

    @Test func countsOfOneAreSingular() {
        let one = SummaryText.line(Self.summary(records: 1, failures: 1, cancelled: ["http://a.test:80"], queued: 1))
        #expect(one.hasPrefix("crawl: 1 URL in 2.00s"), "\(one)")
        #expect(one.contains("; 1 failure;") || one.hasSuffix("; 1 failure"), "\(one)")
        #expect(one.contains("; 1 host cancelled by its error budget"), "\(one)")
        #expect(one.contains("stopped: nothing_fetched (no URL could be fetched: 1 timeout)"), "\(one)")
        #expect(one.hasSuffix(", 1 queued URL left"), "\(one)")
        let two = SummaryText.line(Self.summary(records: 2, failures: 2, cancelled: ["http://a.test:80", "http://b.test:80"], queued: 2))
        #expect(two.hasPrefix("crawl: 2 URLs in"), "\(two)")
        #expect(two.contains("; 2 failures"), "\(two)")
        #expect(two.contains("; 2 hosts cancelled by their error budget"), "\(two)")
        #expect(two.hasSuffix(", 2 queued URLs left"), "\(two)")
        // A run with nothing due (`--state`) did not fail: "nothing fetched" would read as the stop
        // reason of one that did.
        var idle = Self.summary(records: 0, failures: 0, cancelled: [], queued: 0)
        idle.stopReason = .finished
        #expect(SummaryText.line(idle) == "crawl: 0 URLs in 2.00s (0 URLs/s), 0 B; no records")
    }
}
