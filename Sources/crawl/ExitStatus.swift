import ArgumentParser

/// The process exit codes, documented in the README and in `crawl --help`.
enum ExitStatus {
    /// The crawl finished: the frontier was exhausted (or --max-pages / --max-depth bounded it).
    static let finished = ExitCode(0)
    /// A fatal runtime error: the output could not be written, the fetch engine could not start.
    static let fatal = ExitCode(1)
    /// Bad flags or a seeds file without any valid seed (EX_USAGE).
    static let usage = ExitCode(64)
    /// The crawl was cancelled (SIGINT).
    static let interrupted = ExitCode(130)

    static let helpText = """
        Exit codes:
          0    finished (nothing left to fetch, or --max-pages / --max-depth reached)
          1    fatal runtime error (output not writable, fetch engine failed to start)
          64   usage error (bad flag, no valid seed)
          130  interrupted (SIGINT)
        """
}
