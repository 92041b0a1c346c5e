import CrawlerCore
import CrawlURL

/// Starting and ending runs: crash recovery, re-crawl scheduling, loading the seen set.
extension StateSession {
    struct RunStart {
        var seen: SeenSet
        var robots: [CachedRobots]
        var queued: Int
        var firstSequence: Int64
        var report: RunStartReport
    }

    func beginRun(id: String, output: String?, recrawlAfterMs: Int64?, nowMs: Int64) throws -> RunStart {
        var report = RunStartReport()
        try recoverCrashedRuns(nowMs: nowMs, report: &report)
        if let recrawlAfterMs {
            let due = try db.prepare("UPDATE urls SET state = 0 WHERE state = 1 AND fetched_at <= ?")
            try due.run(.integer(nowMs - recrawlAfterMs))
            report.dueForRecrawl = Int(db.changes)
        }
        let known = Int(try db.integer("SELECT (SELECT count(*) FROM urls) + (SELECT count(*) FROM aliases)") ?? 0)
        var seen = SeenSet(minimumCapacity: max(1024, known + known / 4))
        let all = try db.prepare("SELECT fp FROM urls UNION ALL SELECT fp FROM aliases")
        while try all.step() {
            seen.insert(URLFingerprint(rawValue: UInt64(bitPattern: all.int64(0))))
        }
        report.knownURLs = seen.count
        let queued = Int(try db.integer("SELECT count(*) FROM urls WHERE state = 0") ?? 0)
        report.queued = queued
        let firstSequence = (try db.integer("SELECT COALESCE(max(seq), 0) + 1 FROM urls")) ?? 1
        report.earlierRuns = Int(try db.integer("SELECT count(*) FROM runs") ?? 0)
        // RFC 9309 2.4: a robots.txt may be cached for up to 24 hours.
        var robots: [CachedRobots] = []
        let cached = try db.prepare("SELECT host, body, fetched_at FROM robots WHERE fetched_at > ?")
        try cached.bind(.integer(nowMs - 24 * 3_600_000))
        while try cached.step() {
            robots.append(CachedRobots(host: cached.text(0) ?? "", body: cached.blob(1), ageMs: nowMs - cached.int64(2)))
        }
        report.cachedRobots = robots.count
        let insert = try db.prepare("INSERT INTO runs(id, started_at, output) VALUES (?, ?, ?)")
        try insert.run(.text(id), .integer(nowMs), .optional(output))
        runID = id
        return RunStart(seen: seen, robots: robots, queued: queued, firstSequence: firstSequence, report: report)
    }

    func endRun(exitCode: Int32, stopReason: String, nowMs: Int64) throws {
        let update = try db.prepare("UPDATE runs SET ended_at = ?, exit_code = ?, stop_reason = ? WHERE id = ?")
        try update.run(.integer(nowMs), .integer(Int64(exitCode)), .text(stopReason), .text(runID))
    }

    /// Runs that never ended (killed, crashed, power lost): their output past the committed offset is
    /// read back, so what they recorded counts as done, and a torn last line is cut off.
    private func recoverCrashedRuns(nowMs: Int64, report: inout RunStartReport) throws {
        let crashed = try db.prepare("SELECT id, output, output_bytes, started_at FROM runs WHERE ended_at IS NULL")
        var runs: [(id: String, output: String?, committed: Int64, startedAt: Int64)] = []
        while try crashed.step() {
            runs.append((crashed.text(0) ?? "", crashed.text(1), crashed.int64(2), crashed.int64(3)))
        }
        let close = try db.prepare("UPDATE runs SET ended_at = ?, stop_reason = 'crashed', output_bytes = ? WHERE id = ?")
        for run in runs {
            var bytes = run.committed
            if let output = run.output {
                let recovered = try OutputRecovery.reconcile(path: output, committedBytes: run.committed)
                runID = run.id
                for record in recovered.records {
                    try apply(mark(for: record, fetchedAtMs: run.startedAt))
                }
                report.recoveredRecords += recovered.records.count
                report.truncatedBytes += recovered.truncatedBytes
                bytes = max(bytes, recovered.fileBytes)
            }
            try close.run(.integer(nowMs), .integer(bytes), .text(run.id))
            report.crashedRuns.append(run.id)
        }
    }

    private func mark(for record: OutputRecovery.Record, fetchedAtMs: Int64) -> JournalMark {
        var hops: [URLFingerprint] = []
        if let final = record.finalURL.flatMap({ WebURL.parse($0) }) {
            let hop = URLFingerprint(key: final.dedupKey)
            if hop != URLFingerprint(key: record.dedupKey) { hops.append(hop) }
        }
        return JournalMark(
            fingerprint: URLFingerprint(key: record.dedupKey), hops: hops,
            disposition: JournalMark.disposition(for: record.outcome), status: record.status, outcome: record.outcome,
            fetchedAtMs: fetchedAtMs, contentHash: record.contentHash)
    }
}

/// What a run found when it opened the state.
public struct RunStartReport: Sendable {
    /// URLs the state knows (admitted by earlier runs, or reached through their redirects).
    public var knownURLs = 0
    /// URLs waiting: queued, in flight when an earlier run stopped, or due for a re-fetch.
    public var queued = 0
    public var dueForRecrawl = 0
    public var earlierRuns = 0
    /// robots.txt files reused from earlier runs (fetched less than 24 hours ago).
    public var cachedRobots = 0
    /// Runs that had died without ending, and what their output files gave back.
    public var crashedRuns: [String] = []
    public var recoveredRecords = 0
    public var truncatedBytes = 0
}
