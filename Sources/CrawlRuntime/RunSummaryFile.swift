import CrawlReport
import CrawlerCore
import Foundation

/// The JSON summary written next to the output (`<output>.summary.json`) at the end of a run, for
/// cron wrappers and monitoring. Written atomically (`AtomicFile`), so a reader never sees half.
public enum RunSummaryFile {
    /// Where the summary of a run writing to `output` goes: next to it, when it is a regular file (not
    /// standard output, a pipe or a device).
    public static func path(forOutput output: String) -> String? {
        guard output != "-" else { return nil }
        var info = stat()
        guard stat(output, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return output + ".summary.json"
    }

    /// `recordsWritten`: the records the output holds, when fewer than the crawl's (a write failed);
    /// nil when it holds them all.
    public static func object(
        _ summary: CrawlSummary, output: String, exitCode: Int32, memoryBudget: ByteBudget? = nil,
        recordsWritten: Int? = nil, endedAt: Date
    ) -> SummaryJSON {
        let stats = summary.statistics
        let startedAt = endedAt.addingTimeInterval(-summary.elapsed.seconds)
        let budget = summary.budget
        return .object([
            "schema_version": .int(1),
            "output": .string(output),
            "started_at": .string(RFC3339.format(millisecondsSinceEpoch: Int64(startedAt.timeIntervalSince1970 * 1000))),
            "ended_at": .string(RFC3339.format(millisecondsSinceEpoch: Int64(endedAt.timeIntervalSince1970 * 1000))),
            "elapsed_s": .double((summary.elapsed.seconds * 1000).rounded() / 1000),
            "stop_reason": .string(summary.stopReason.rawValue),
            "stop_detail": .stringOrNull(summary.budgetDetail ?? summary.outputError),
            "exit_code": .int(Int(exitCode)),
            "records": .int(stats.records),
            "records_written": .int(recordsWritten ?? stats.records),
            "by_outcome": .counts(Dictionary(uniqueKeysWithValues: stats.recordsByOutcome.map { ($0.key.rawValue, $0.value) })),
            "by_status_class": .counts(stats.recordsByStatusClass),
            "failures": .int(stats.failures),
            "bytes": .int(stats.bodyBytes),
            "pages_per_second": .double((summary.pagesPerSecond * 10).rounded() / 10),
            "admitted": .int(summary.admitted),
            "queued_at_stop": .int(summary.queuedAtStop),
            "hosts": .object(stats.hosts.mapValues { .counts(["records": $0.records, "failures": $0.failures]) }),
            "hosts_cancelled": .strings(summary.hostsCancelled),
            "budget": .object([
                "host_max_errors": .intOrNull(budget.settings.hostMaxErrors),
                "max_errors": .intOrNull(budget.settings.maxErrors),
                "max_error_rate": .doubleOrNull(budget.settings.maxErrorRate),
                "error_window": .int(budget.settings.errorWindow),
                "attempts": .int(budget.attempts),
                "failures": .int(budget.failures),
                "window_attempts": .int(budget.windowAttempts),
                "window_failures": .int(budget.windowFailures),
            ]),
            "links": .counts([
                "found": stats.linksFound, "enqueued": stats.linksEnqueued, "invalid": stats.linksInvalid,
                "dropped_scheme": stats.linksDroppedScheme, "out_of_scope": stats.linksOutOfScope,
                "excluded": stats.linksExcluded,
                "nofollow": stats.linksNofollow, "beyond_depth": stats.linksBeyondDepth,
                "url_too_long": stats.linksTooLong, "trap_suspected": stats.linksTrapSuspected,
                "outlink_cap": stats.linksOverOutlinkCap, "host_page_cap": stats.linksOverHostCap,
                "seen_or_over_limit": stats.linksDuplicateOrOverLimit,
            ]),
            "robots": .object([
                "fetched": .int(stats.robotsFetches), "unreachable": .int(stats.robotsFailures),
                "parse_warnings": .int(stats.robotsParseWarnings), "sitemaps": .strings(stats.sitemaps),
            ]),
            "memory": .object([
                "budget_bytes": .intOrNull(memoryBudget?.capacity), "max_held_bytes": .intOrNull(memoryBudget?.maxHeld),
            ]),
            "max_fetches_in_flight": .int(summary.maxFetchesInFlight),
            "max_parses_in_flight": .int(summary.maxParsesInFlight),
        ])
    }

    /// Writes the summary atomically (temporary file, then rename).
    public static func write(
        _ summary: CrawlSummary, output: String, exitCode: Int32, memoryBudget: ByteBudget? = nil,
        recordsWritten: Int? = nil, to path: String
    ) throws(AtomicWriteError) {
        let object = object(summary, output: output, exitCode: exitCode, memoryBudget: memoryBudget,
                            recordsWritten: recordsWritten, endedAt: Date())
        try AtomicFile.write(object.text + [0x0A], to: path)
    }
}
