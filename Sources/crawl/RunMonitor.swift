import CrawlReport
import CrawlRuntime
import CrawlerCore
import Foundation
import Synchronization

/// While a crawl runs: the live progress line (only on a terminal, and not with `--quiet`) and the
/// periodic metrics file (`--metrics-file`, for node_exporter's textfile collector).
final class RunMonitor: Sendable {
    private let control: CrawlControl
    private let showsProgress: Bool
    private let metricsPath: String?
    private let startedAt = Date()
    /// The last successful run's end time, carried over from the previous metrics file.
    private let previousSuccess: Double?
    private let loop = Mutex<Task<Void, Never>?>(nil)

    static let tick: Duration = .milliseconds(500)
    /// Metrics are rewritten every this many ticks during a run (15 s).
    static let metricsEvery = 30

    init(control: CrawlControl, showsProgress: Bool, metricsPath: String?) {
        self.control = control
        self.showsProgress = showsProgress
        self.metricsPath = metricsPath
        previousSuccess = metricsPath.flatMap(Self.lastSuccess(inMetricsFile:))
    }

    /// Whether stderr is a terminal (a person watching; cron and pipes get no progress line).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func start() {
        guard showsProgress || metricsPath != nil else { return }
        let task = Task { [self] in
            var ticks = 0
            while true {
                try? await Task.sleep(for: Self.tick)
                // Cancelled during the sleep (which then returns at once): no draw after `stop`.
                if Task.isCancelled { break }
                guard let progress = control.progress() else { continue }
                ticks += 1
                if showsProgress { drawProgress(progress) }
                if let metricsPath, ticks % Self.metricsEvery == 0 {
                    try? MetricsFile.write(PrometheusMetrics.render(runningSnapshot(progress)), to: metricsPath)
                }
            }
        }
        loop.withLock { $0 = task }
    }

    /// Stops the display (clearing its line) and the periodic metrics. Waits for the loop to end
    /// first, so no progress line is drawn after the clear (the run's summary would then be printed
    /// on the end of it).
    func stop() async {
        let task = loop.withLock { $0 }
        task?.cancel()
        await task?.value
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Writes the final metrics. Returns an error message if the file could not be written.
    func writeFinalMetrics(_ summary: CrawlSummary, exitCode: Int32) -> String? {
        guard let metricsPath else { return nil }
        let end = Date().timeIntervalSince1970
        let stats = summary.statistics
        let snapshot = MetricsSnapshot(
            recordsByOutcome: Dictionary(uniqueKeysWithValues: stats.recordsByOutcome.map { ($0.key.rawValue, $0.value) }),
            bodyBytes: stats.bodyBytes, durationSeconds: summary.elapsed.seconds, exitReason: summary.stopReason.rawValue,
            exitCode: Int(exitCode), lastSuccessUnixTime: exitCode == 0 ? end : previousSuccess,
            startUnixTime: startedAt.timeIntervalSince1970, endUnixTime: end, failures: stats.failures,
            queuedAtStop: summary.queuedAtStop)
        do throws(AtomicWriteError) {
            try MetricsFile.write(PrometheusMetrics.render(snapshot), to: metricsPath)
            return nil
        } catch {
            return "cannot write the metrics file \(metricsPath): \(error.reason)"
        }
    }

    private func runningSnapshot(_ progress: CrawlProgress) -> MetricsSnapshot {
        MetricsSnapshot(
            recordsByOutcome: Dictionary(uniqueKeysWithValues: progress.recordsByOutcome.map { ($0.key.rawValue, $0.value) }),
            bodyBytes: progress.bodyBytes, durationSeconds: progress.elapsed.seconds, exitReason: "running",
            exitCode: nil, lastSuccessUnixTime: previousSuccess, startUnixTime: startedAt.timeIntervalSince1970,
            endUnixTime: nil, failures: progress.failures, queuedAtStop: 0)
    }

    private func drawProgress(_ progress: CrawlProgress) {
        let seconds = progress.elapsed.seconds
        let snapshot = ProgressSnapshot(
            records: progress.records, urlsPerSecond: seconds > 0 ? Double(progress.records) / seconds : 0,
            queued: progress.queued, inFlight: progress.inFlight, failures: progress.failures,
            bytes: progress.bodyBytes, elapsedSeconds: seconds)
        let width = TerminalWidth.of(STDERR_FILENO, fallback: 80)
        // One column short of the width: a line that fills the last column wraps on some terminals.
        let line = ProgressLine.render(snapshot, width: max(1, width - 1))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// `crawl_last_success_time_seconds` from an earlier metrics file, if there is one.
    static func lastSuccess(inMetricsFile path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("crawl_last_success_time_seconds ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }
}
