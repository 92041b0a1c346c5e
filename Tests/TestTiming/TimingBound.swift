import Foundation

/// Whether the timing-sensitive suites run alone on the machine (`CRAWL_TIMING_TESTS=1`, as CI's
/// timing step runs them), and the wall-clock bounds that depend on it: the strict one alone, a wider
/// one in the parallel run, where other suites' crawls and servers share the two cores, yet still
/// short of what the failure it guards against would take (a stop that waits for a 30 s transfer, a
/// crawl that runs all of its work).
public enum TimingBound {
    public static let isAlone = ProcessInfo.processInfo.environment["CRAWL_TIMING_TESTS"] == "1"

    public static func wall(alone: Duration, parallel: Duration) -> Duration {
        isAlone ? alone : parallel
    }
}
