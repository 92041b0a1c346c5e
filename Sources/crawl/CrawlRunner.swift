import ArgumentParser
import CrawlRuntime
import CrawlerCore
import CrawlURL
import Foundation

/// What `crawl` and `crawl demo` share: open the output (failing before any fetch if it is not
/// writable), run the pipeline, flush, and print the summary.
enum CrawlRunner {
    static func run(
        seeds: [WebURL], options: CrawlOptions, defaults: CrawlOptions.PolitenessDefaults = .crawl
    ) async throws -> (CrawlSummary, String) {
        // A closed stdout pipe must become a write error we report, not a silent SIGPIPE death.
        signal(SIGPIPE, SIG_IGN)
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
        let summary: CrawlSummary
        do {
            summary = try await CrawlSession.run(
                options.crawlConfiguration(seeds: seeds, defaults: defaults), fetch: options.fetchSettings, sink: writer)
        } catch {
            Console.error("cannot start the fetch engine: \(error)")
            try? await writer.finish()
            throw ExitStatus.fatal
        }
        do {
            try await writer.finish()
        } catch {
            Console.error("\(error)")
            throw ExitStatus.fatal
        }
        Console.info(SummaryText.line(summary))
        if outputPath != "-" { Console.info("crawl: records written to \(outputPath)") }
        if summary.stopReason == .outputFailed {
            Console.error("output failed: \(summary.outputError ?? "unknown error")")
            throw ExitStatus.fatal
        }
        if summary.stopReason == .cancelled { throw ExitStatus.interrupted }
        return (summary, outputPath)
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
