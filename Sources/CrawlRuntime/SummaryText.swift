import CrawlReport
import CrawlerCore

/// The one human line printed on stderr at the end of a run.
public enum SummaryText {
    public static func line(_ summary: CrawlSummary) -> String {
        let seconds = Double(summary.elapsed.components.seconds)
            + Double(summary.elapsed.components.attoseconds) / 1e18
        let stats = summary.statistics
        let outcomes = stats.recordsByOutcome.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
            .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        // "1 URL", "2 URLs".
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(ReportFormat.noun(noun, count: count))" }
        var text = "crawl: \(counted(stats.records, "URL")) in \(String(format: "%.2f", seconds))s "
            + "(\(String(format: "%.0f", summary.pagesPerSecond)) URLs/s), \(formatBytes(stats.bodyBytes)); "
            + (outcomes.isEmpty ? "no records" : outcomes)
        if stats.failures > 0 { text += "; \(counted(stats.failures, "failure"))" }
        if stats.robotsFetches > 0 {
            text += "; robots.txt: \(stats.robotsFetches) fetched"
            if stats.robotsFailures > 0 { text += " (\(stats.robotsFailures) unreachable)" }
            if !stats.sitemaps.isEmpty { text += ", \(counted(stats.sitemaps.count, "sitemap")) listed" }
        }
        if !summary.hostsCancelled.isEmpty {
            let count = summary.hostsCancelled.count
            text += "; \(counted(count, "host")) cancelled by \(count == 1 ? "its" : "their") error budget"
        }
        if summary.stopReason != .finished {
            text += "; stopped: \(summary.stopReason.rawValue)"
            if let detail = summary.budgetDetail { text += " (\(detail))" }
        }
        if summary.queuedAtStop > 0 { text += ", \(summary.queuedAtStop) queued \(ReportFormat.noun("URL", count: summary.queuedAtStop)) left" }
        return text
    }

    static func formatBytes(_ bytes: Int) -> String {
        let units = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (unit, size) in units where bytes >= size {
            return String(format: "%.1f %@", Double(bytes) / Double(size), unit)
        }
        return "\(bytes) B"
    }
}

import Foundation
