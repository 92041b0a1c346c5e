import ArgumentParser
import CrawlRuntime
import CrawlerCore
import CrawlURL
import CSupport
import Foundation
import Synchronization

/// What `crawl` and `crawl demo` share: open the output (failing before any fetch if it is not
/// writable), run the pipeline, flush, and print the summary.
enum CrawlRunner {
    static func run(
        seeds: [WebURL], options: CrawlOptions, defaults: CrawlOptions.PolitenessDefaults = .crawl
    ) async throws -> (CrawlSummary, String) {
        // A closed stdout pipe must become a write error we report, not a silent SIGPIPE death.
        signal(SIGPIPE, SIG_IGN)
        // Body buffers of 128 KiB and more go back to the system when freed, so that peak memory follows
        // --memory-budget (see CSupport).
        crawl_return_large_blocks_to_system(128 << 10)
        if options.noRobots {
            Console.error("warning: --no-robots: robots.txt is neither fetched nor obeyed")
        }
        let outputPath = try options.output ?? defaultOutputPath()
        let writer: JSONLWriter
        do {
            writer = try JSONLWriter(path: outputPath)
        } catch {
            Console.error("\(error)")
            throw ExitStatus.fatal
        }
        let control = CrawlControl()
        let signals = handleSignals(control)
        defer { signals.cancel() }
        let monitor = RunMonitor(
            control: control, showsProgress: !options.quiet && RunMonitor.stderrIsTerminal, metricsPath: options.metricsFile)
        monitor.start()
        let summary: CrawlSummary
        let fetchSettings = options.makeFetchSettings()
        do {
            summary = try await CrawlSession.run(
                options.crawlConfiguration(seeds: seeds, defaults: defaults), fetch: fetchSettings,
                sink: writer, control: control)
        } catch {
            Console.error("cannot start the fetch engine: \(error)")
            try? await writer.finish()
            throw ExitStatus.fatal
        }
        monitor.stop()
        var exitCode = ExitStatus.of(summary)
        do {
            try await writer.finish()
        } catch {
            Console.error("\(error)")
            exitCode = ExitStatus.fatal
        }
        if !options.quiet {
            Console.info(SummaryText.line(summary))
            if outputPath != "-" { Console.info("crawl: records written to \(outputPath)") }
        }
        if let summaryPath = RunSummaryFile.path(forOutput: outputPath) {
            do {
                try RunSummaryFile.write(summary, output: outputPath, exitCode: exitCode.rawValue,
                                         memoryBudget: fetchSettings.memoryBudget, to: summaryPath)
            } catch {
                Console.error("cannot write the summary \(summaryPath): \(error.localizedDescription)")
                exitCode = ExitStatus.fatal
            }
        }
        if summary.stopReason == .outputFailed {
            Console.error("output failed: \(summary.outputError ?? "unknown error")")
        }
        if let failure = monitor.writeFinalMetrics(summary, exitCode: exitCode.rawValue) {
            Console.error(failure)
            exitCode = ExitStatus.fatal
        }
        if exitCode != ExitStatus.finished { throw exitCode }
        return (summary, outputPath)
    }

    /// SIGINT/SIGTERM: the first stops dispatching and gives transfers in flight a few seconds; a
    /// second aborts them at once. Either way the output is flushed and the summary written.
    private static func handleSignals(_ control: CrawlControl) -> SignalSources {
        let received = Mutex(0)
        return SignalSources([SIGINT, SIGTERM]) { number in
            let count = received.withLock { count -> Int in
                count += 1
                return count
            }
            if count == 1 {
                Console.info("crawl: \(number == SIGINT ? "interrupted" : "terminated"); finishing transfers in flight (signal again to stop now)")
                control.stop(number == SIGINT ? .interrupted : .terminated, grace: .seconds(5))
            } else {
                control.cancelNow()
            }
        }
    }

    /// `Output/crawl-<UTC time>.jsonl`, creating `Output/` if needed.
    static func defaultOutputPath() throws -> String {
        let directory = "Output"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            Console.error("cannot create output folder \(directory): \(error.localizedDescription)")
            throw ExitStatus.fatal
        }
        let stamp = RFC3339.format(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
            .replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: ":", with: "")
        // 20261122T133712.123Z -> 20261122T133712Z
        let compact = stamp.split(separator: ".").first.map { "\($0)Z" } ?? stamp
        return "\(directory)/crawl-\(compact).jsonl"
    }
}
