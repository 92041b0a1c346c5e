import CrawlerCore

extension StateStore {
    /// Starts a run: reconciles runs that died, queues pages due for a re-fetch (`recrawlAfterMs`),
    /// loads the seen set, and registers the run and its output file (nil: standard output).
    public func beginRun(
        id: String, output: String?, recrawlAfterMs: Int64?, nowMs: Int64, memoryQueueLimit: Int = 10_000
    ) async throws -> (ResumePlan, RunStartReport) {
        let start = try await perform { session in
            try session.beginRun(id: id, output: output, recrawlAfterMs: recrawlAfterMs, nowMs: nowMs)
        }
        var plan = ResumePlan(
            journal: self, seen: start.seen, queuedInStore: start.queued, firstSequence: start.firstSequence,
            memoryQueueLimit: memoryQueueLimit)
        plan.robots = start.robots
        return (plan, start.report)
    }

    /// Ends the run (after its output was flushed and closed), recording how it ended.
    public func endRun(exitCode: Int32, stopReason: String, nowMs: Int64) async throws {
        try await perform { session in
            try session.endRun(exitCode: exitCode, stopReason: stopReason, nowMs: nowMs)
        }
        if let failure { throw failure }
    }
}
