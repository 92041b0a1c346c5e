import ArgumentParser
import CrawlReport
import CrawlRuntime
import Foundation

@main
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "A fast, polite web crawler that writes one JSON line per URL.",
        usage: """
            crawl --seeds <file> [options]
            crawl demo [options]
            """,
        discussion: """
            Fetches every page reachable from the seeds within --scope, once per normalised URL, and \
            writes one JSONL record per URL outcome (see docs/jsonl-schema.md).

            \(ExitStatus.helpText)
            """,
        version: CrawlVersion.text,
        subcommands: [DemoCommand.self, ReportCommand.self]
    )

    @Option(help: ArgumentHelp(
        "File with one seed URL per line; blank lines and # comments are ignored. '-' reads standard input.",
        valueName: "file"))
    // Optional in the type, and checked in run() rather than validate(): ArgumentParser validates
    // every command on the path, so a required root option would also be demanded by `crawl demo`.
    var seeds: String?

    @OptionGroup var options: CrawlOptions

    /// The default entry point, with `--flag -1` joined so that a negative value reaches the flag's
    /// own range check (see `NegativeNumberArguments`).
    static func main() async {
        await main(NegativeNumberArguments.joined(Array(CommandLine.arguments.dropFirst())))
    }

    func run() async throws {
        guard let seeds else {
            throw ValidationError("Missing --seeds <file> (or run `crawl demo` to crawl the bundled demo site).")
        }
        if let output = options.output, SameFile.check(seeds, output) {
            throw ValidationError("--output names the seeds file (\(seeds)): the crawl would overwrite it.")
        }
        let file: SeedFile
        switch await onOwnThread({ () throws(SeedFile.ReadError) in try SeedFile.load(path: seeds) }) {
        case .success(let read): file = read
        case .failure(let error): throw ValidationError("--seeds: \(error)")
        }
        let name = StandardInput.displayName(seeds)
        for line in file.invalid {
            Console.error("\(name):\(line.number): \(line.reason): \(line.text)")
        }
        guard !file.seeds.isEmpty else {
            throw ValidationError("--seeds: \(name) has no valid http(s) seed URL.")
        }
        _ = try await CrawlRunner.run(seeds: file.seeds, options: options)
    }
}
