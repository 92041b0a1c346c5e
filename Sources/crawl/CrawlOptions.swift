import ArgumentParser
import CrawlRuntime
import CrawlerCore
import Foundation

/// Options shared by `crawl` and `crawl demo`.
struct CrawlOptions: ParsableArguments {
    @Option(help: "Most transfers in flight at once (the fetch pool's size).")
    var concurrency: Int = 32

    @Option(help: "Parse threads (default: the number of CPU cores).")
    var parseWorkers: Int?

    @Option(help: ArgumentHelp("Nice steps (0-19) by which the parse threads run below the curl thread, which runs every transfer; above 0 they also run as batch threads (SCHED_BATCH), which do not preempt it. 0: every thread at the process's priority.", valueName: "steps"))
    var ioPriority: Int = 5

    @Option(help: ArgumentHelp("Where to write the JSONL records; '-' for stdout.",
                               discussion: "Default: Output/crawl-<run id>.jsonl", valueName: "path"))
    var output: String?

    @Option(help: "Follow links at most this many hops from the seeds (seeds are depth 0).")
    var maxDepth: Int?

    @Option(help: "Fetch at most this many URLs (each gets one record).")
    var maxPages: Int?

    @Option(help: "Which links to follow: host (the seeds' host names), domain (their registrable domains), all.")
    var scope: ScopeMode = .host

    @Option(help: ArgumentHelp("Follow only links and redirects whose URL matches one of these regular expressions (POSIX extended, as grep -E; searched anywhere in the URL; a leading (?i) ignores case); repeatable. Seeds and their redirects are always followed. Links left out are counted as excluded.", valueName: "regex"))
    var include: [String] = []

    @Option(help: ArgumentHelp("Do not follow links or redirects whose URL matches this regular expression (e.g. '/logout|[?&]sort='); repeatable; wins over --include. Redirects so left out are recorded as excluded.", valueName: "regex"))
    var exclude: [String] = []

    @Option(help: "The User-Agent header sent with every request.")
    var userAgent: String = FetchSettings.defaultUserAgent

