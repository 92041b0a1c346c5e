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

    public static func object(
        _ summary: CrawlSummary, output: String, exitCode: Int32, memoryBudget: ByteBudget? = nil, endedAt: Date
    ) -> [String: Any] {
        let stats = summary.statistics
        let startedAt = endedAt.addingTimeInterval(-summary.elapsed.seconds)
        let budget = summary.budget
        func optional(_ value: Any?) -> Any { value ?? NSNull() }
        return [
            "schema_version": 1,
            "output": output,
            "started_at": RFC3339.format(millisecondsSinceEpoch: Int64(startedAt.timeIntervalSince1970 * 1000)),
            "ended_at": RFC3339.format(millisecondsSinceEpoch: Int64(endedAt.timeIntervalSince1970 * 1000)),
            "elapsed_s": (summary.elapsed.seconds * 1000).rounded() / 1000,
            "stop_reason": summary.stopReason.rawValue,
            "stop_detail": optional(summary.budgetDetail ?? summary.outputError),
            "exit_code": Int(exitCode),
            "records": stats.records,
            "by_outcome": Dictionary(uniqueKeysWithValues: stats.recordsByOutcome.map { ($0.key.rawValue, $0.value) }),
            "by_status_class": stats.recordsByStatusClass,
            "failures": stats.failures,
            "bytes": stats.bodyBytes,
            "pages_per_second": (summary.pagesPerSecond * 10).rounded() / 10,
            "admitted": summary.admitted,
            "queued_at_stop": summary.queuedAtStop,
            "hosts": Dictionary(uniqueKeysWithValues: stats.hosts.map {
                ($0.key, ["records": $0.value.records, "failures": $0.value.failures])
            }),
            "hosts_cancelled": summary.hostsCancelled,
            "budget": [
                "host_max_errors": optional(budget.settings.hostMaxErrors),
                "max_errors": optional(budget.settings.maxErrors),
                "max_error_rate": optional(budget.settings.maxErrorRate),
                "error_window": budget.settings.errorWindow,
                "attempts": budget.attempts,
                "failures": budget.failures,
                "window_attempts": budget.windowAttempts,
                "window_failures": budget.windowFailures,
            ] as [String: Any],
            "links": [
                "found": stats.linksFound, "enqueued": stats.linksEnqueued, "invalid": stats.linksInvalid,
                "dropped_scheme": stats.linksDroppedScheme, "out_of_scope": stats.linksOutOfScope,
                "nofollow": stats.linksNofollow, "beyond_depth": stats.linksBeyondDepth,
                "url_too_long": stats.linksTooLong, "trap_suspected": stats.linksTrapSuspected,
                "outlink_cap": stats.linksOverOutlinkCap, "host_page_cap": stats.linksOverHostCap,
                "seen_or_over_limit": stats.linksDuplicateOrOverLimit,
            ],
            "robots": [
                "fetched": stats.robotsFetches, "unreachable": stats.robotsFailures,
                "parse_warnings": stats.robotsParseWarnings, "sitemaps": stats.sitemaps,
            ] as [String: Any],
            "memory": ["budget_bytes": optional(memoryBudget?.capacity), "max_held_bytes": optional(memoryBudget?.maxHeld)],
            "max_fetches_in_flight": summary.maxFetchesInFlight,
            "max_parses_in_flight": summary.maxParsesInFlight,
        ]
    }

    /// Writes the summary atomically (temporary file, then rename).
    public static func write(
        _ summary: CrawlSummary, output: String, exitCode: Int32, memoryBudget: ByteBudget? = nil, to path: String
    ) throws {
        let object = object(summary, output: output, exitCode: exitCode, memoryBudget: memoryBudget, endedAt: Date())
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        data.append(0x0A)
        try AtomicFile.write([UInt8](data), to: path)
    }
}
