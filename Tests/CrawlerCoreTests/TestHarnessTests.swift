import Foundation
import Synchronization
import Testing
import TestHarness

/// The test binary's harness (Tests/TestHarness): Swift Testing runs at most four test cases per core
/// at once, so the cooperative pool is not swamped and timing checks measure the crawler, not a queue.
@Suite("Test harness")
struct TestHarnessTests {
    static let width = Int(ProcessInfo.processInfo.environment["SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH"] ?? "") ?? 0
    static let running = Mutex((now: 0, most: 0))

    @Test func theWidthIsSetBeforeTheRunnerStarts() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let set = crawl_test_harness_parallel_width()
        // Set by the harness, or by the caller's environment (then the harness left it alone).
        #expect(set == 0 || set == cores * 4, "harness set \(set) on \(cores) cores")
        #expect(Self.width > 0)
        if set != 0 { #expect(Self.width == set) }
    }

    /// More cases than the width, each holding its slot for 50 ms: never more of them run at once than
    /// the width allows (without the limit, all 40 start together).
    @Test(.enabled(if: width > 0 && width < 40), .timeLimit(.minutes(1)), arguments: 0..<40)
    func noMoreCasesRunAtOnceThanTheWidth(_ index: Int) async throws {
        Self.running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
        try await Task.sleep(for: .milliseconds(50))
        let most = Self.running.withLock { state in
            state.now -= 1
            return state.most
        }
        #expect(most <= Self.width, "\(most) cases at once, width \(Self.width)")
    }
}
