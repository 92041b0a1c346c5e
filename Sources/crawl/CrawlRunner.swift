import ArgumentParser
import CrawlReport
import CrawlRuntime
import CrawlStore
import CrawlerCore
import CrawlURL
import CSupport
import Foundation
import Synchronization

/// What `crawl` and `crawl demo` share: open the output (failing before any fetch if it, or the
/// metrics file's folder, is not writable), run the pipeline, flush, and print the summary.
enum CrawlRunner {
    static func run(
        seeds: [WebURL], options: CrawlOptions, defaults: CrawlOptions.PolitenessDefaults = .crawl
    ) async throws -> (CrawlSummary, String) {
        // A closed stdout pipe must become a write error we report, not a silent SIGPIPE death.
        signal(SIGPIPE, SIG_IGN)
        // Likewise a file-size limit (ulimit -f): write(2) then fails with EFBIG, which the writer
        // reports and cleans up after, instead of the process dying mid-line on SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        // Body buffers of 128 KiB and more go back to the system when freed, so that peak memory follows
        // --memory-budget (see CSupport).
        crawl_return_large_blocks_to_system(128 << 10)
        // Smaller blocks' freed memory stays with their arena (up to 4 MiB at its top), so bodies reuse
        // resident pages instead of faulting fresh ones in: on the benchmark crawl page faults fell from
        // 50,000-90,000 to 17,000 (CPU about -13% in A/B runs against the build without it), and peak RSS
        // at 100,000 pages did not move.
        crawl_keep_free_heap(4 << 20)
        if options.noRobots {
            Console.error("warning: --no-robots: robots.txt is neither fetched nor obeyed")
        }
        let runID = RunID.make()
        let configuration: CrawlConfiguration
        do {
            configuration = try options.crawlConfiguration(seeds: seeds, defaults: defaults, runID: runID)
        } catch {
            Console.error("error: \(error)")  // a pattern validate() passed; never expected
            throw ExitStatus.usage
        }
        // --state: the lock comes first, so a run that finds it held touches nothing, not even its output.
        var lock: StateLock?
        if let directory = options.state {
            do {
                lock = try StateLock.acquire(directory: directory)
            } catch {
                Console.error("\(error)")
                if case StateLock.Failure.held = error { throw ExitStatus.locked }
                throw ExitStatus.fatal
            }
        }
        defer { withExtendedLifetime(lock) {} }
        // The metrics file is checked before anything is fetched, as the output is: a mistyped folder
        // would otherwise cost a whole run and then fail it (exit 1) at its end.
        if let metricsFile = options.metricsFile {
            do throws(AtomicWriteError) {
                try AtomicFile.checkWritable(metricsFile)
            } catch {
                Console.error("cannot write the metrics file \(metricsFile): \(error.reason)")
                throw ExitStatus.fatal
            }
        }
        let outputPath = try options.output ?? defaultOutputPath(runID: runID)
        var store: StateStore?
        if let directory = options.state {
            do {
                store = try await StateStore.open(directory: directory)
            } catch {
                Console.error("cannot open the state in \(directory): \(error)")
                throw ExitStatus.fatal
            }
        }
        let writer: JSONLWriter
        do {
            writer = try JSONLWriter(path: outputPath, journal: store, startWriteback: { descriptor, offset, length in
                // Advisory: where the kernel refuses, the final fsync writes the range instead.
                _ = crawl_start_writeback(descriptor, offset, length)
            })
        } catch {
            Console.error("\(error)")
            await store?.close()
            if let error = error as? JSONLWriter.OpenError, error.inUse { throw ExitStatus.locked }
            throw ExitStatus.fatal
        }
        var resume: ResumePlan?
        if let store {
            do {
                resume = try await startRun(runID: runID, store: store, output: outputPath, options: options)
            } catch {
                Console.error("cannot read the state in \(store.directory): \(error)")
                try? await writer.finish()
                await store.close()
                throw ExitStatus.fatal
            }
        }
        if !options.quiet {
            RunLog.event("crawl started", [("run_id", runID), ("seeds", "\(seeds.count)"), ("output", outputPath)], human: nil)
        }
        let control = CrawlControl()
        let signals = handleSignals(control)
        defer { signals.cancel() }
        let monitor = RunMonitor(
            control: control, showsProgress: !options.quiet && RunMonitor.stderrIsTerminal, metricsPath: options.metricsFile)
        monitor.start()
        let summary: CrawlSummary
        let fetchSettings = options.makeFetchSettings(allowPrivateAddresses: defaults.isDemo)
        do {
            summary = try await CrawlSession.run(
                configuration, fetch: fetchSettings,
                sink: writer, control: control, resume: resume)
        } catch {
            await monitor.stop()
            Console.error("cannot start the fetch engine: \(error)")
            try? await writer.finish()
            try? await store?.endRun(exitCode: ExitStatus.fatal.rawValue, stopReason: "fetch_engine_failed", nowMs: nowMs())
            await store?.close()
            throw ExitStatus.fatal
        }
        await monitor.stop()
        var exitCode = ExitStatus.of(summary)
        // The writer is the crawl's sink: when its failure stopped the crawl (`output_failed`),
        // `finish` throws that failure, so it is printed here, once.
        do {
            try await writer.finish()
        } catch {
            Console.error("\(error)")
            exitCode = ExitStatus.fatal
        }
        // After a failed write the output holds fewer records than the crawl made (the file is cut back
        // to its last whole record): the closing line and the summary say how many it holds.
        let written = writer.recordsWritten
        let recordsWritten = written < summary.statistics.records ? written : nil
        if let recordsWritten {
            Console.error("the output holds \(recordsWritten) of the crawl's \(summary.statistics.records) records")
        }
        if let store {
            // After the output is closed: every record's done mark is queued ahead of the run's end.
            do {
                try await store.endRun(exitCode: exitCode.rawValue, stopReason: summary.stopReason.rawValue, nowMs: nowMs())
            } catch {
                Console.error("cannot write the state in \(store.directory): \(error)")
                exitCode = ExitStatus.fatal
            }
            await store.close()
        }
        if !options.quiet {
            logFinished(summary, runID: runID, output: outputPath, exitCode: exitCode.rawValue, recordsWritten: recordsWritten)
        }
        if let summaryPath = RunSummaryFile.path(forOutput: outputPath) {
            do throws(AtomicWriteError) {
                try RunSummaryFile.write(summary, output: outputPath, exitCode: exitCode.rawValue,
                                         memoryBudget: fetchSettings.memoryBudget, recordsWritten: recordsWritten, to: summaryPath)
            } catch {
                Console.error("cannot write the summary \(summaryPath): \(error.reason)")
                exitCode = ExitStatus.fatal
            }
        }
        if let failure = monitor.writeFinalMetrics(summary, exitCode: exitCode.rawValue) {
            Console.error(failure)
            exitCode = ExitStatus.fatal
        }
        if exitCode != ExitStatus.finished { throw exitCode }
        return (summary, outputPath)
    }

