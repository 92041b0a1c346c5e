import ArgumentParser
import CrawlReport
import CrawlRuntime
import Foundation

/// `crawl report FILE.jsonl [...] [--html OUT.html]`: summarises crawl output (docs/jsonl-schema.md).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise crawl JSONL output: outcomes, throughput, latency, failing hosts.",
        discussion: """
            Reads the files in a streaming pass (memory does not grow with their size) and aggregates \
            them together. A partial last line, as a killed crawl may leave, is skipped with a warning \
            on stderr. Percentiles come from a log histogram and are within 1% of the exact value.

            Exit codes: 0 done; 1 the HTML report could not be written; 64 usage error (no file, \
            or a file that cannot be read).
            """
    )

    @Argument(help: ArgumentHelp("JSONL files written by crawl --output; '-' reads standard input.", valueName: "file.jsonl"))
    var files: [String]

    @Option(help: ArgumentHelp("Also write a self-contained HTML report with charts.", valueName: "out.html"))
    var html: String?

    @Option(help: ArgumentHelp("Rows in the hosts tables.", valueName: "n"))
    var hosts = 20

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Missing <file.jsonl>: give one or more JSONL files.") }
        guard hosts > 0 else { throw ValidationError("--hosts must be at least 1.") }
        if let html, html.isEmpty { throw ValidationError("--html needs a file name.") }
    }

    func run() async throws {
        // Check every file before the (possibly long) pass, so a typo fails at once.
        for path in files where path != StandardInput.path {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw usageError("cannot read \(path): is a directory")
            }
            if !FileManager.default.isReadableFile(atPath: path) {
                let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
                throw usageError("cannot read \(path): \(reason)")
            }
        }
        let summary: ReportSummary
        // A blocking pass (standard input may wait on its writer): off the cooperative pool.
        let paths = files
        switch await onOwnThread({ () throws(ReportReadError) in try ReportSummary.read(paths: paths) }) {
        case .success(let read): summary = read
        case .failure(let error): throw usageError("cannot read \(error.path): \(error.reason)")
        }
        for file in summary.files {
            if file.partialLastLines > 0 {
                warn("\(file.path): skipped a partial last line (an interrupted write)")
            }
            if file.invalidLines > 0 {
                warn("\(file.path): skipped \(file.invalidLines) invalid \(ReportFormat.noun("line", count: file.invalidLines))")
            }
        }
        let width = TerminalWidth.of(STDOUT_FILENO, fallback: 120)
        FileHandle.standardOutput.write(Data(TerminalReport.render(summary, width: width, hostLimit: hosts).utf8))
        if let html {
            do {
                try HTMLReport.write(summary, to: html)
            } catch {
                warn("cannot write the HTML report: \(error)")
                throw ExitCode(1)
            }
            warn("HTML report written to \(html)")
        }
    }

    /// Prints `message` and returns exit code 64 (EX_USAGE) to throw. Not a `ValidationError`:
    /// from `run()` that would print the root command's usage, which says nothing about the file.
    private func usageError(_ message: String) -> ExitCode {
        warn(message)
        return ExitCode(64)
    }

    private func warn(_ message: String) {
        FileHandle.standardError.write(Data("crawl report: \(message)\n".utf8))
    }
}
