import ArgumentParser
import CrawlerCore

/// The process exit codes, documented in the README and in `crawl --help`.
enum ExitStatus {
    /// The crawl finished: the frontier was exhausted (or --max-pages / --max-depth bounded it).
    static let finished = ExitCode(0)
    /// A fatal runtime error: the output could not be written, the fetch engine could not start.
    static let fatal = ExitCode(1)
    /// The crawl failed: its error budget was spent (--max-errors, --max-error-rate, every host
    /// cancelled), or it fetched no URL at all (`nothing_fetched`).
    static let crawlFailed = ExitCode(3)
    /// --max-duration stopped the crawl with work left.
    static let maxDuration = ExitCode(4)
    /// Another run holds the --state lock, or is writing the same --output (EX_TEMPFAIL: try again
    /// later); nothing was touched.
    static let locked = ExitCode(75)
    /// Bad flags or a seeds file without any valid seed (EX_USAGE).
    static let usage = ExitCode(64)
    /// Stopped by SIGINT / SIGTERM / SIGHUP.
    static let interrupted = ExitCode(130)
    static let terminated = ExitCode(143)
    static let hungUp = ExitCode(129)

    /// The exit code for how a crawl ended.
    static func of(_ summary: CrawlSummary) -> ExitCode {
        switch summary.stopReason {
        case .finished: return finished
        case .errorBudget, .nothingFetched: return crawlFailed
        case .maxDuration: return summary.queuedAtStop > 0 ? maxDuration : finished
        case .interrupted, .cancelled: return interrupted
        case .terminated: return terminated
        case .hangup: return hungUp
        case .outputFailed: return fatal
        }
    }

    static let helpText = """
        Exit codes:
          0    finished (nothing left to fetch, or --max-pages / --max-depth reached)
          1    fatal runtime error (output not writable, disk full)
          3    the crawl failed: its error budget was spent (--max-errors,
               --max-error-rate, every host cancelled), or no URL could be fetched
               (every URL failed, or its host's robots.txt was unreachable)
          4    stopped by --max-duration with work left
          64   usage error (bad flag, no valid seed)
          75   another crawl is using the same --state or --output file (nothing was
               done; try later)
          130  stopped by SIGINT (143: SIGTERM, 129: SIGHUP); a second signal stops at
               once
        """
}
