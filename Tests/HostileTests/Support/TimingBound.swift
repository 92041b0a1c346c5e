import Foundation

/// Whether the suites run alone on the machine (`CRAWL_TIMING_TESTS=1`, as CI's timing step runs
/// them), and the wall-clock bounds that depend on it: the strict one alone, a wider one in the
/// parallel run, where other suites' crawls and servers share the two cores. (CrawlerCoreTests has
/// the same helper: the test targets share no Swift support module.)
enum TimingBound {
    static let isAlone = ProcessInfo.processInfo.environment["CRAWL_TIMING_TESTS"] == "1"

    static func wall(alone: Duration, parallel: Duration) -> Duration {
        isAlone ? alone : parallel
    }
}