    @Option(help: ArgumentHelp("Total time allowed for one request, in seconds.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(help: ArgumentHelp("Time allowed to connect, in seconds.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(help: ArgumentHelp("Largest body accepted (raw and decoded); larger ones are cut off as too_large. Units: KiB, MiB, GiB, kB, MB.", valueName: "bytes"))
    var maxBodyBytes: ByteSize = ByteSize(bytes: 10 << 20)

    @Option(help: ArgumentHelp("The most response-body bytes held at once, from the first byte received until parsed; transfers wait (paused) for room. Bodies larger than this are cut off as too_large.", valueName: "bytes"))
    var memoryBudget: ByteSize = ByteSize(bytes: 256 << 20)

    @Option(help: "Most redirect hops followed for one URL.")
    var maxRedirects: Int = 5

    @Option(help: ArgumentHelp("Requests per second per host (token refill rate; http and https of one host name count as one host); 0 = unlimited. Default 2 (crawl demo: 0).", valueName: "rate"))
    var hostRate: Double?

    @Option(help: ArgumentHelp("Requests that may start back to back on an idle host (bucket size). Default 2.", valueName: "count"))
    var hostBurst: Double?

    @Option(help: ArgumentHelp("Most transfers in flight to one host. Default 2 (crawl demo: 8).", valueName: "count"))
    var hostConcurrency: Int?

    @Option(help: "Retries of transient failures (timeouts, resets, 5xx, 429), with exponential backoff.")
    var retries: Int = 2

    @Option(help: ArgumentHelp("The largest robots.txt Crawl-delay honoured; hosts asking more are skipped.", valueName: "seconds"))
    var maxCrawlDelay: Double = 30

    @Flag(help: "Do not fetch or obey robots.txt (prints a warning). Only for sites you own.")
    var noRobots = false

    @Option(help: ArgumentHelp("Failures in a row that cancel one host (circuit breaker); 0 = never.", valueName: "count"))
    var hostMaxErrors: Int = 10

    @Option(help: ArgumentHelp("Failures in total that cancel the crawl (exit 3); 0 = never.", valueName: "count"))
    var maxErrors: Int = 0

    @Option(help: ArgumentHelp("Failure fraction over the last --error-window attempts that cancels the crawl (exit 3); 0 = never.", valueName: "fraction"))
    var maxErrorRate: Double = 0.8

    @Option(help: ArgumentHelp("Attempts the error rate is computed over (and the minimum sample before it counts).", valueName: "count"))
    var errorWindow: Int = 200

    @Option(help: ArgumentHelp("Stop gracefully after this long, keeping what is left (e.g. 90s, 30m, 2h, 1h30m); exit 4 if work was left. 0 = no limit.", valueName: "duration"))
    var maxDuration: String?

    @Flag(help: "No progress line and no closing summary on stderr (errors are still printed).")
    var quiet = false

    @Option(help: ArgumentHelp("Write Prometheus text-format metrics here, during the run (every 15 s) and at its end, atomically (for node_exporter's textfile collector).", valueName: "path"))
    var metricsFile: String?

    @Option(help: ArgumentHelp("Resolve HOST:PORT to ADDRESS instead of using DNS (like curl --resolve); repeatable.", valueName: "host:port:address"))
    var resolve: [String] = []

    @Option(help: ArgumentHelp("Keep the crawl's state in this directory (created if missing): a later run with the same --state resumes where this one stopped, however it stopped. One run at a time (a second exits 75).", valueName: "dir"))
    var state: String?

    @Option(help: ArgumentHelp("With --state: re-fetch pages fetched longer ago than this (e.g. 24h, 0s), conditionally (If-None-Match / If-Modified-Since); unchanged pages are recorded as not_modified.", valueName: "duration"))
    var recrawlAfter: String?

    @Option(help: ArgumentHelp("Fetch at most this many URLs per host (scheme, host and port) in one run; links over it are counted as host_page_cap (with --state they wait for the next run).", valueName: "count"))
    var maxPagesPerHost: Int?

    @Option(help: ArgumentHelp("Longest URL followed, in bytes; longer links are counted as url_too_long.", valueName: "bytes"))
    var maxURLLength: Int = 2083

    @Option(help: ArgumentHelp("Most path segments in a URL followed; deeper paths are counted as trap_suspected.", valueName: "count"))
    var maxPathSegments: Int = 20

    @Option(help: ArgumentHelp("Most times one path segment may occur in a URL followed (/a/a/a/ has 'a' 3 times); more is counted as trap_suspected.", valueName: "count"))
    var maxSegmentRepeats: Int = 2

    @Option(help: ArgumentHelp("Most links followed from one page; the rest are counted as outlink_cap.", valueName: "count"))
    var maxOutlinks: Int = 5000

    @Option(help: ArgumentHelp("Comma-separated parameter names left out of the duplicate-detection key (session ids, in the query or as ;name=value path parameters); 'none' for none.", discussion: "Default: \(SessionParameters.defaultNames.joined(separator: ","))", valueName: "names"))
    var sessionParams: String?

    @Option(help: ArgumentHelp("PEM file of the certificate authorities to trust for https, instead of the system's (an intranet's own CA; to trust both, give a file holding both).", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("A header sent with every request ('Name: value'); repeatable. Cookie and Authorization go only to the seeds' hosts.", valueName: "header"))
    var header: [String] = []

    @Flag(help: "Keep the cookies servers set (Set-Cookie), in memory for this run, and send them back as a browser would (domain, path, secure and expiry rules). A redirect back to a URL of its own chain is then followed (a cookie wall), within --max-redirects.")
    var cookies = false

    @Option(help: ArgumentHelp("Send every request through this proxy: http://, https://, socks5h:// (the proxy resolves names), socks5://, socks4a:// or socks4:// URL, with user:password@ if it asks. Without it none is used: http_proxy and the like are ignored.", valueName: "url"))
    var proxy: String?

    @Flag(help: "Connect to loopback, private and link-local addresses for any host. Without it only the seeds' hosts may resolve to them; other hosts are refused at connect time (blocked_address), redirects included.")
    var allowPrivateAddresses = false

    func validate() throws {
        if let output, let metricsFile, SameFile.check(output, metricsFile) {
            throw ValidationError("--metrics-file and --output name the same file (\(output)).")
        }
        guard (1...10_000).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 10000 (got \(concurrency)).")
        }
        // Raises the open-file limit too (a side effect, done once, before anything is opened).
        if let problem = FetchSettings.openFileProblem(concurrency: concurrency) {
            throw ValidationError(problem)
        }
        if let parseWorkers, !(1...256).contains(parseWorkers) {
            throw ValidationError("--parse-workers must be between 1 and 256 (got \(parseWorkers)).")
        }
        guard (0...19).contains(ioPriority) else {
            throw ValidationError("--io-priority must be between 0 and 19 (got \(ioPriority)).")
        }
        if let maxDepth, maxDepth < 0 {
            throw ValidationError("--max-depth must be 0 or more (got \(maxDepth)).")
        }
        if let maxPages, maxPages < 1 {
            throw ValidationError("--max-pages must be 1 or more (got \(maxPages)).")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 86400.")
        }
        guard connectTimeout.isFinite, connectTimeout > 0, connectTimeout <= 86_400 else {
            throw ValidationError("--connect-timeout must be a number of seconds above 0 and at most 86400.")
        }
        guard maxBodyBytes.bytes >= 1 else {
            throw ValidationError("--max-body-bytes must be at least 1 byte.")
        }
        guard memoryBudget.bytes >= 64 << 10 else {
            throw ValidationError("--memory-budget must be at least 64KiB (got \(memoryBudget)).")
        }
        guard (0...50).contains(maxRedirects) else {
            throw ValidationError("--max-redirects must be between 0 and 50 (got \(maxRedirects)).")
        }
        guard FetchSettings.isValid(userAgent: userAgent) else {
            throw ValidationError("--user-agent must be a non-empty single line without control characters.")
        }
        if let hostRate, !(hostRate.isFinite && hostRate >= 0 && hostRate <= 100_000) {
            throw ValidationError("--host-rate must be a number of requests per second from 0 (unlimited) to 100000.")
        }
        if let hostBurst, !(hostBurst.isFinite && hostBurst >= 1 && hostBurst <= 100_000) {
            throw ValidationError("--host-burst must be a number from 1 to 100000.")
        }
        if let hostConcurrency, !(1...10_000).contains(hostConcurrency) {
            throw ValidationError("--host-concurrency must be between 1 and 10000 (got \(hostConcurrency)).")
        }
        guard (0...10).contains(retries) else {
            throw ValidationError("--retries must be between 0 and 10 (got \(retries)).")
        }
        guard maxCrawlDelay.isFinite, maxCrawlDelay >= 0, maxCrawlDelay <= 86_400 else {
            throw ValidationError("--max-crawl-delay must be a number of seconds from 0 to 86400.")
        }
        guard hostMaxErrors >= 0, maxErrors >= 0 else {
            throw ValidationError("--host-max-errors and --max-errors must be 0 (never) or more.")
        }
        guard maxErrorRate.isFinite, (0...1).contains(maxErrorRate) else {
            throw ValidationError("--max-error-rate must be a fraction from 0 (never) to 1.")
        }
        guard (1...1_000_000).contains(errorWindow) else {
            throw ValidationError("--error-window must be between 1 and 1000000 (got \(errorWindow)).")
        }
        if let maxDuration, DurationText.parse(maxDuration) == nil {
            throw ValidationError("--max-duration takes a duration such as 90s, 30m, 2h or 1h30m (got '\(maxDuration)').")
        }
        if let recrawlAfter {
            guard state != nil else { throw ValidationError("--recrawl-after needs --state (the last fetch times live there).") }
            guard DurationText.parse(recrawlAfter) != nil else {
                throw ValidationError("--recrawl-after takes a duration such as 0s, 30m, 24h or 7d (got '\(recrawlAfter)').")
            }
        }
        if let maxPagesPerHost, maxPagesPerHost < 1 {
            throw ValidationError("--max-pages-per-host must be 1 or more (got \(maxPagesPerHost)).")
        }
        guard (64...1_000_000).contains(maxURLLength) else {
            throw ValidationError("--max-url-length must be between 64 and 1000000 (got \(maxURLLength)).")
        }
        guard (1...1000).contains(maxPathSegments) else {
            throw ValidationError("--max-path-segments must be between 1 and 1000 (got \(maxPathSegments)).")
        }
        guard (1...1000).contains(maxSegmentRepeats) else {
            throw ValidationError("--max-segment-repeats must be between 1 and 1000 (got \(maxSegmentRepeats)).")
        }
        guard (0...1_000_000).contains(maxOutlinks) else {
            throw ValidationError("--max-outlinks must be between 0 and 1000000 (got \(maxOutlinks)).")
        }
        if let names = sessionParams?.split(separator: ",", omittingEmptySubsequences: false) {
            for name in names where name.isEmpty || !name.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "&") && $0 != UInt8(ascii: ";") }) {
                throw ValidationError("--session-params takes comma-separated parameter names without spaces, '=', '&' or ';' (got '\(sessionParams ?? "")').")
            }
        }
        do {
            _ = try urlFilter()
        } catch {
            let flag = include.contains(error.pattern) ? "--include" : "--exclude"
            throw ValidationError("\(flag) \(error).")
        }
        if let state, state.isEmpty { throw ValidationError("--state needs a directory path.") }
        for text in header {
            do {
                _ = try RequestHeader(parsing: text)
            } catch {
                // The value may be a secret (a cookie, a token): only the name is shown, and nothing of
                // a text without a colon (a pasted token, say).
                guard let colon = text.firstIndex(of: ":") else { throw ValidationError("--header: \(error).") }
                let name = text[..<colon]
                throw ValidationError("--header '\(name.count <= 64 ? String(name) : String(name.prefix(64)) + "...")': \(error).")
            }
        }
        if let proxy, let problem = FetchSettings.problem(withProxy: proxy) {
            throw ValidationError("--proxy '\(WebURL.redactingPassword(in: proxy))': \(problem).")
        }
        if let caFile, let problem = Self.problem(withCAFile: caFile) {
            throw ValidationError("--ca-file \(caFile): \(problem).")
        }
        for entry in resolve {
            guard let problem = FetchSettings.problem(withResolveEntry: entry) else { continue }
            throw ValidationError("--resolve takes HOST:PORT:ADDRESS[,ADDRESS...] (got '\(entry)': \(problem)).")
        }
    }

    /// Politeness defaults: what `crawl` uses on other people's sites, and what `crawl demo` uses on
    /// its own local site.
    struct PolitenessDefaults {
        var hostRate: Double
        var hostBurst: Double
        var hostConcurrency: Int

        /// The demo crawls its own loopback site, so private addresses are allowed there.
        var isDemo = false

        static let crawl = PolitenessDefaults(hostRate: 2, hostBurst: 2, hostConcurrency: 2)
        static let demo = PolitenessDefaults(hostRate: 0, hostBurst: 2, hostConcurrency: 8, isDemo: true)
    }

    /// A `--max-duration` as a limit: nil for 0, which means none, as 0 does for the error budgets and
    /// for timeout(1) (it used to stop the crawl before its first request, with exit 4).
    static func durationLimit(_ text: String) -> Duration? {
        DurationText.parse(text).flatMap { $0 > .zero ? $0 : nil }
    }

    /// Throws only for a pattern `validate()` would have refused.
    func crawlConfiguration(
        seeds: [CrawlURL.WebURL], defaults: PolitenessDefaults = .crawl, runID: String? = nil
    ) throws(URLPatternError) -> CrawlConfiguration {
        let politeness = PolitenessSettings(
            hostRate: hostRate ?? defaults.hostRate, hostBurst: hostBurst ?? defaults.hostBurst,
            obeyRobots: !noRobots, robotsUserAgent: userAgent, maxCrawlDelay: maxCrawlDelay, retries: retries)
        let budget = ErrorBudgetSettings(
            hostMaxErrors: hostMaxErrors == 0 ? nil : hostMaxErrors, maxErrors: maxErrors == 0 ? nil : maxErrors,
            maxErrorRate: maxErrorRate == 0 ? nil : maxErrorRate, errorWindow: errorWindow)
        var configuration = CrawlConfiguration(
            seeds: seeds, concurrency: concurrency,
            parseWorkers: parseWorkers ?? CrawlSession.defaultParseWorkers,
            maxDepth: maxDepth, maxPages: maxPages, scope: scope, maxRedirects: maxRedirects,
            hostConcurrency: min(concurrency, hostConcurrency ?? defaults.hostConcurrency), politeness: politeness,
            errorBudget: budget, maxDuration: maxDuration.flatMap(Self.durationLimit))
        configuration.runID = runID
        configuration.linkLimits = LinkLimits(
            maxURLLength: maxURLLength, maxPathSegments: maxPathSegments, maxSegmentRepeats: maxSegmentRepeats,
            maxOutlinksPerPage: maxOutlinks, maxPagesPerHost: maxPagesPerHost, sessionParameters: sessionParameters)
        configuration.urlFilter = try urlFilter()
        configuration.followsRedirectsBack = cookies
        return configuration
    }

    /// `--include` / `--exclude`, compiled.
    func urlFilter() throws(URLPatternError) -> URLFilter {
        URLFilter(includes: try include.map(POSIXPattern.init), excludes: try exclude.map(POSIXPattern.init))
    }

    /// `--session-params`: the default names, none, or the given list.
    var sessionParameters: SessionParameters {
        guard let sessionParams else { return .default }
        if sessionParams == "none" { return .none }
        return SessionParameters(names: sessionParams.split(separator: ",").map(String.init))
    }

    /// Settings for one run (each call makes a new memory budget). `crawl demo` crawls its own site
    /// on loopback under several names, so it allows private addresses.
    func makeFetchSettings(allowPrivateAddresses allowAlways: Bool = false) -> FetchSettings {
        var settings = FetchSettings(
            maxTransfers: concurrency, userAgent: userAgent, timeout: .milliseconds(Int64(timeout * 1000)),
            connectTimeout: .milliseconds(Int64(connectTimeout * 1000)), maxBodyBytes: maxBodyBytes.bytes,
            resolve: resolve, memoryBudget: ByteBudget(capacity: memoryBudget.bytes))
        settings.allowPrivateAddresses = allowPrivateAddresses || allowAlways
        settings.ioPriority = ioPriority
        settings.caFile = caFile
        settings.proxy = proxy
        settings.keepsCookies = cookies
        // validate() has parsed each; one that does not parse here cannot happen, and is not sent.
        settings.headers = header.compactMap { try? RequestHeader(parsing: $0) }
        return settings
    }

    /// Why a `--ca-file` cannot serve, or nil. libcurl reads it only when the first https connection
    /// is made, and then fails every https URL with a TLS error: a mistyped path would cost the run.
    static func problem(withCAFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
        }
        defer { try? handle.close() }
        // A bundle of every public CA is about 200 KiB.
        guard let data = try? handle.read(upToCount: 16 << 20) else { return "cannot be read (a folder?)" }
        guard data.range(of: Data("-----BEGIN CERTIFICATE-----".utf8)) != nil else {
            return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }
}

extension ScopeMode: ExpressibleByArgument {}

extension ByteSize: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }

    public var defaultValueDescription: String { description }
}

import CrawlURL