    /// Registers the run in the state: recovers runs that died, queues pages due for a re-fetch, and
    /// returns what the crawl resumes from.
    private static func startRun(runID: String, store: StateStore, output: String, options: CrawlOptions) async throws -> ResumePlan {
        let recrawlAfter = options.recrawlAfter.flatMap(DurationText.parse)
        let absoluteOutput = output == "-" ? nil : URL(fileURLWithPath: output).standardizedFileURL.path
        let (plan, report) = try await store.beginRun(
            id: runID, output: absoluteOutput, recrawlAfterMs: recrawlAfter.map { Int64($0.seconds * 1000) }, nowMs: nowMs())
        if !report.crashedRuns.isEmpty {
            RunLog.event(
                "recovered crashed runs", level: "warn",
                [("state", store.directory), ("runs", report.crashedRuns.joined(separator: ",")),
                 ("records_recovered", "\(report.recoveredRecords)"), ("bytes_truncated", "\(report.truncatedBytes)")],
                human: "crawl: \(report.crashedRuns.count) earlier run(s) did not end cleanly; \(report.recoveredRecords) of their "
                    + "last records were reconciled with the state"
                    + (report.truncatedBytes > 0 ? ", and a torn last line (\(report.truncatedBytes) bytes) was cut off" : ""))
        }
        if !options.quiet, report.earlierRuns > 0 {
            RunLog.event(
                "resuming", [("state", store.directory), ("known_urls", "\(report.knownURLs)"), ("queued", "\(report.queued)"),
                             ("due_for_recrawl", "\(report.dueForRecrawl)")],
                human: "crawl: resuming from \(store.directory): \(report.knownURLs) URLs known, \(report.queued) to fetch"
                    + (recrawlAfter != nil ? " (\(report.dueForRecrawl) due for a re-fetch)" : ""))
        }
        return plan
    }

    private static func logFinished(_ summary: CrawlSummary, runID: String, output: String, exitCode: Int32, recordsWritten: Int?) {
        let stats = summary.statistics
        var human = SummaryText.line(summary)
        if output != "-" {
            let which = recordsWritten.map { "\($0) of the \(stats.records) records" } ?? "records"
            human += "\ncrawl: \(which) written to \(output)"
        }
        RunLog.event(
            "crawl finished",
            [("run_id", runID), ("records", "\(stats.records)"), ("failures", "\(stats.failures)"),
             ("urls_per_second", String(format: "%.1f", summary.pagesPerSecond)),
             ("seconds", String(format: "%.2f", summary.elapsed.seconds)), ("stop_reason", summary.stopReason.rawValue),
             ("queued_left", "\(summary.queuedAtStop)"), ("exit_code", "\(exitCode)"), ("output", output)]
                + (summary.budgetDetail.map { [("stop_detail", $0)] } ?? [])
                + (recordsWritten.map { [("records_written", "\($0)")] } ?? []),
            human: human)
    }

    private static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// SIGINT/SIGTERM/SIGHUP: the first stops dispatching and gives transfers in flight a few seconds; a
    /// second aborts them at once. Either way the output is flushed and the summary written.
    private static func handleSignals(_ control: CrawlControl) -> SignalSources {
        let received = Mutex(0)
        // SIGHUP too: closing the terminal used to end the process at once, losing the records still
        // buffered for the output, and the summary.
        return SignalSources([SIGINT, SIGTERM, SIGHUP]) { number in
            let count = received.withLock { count -> Int in
                count += 1
                return count
            }
            if count == 1 {
                let reason: StopReason = number == SIGINT ? .interrupted : number == SIGHUP ? .hangup : .terminated
                Console.info("crawl: \(reason == .hangup ? "hung up" : reason.rawValue); finishing transfers in flight (signal again to stop now)")
                control.stop(reason, grace: .seconds(5))
            } else {
                control.cancelNow()
            }
        }
    }

    /// `Output/crawl-<run id>.jsonl`, creating `Output/` if needed.
    static func defaultOutputPath(runID: String) throws -> String {
        let directory = "Output"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            Console.error("cannot create output folder \(directory): \(error.localizedDescription)")
            throw ExitStatus.fatal
        }
        return "\(directory)/crawl-\(runID).jsonl"
    }
}
