import DemoSite
import Foundation
import Testing

@Suite("The crawl binary", .serialized)
struct CLITests {
    @Test func helpListsFlagsAndExitCodes() async throws {
        let result = try await BinaryRunner.run(["--help"])
        #expect(result.status == 0)
        for flag in ["--seeds", "--concurrency", "--parse-workers", "--output", "--max-depth", "--max-pages",
                     "--scope", "--user-agent", "--timeout", "--connect-timeout", "--max-body-bytes",
                     "--max-redirects", "--include", "--exclude", "demo", "Exit codes", "64"] {
            #expect(result.stdout.contains(flag), "help lacks \(flag)")
        }
    }

    @Test func versionNamesCrawlAndTheCLibrariesItRunsWith() async throws {
        let result = try await BinaryRunner.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /crawl \d+\.\d+ \(libcurl \d+\.\d+\.\d+[^,]*, libxml2 \d+\.\d+\.\d+\)/) != nil, "\(line)")
    }

    @Test(arguments: [
        (["--seeds", "x", "--concurrency", "0"], "--concurrency"),
        (["--seeds", "x", "--max-body-bytes", "ten"], "--max-body-bytes"),
        (["--seeds", "x", "--scope", "planet"], "--scope"),
        (["--seeds", "x", "--timeout", "-1"], "--timeout"),
        (["--seeds", "x", "--io-priority", "20"], "--io-priority"),
        (["--seeds", "x", "--user-agent", "x\r\nInjected: 1"], "--user-agent"),
        (["--seeds", "x", "--resolve", "a:b:c"], "--resolve"),
        (["--seeds", "x", "--resolve", "crawl.test:80:999.0.0.1"], "--resolve"),
        (["--seeds", "x", "--output", "x"], "--output"),
        (["--seeds", "x", "--output", "./x"], "--output"),
        (["--seeds", "x", "--output", "out.jsonl", "--metrics-file", "out.jsonl"], "--metrics-file"),
        (["--seeds", "/nonexistent/seeds.txt"], "--seeds"),
        (["--seeds", "x", "--ca-file", "/nonexistent/ca.pem"], "--ca-file"),
        (["--seeds", "x", "--ca-file", "x"], "--ca-file"),
        (["--seeds", "x", "--ca-file", "."], "--ca-file"),
        (["demo", "--hosts", "64", "--pages-per-host", "100000"], "--pages-per-host"),
        (["--concurrency", "4"], "--seeds"),
        (["--seeds", "x", "--bogus"], "--bogus"),
        (["--seeds", "x", "--include", "(unclosed"], "--include '(unclosed': not a valid POSIX extended regular expression"),
        (["--seeds", "x", "--include", "/docs/", "--exclude", "a[b"], "--exclude 'a[b': not a valid POSIX extended regular expression"),
        (["--seeds", "x", "--exclude", ""], "--exclude '': an empty pattern matches every URL"),
        (["--seeds", "x", "--include", "/page/\\d+"], "--include '/page/\\d+': \\d is not POSIX: use [0-9]"),
    ])
    func usageErrorsExit64NamingTheFlag(arguments: [String], flag: String) async throws {
        let result = try await runBesideSeedsFileX(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(flag), "\(arguments): \(result.stderr)")
    }

    /// argument-parser reads `-1` as an option, so `--host-rate -1` said "Missing value"; the value now
    /// reaches the flag's own check, whose message names the allowed range.
    @Test(arguments: [
        (["--seeds", "x", "--host-rate", "-1"], "--host-rate must be a number of requests per second"),
        (["--seeds", "x", "--concurrency", "-5"], "--concurrency must be between 1 and 10000 (got -5)"),
        (["--seeds", "x", "--max-depth", "-1"], "--max-depth must be 0 or more (got -1)"),
        (["--seeds", "x", "--timeout", "-.5"], "--timeout must be a number of seconds above 0"),
        (["demo", "--hosts", "-2"], "--hosts must be between 1 and 64"),
    ])
    func negativeValuesReachTheFlagsOwnCheck(arguments: [String], message: String) async throws {
        let result = try await runBesideSeedsFileX(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(arguments): \(result.stderr)")
    }

    /// Runs the binary in a fresh folder holding a seeds file named `x`.
    private func runBesideSeedsFileX(_ arguments: [String]) async throws -> BinaryRunner.Result {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "http://127.0.0.1:9/\n".write(to: directory.appendingPathComponent("x"), atomically: true, encoding: .utf8)
        return try await BinaryRunner.run(arguments, in: directory)
    }

    /// `--output` given the seeds file (or a link to it) truncated the seed list; now refused.
    @Test func theOutputIsNeverTheSeedsFile() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let seeds = directory.appendingPathComponent("seeds.txt")
        let text = "http://127.0.0.1:9/\n"
        try text.write(to: seeds, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("link.jsonl").path,
                                                   withDestinationPath: seeds.path)
        for output in ["seeds.txt", seeds.path, "link.jsonl"] {
            let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--output", output], in: directory)
            #expect(result.status == 64, "\(output): \(result.stderr)")
            #expect(result.stderr.contains("--output names the seeds file"), "\(result.stderr)")
            #expect(try String(contentsOf: seeds, encoding: .utf8) == text)
        }
    }

    @Test func seedsWithoutAValidURLAreAUsageErrorNamingTheLines() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "# comment\n\nnot a url\nftp://example.test/\n".write(
            to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt"], in: directory)
        #expect(result.status == 64)
        #expect(result.stderr.contains("seeds.txt:3"))
        #expect(result.stderr.contains("seeds.txt:4"))
        #expect(!result.stderr.contains("seeds.txt:1:"))
    }

    @Test(.timeLimit(.minutes(1)))
    func crawlsALocalSiteToJSONL() async throws {
        let site = try await DemoSite.start(DemoSiteConfig(hosts: 2, pagesPerHost: 40, slowPageEvery: 0, largePageEvery: 0))
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try (site.seeds.joined(separator: "\n") + "\nnot-a-url\n").write(
            to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--concurrency", "8", "--host-rate", "0", "--host-concurrency", "4"], in: directory)
        await site.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("seeds.txt:2"))
        #expect(result.stdout.isEmpty)
        // Default output: Output/crawl-<UTC time>.jsonl under the working directory.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("Output").path)
        let outputs = files.filter { $0.hasSuffix(".jsonl") }
        #expect(outputs.count == 1)
        #expect(files.contains { $0.hasSuffix(".jsonl.summary.json") })
        let name = try #require(outputs.first)
        // crawl-<run id>.jsonl, the run id being the UTC start time and four hex digits.
        #expect(name.wholeMatch(of: /crawl-\d{8}T\d{6}Z-[0-9a-f]{4}\.jsonl/) != nil, "\(name)")
        let data = try Data(contentsOf: directory.appendingPathComponent("Output").appendingPathComponent(name))
        let lines = data.split(separator: 0x0A)
        var urls = Set<String>()
        var covered = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let url = try #require(object["url"] as? String)
            urls.insert(url)
            covered.insert(url)
            if (object["redirects"] as? Int ?? 0) > 0, let final = object["final_url"] as? String { covered.insert(final) }
        }
        #expect(urls.contains(site.seeds[0]))
        #expect(urls.count == lines.count)
        #expect(covered == Set(site.manifest.pages.keys))
        // robots.txt is obeyed: disallowed URLs are recorded, never requested; each host's robots.txt
        // is requested once.
        #expect(site.stats.totalRequests == site.manifest.pages.count - site.manifest.robotsDisallowed.count + 2)
        #expect(site.stats.hits("/robots.txt") == 2)
        #expect(site.stats.log.allSatisfy { !$0.path.hasPrefix("/private/") })
        #expect(result.stderr.contains(" records=\(lines.count) "), "\(result.stderr)")
    }

    /// `--concurrency` against the open-file limit (`ulimit -n`), set by a shell that then becomes
    /// the crawl (exec). Past the limit sockets fail to open with EMFILE, which libcurl reports as
    /// "Couldn't connect": 100 transfers under a limit of 64 recorded healthy URLs as
    /// `connection_refused`, cancelled their hosts, and exited 3.
    @Test(.timeLimit(.minutes(1)))
    func concurrencyIsCheckedAgainstTheOpenFileLimit() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = BinaryRunner.binaryURL.path
        let demo = ["demo", "--hosts", "2", "--pages-per-host", "300", "--concurrency", "100", "--host-concurrency", "100", "--quiet"]
        // A hard limit of 64: nothing to raise, so the flag is refused before anything starts.
        let hard = try await BinaryRunner.run(
            ["-c", "ulimit -n 64 && exec \"$0\" \"$@\"", binary] + demo, in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(hard.status == 64, "\(hard.stderr)")
        #expect(hard.stderr.contains("--concurrency 100 needs up to 364 open files, and this process may open 64 (ulimit -n): raise the limit."),
                "\(hard.stderr)")
        // Only the soft limit at 64 (the hard one higher, as usual): the crawl raises it and runs clean.
        var hardLimit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &hardLimit) == 0, hardLimit.rlim_max >= 1024 else { return }
        let soft = try await BinaryRunner.run(
            ["-c", "ulimit -Sn 64 && exec \"$0\" \"$@\"", binary] + demo + ["--output", "out.jsonl"],
            in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(soft.status == 0, "\(soft.stderr)")
        let records = try Data(contentsOf: directory.appendingPathComponent("out.jsonl")).split(separator: 0x0A)
        let failed = try records.compactMap { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            .filter { ["connection_refused", "fetch_error", "error_budget_exhausted"].contains($0["outcome"] as? String) }
        #expect(records.count > 600)
        #expect(failed.isEmpty, "\(failed.prefix(3))")
    }

    /// `--include` / `--exclude` against a real server: only what they let through is requested;
    /// the seed is fetched although it matches no include; a redirect they leave out is recorded as
    /// `excluded` and its target never requested; the links left out are counted in the records and
    /// in the run summary.
    @Test(.timeLimit(.minutes(1)))
    func includeAndExcludeDecideWhatIsRequested() async throws {
        let server = try await LocalHTTPServer.start { request in
            switch request.path {
            case "/":
                return .html(#"<a href="/docs/a">a</a> <a href="/docs/b?sort=asc">b</a> <a href="/blog/x">x</a> <a href="/docs/old">old</a> <a href="/DOCS/upper">u</a>"#)
            case "/docs/a": return .html(#"<a href="/docs/c">c</a> <a href="/logout">out</a>"#)
            case "/docs/old": return .redirect(to: "/blog/new")
            case "/robots.txt": return .notFound()
            default: return .html("<title>leaf</title>")
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\(server.baseURL)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "out.jsonl", "--host-rate", "0", "--quiet",
             "--include", "(?i)/docs/", "--exclude", "[?&]sort=", "--exclude", "/logout"], in: directory)
        let paths = server.stats.log.map(\.uri)
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Set(paths) == ["/robots.txt", "/", "/docs/a", "/docs/c", "/docs/old", "/DOCS/upper"], "\(paths)")
        let data = try Data(contentsOf: directory.appendingPathComponent("out.jsonl"))
        var records: [String: [String: Any]] = [:]
        for line in data.split(separator: 0x0A) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            records[try #require(object["url"] as? String)] = object
        }
        let base = server.baseURL
        #expect(records.count == 5)
        #expect((records["\(base)/"]?["links_dropped"] as? [String: Any])?["excluded"] as? Int == 2)
        #expect((records["\(base)/docs/a"]?["links_dropped"] as? [String: Any])?["excluded"] as? Int == 1)
        #expect(records["\(base)/docs/old"]?["outcome"] as? String == "excluded")
        #expect(records["\(base)/docs/old"]?["redirect_target"] as? String == "\(base)/blog/new")
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("out.jsonl.summary.json"))) as? [String: Any])
        #expect((summary["links"] as? [String: Any])?["excluded"] as? Int == 3)
    }

    @Test func unwritableOutputExits1BeforeAnyFetch() async throws {
        let server = try await LocalHTTPServer.start { _ in .html("<title>x</title>") }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\(server.baseURL)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "/nonexistent-dir/out.jsonl"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent-dir/out.jsonl"))
        #expect(server.stats.totalRequests == 0)
        await server.shutdown()
    }

    @Test func outputToStdout() async throws {
        let server = try await LocalHTTPServer.start { request in
            request.path == "/" ? .html("<title>only</title>") : .notFound()
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "\(server.baseURL)/\n".write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--output", "-"], in: directory)
        await server.shutdown()
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"title\":\"only\"") == true)
    }
}
