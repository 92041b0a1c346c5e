import CrawlRuntime
import DemoSite
import Foundation
import Testing

/// Where seeds and report input come from: files, standard input (`-`), and pipes named by path
/// (`/dev/stdin`, as a shell's `<(...)` gives `/dev/fd/N`), which Foundation's whole-file read could
/// not read.
@Suite("Seed and report input", .serialized)
struct SeedInputCLITests {
    @Test(.timeLimit(.minutes(1)), arguments: ["-", "/dev/stdin"])
    func seedsFromAPipe(path: String) async throws {
        let server = try await LocalHTTPServer.start { request in
            request.path == "/" ? .html("<title>piped</title>") : .notFound()
        }
        let result = try await BinaryRunner.run(
            ["--seeds", path, "--output", "-", "--quiet"], input: Data("# from a pipe\n\(server.baseURL)/\n".utf8))
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"title\":\"piped\"") == true, "\(result.stdout)")
        #expect(server.stats.hits("/") == 1)
    }

    /// A seeds file saved with Windows line endings: "\r\n" is one `Character`, so a split of the
    /// text at "\n" ran every URL into the next as one seed.
    @Test(.timeLimit(.minutes(1)))
    func seedsWithWindowsLineEndings() async throws {
        let server = try await LocalHTTPServer.start { request in
            request.path == "/a" || request.path == "/b" ? .html("<title>\(request.path)</title>") : .notFound()
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "# seeds\r\n\(server.baseURL)/a\r\n\r\nnot a url\r\n\(server.baseURL)/b\r\n"
        try Data(text.utf8).write(to: directory.appendingPathComponent("seeds.txt"))
        let parsed = SeedFile(contents: text)
        #expect(parsed.seeds.map(\.href) == ["\(server.baseURL)/a", "\(server.baseURL)/b"])
        #expect(parsed.invalid.map(\.number) == [4])
        let result = try await BinaryRunner.run(["--seeds", "seeds.txt", "--output", "-", "--quiet"], in: directory)
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("seeds.txt:4: not a valid URL: not a url"), "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 2, "\(result.stdout)")
        #expect(server.stats.hits("/a") == 1)
        #expect(server.stats.hits("/b") == 1)
    }

    /// A UTF-8 byte order mark at the start (Notepad writes one) is not part of the first URL.
    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() {
        let bom = [UInt8]([0xEF, 0xBB, 0xBF])
        let first = SeedFile(bytes: bom + Array("http://127.0.0.1:9/a\nhttp://127.0.0.1:9/b\n".utf8))
        #expect(first.seeds.map(\.href) == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"])
        #expect(first.invalid.isEmpty)
        let comment = SeedFile(bytes: bom + Array("# list\r\nhttp://127.0.0.1:9/c\r\n".utf8))
        #expect(comment.seeds.map(\.href) == ["http://127.0.0.1:9/c"])
        #expect(comment.invalid.isEmpty)
        // Only at the start: a BOM elsewhere is a character of its line.
        let inner = SeedFile(bytes: Array("http://127.0.0.1:9/d\n".utf8) + bom + Array("http://127.0.0.1:9/e\n".utf8))
        #expect(inner.seeds.map(\.href) == ["http://127.0.0.1:9/d"])
        #expect(inner.invalid.map(\.number) == [2])
    }

    /// A line that is not UTF-8 (a Latin-1 "café") is reported, not crawled as a U+FFFD URL; UTF-8
    /// non-ASCII lines are seeds as before.
    @Test func aLineThatIsNotUTF8IsReported() {
        let latin1 = Array("http://127.0.0.1:9/caf".utf8) + [0xE9] + Array("\n".utf8)
        let utf8 = Array("http://127.0.0.1:9/café\n".utf8)
        let truncated = Array("http://127.0.0.1:9/x".utf8) + [0xC3] + Array("\r\n".utf8)
        let file = SeedFile(bytes: latin1 + utf8 + truncated + Array("# caf".utf8) + [0xE9] + Array("\n".utf8))
        #expect(file.seeds.map(\.href) == ["http://127.0.0.1:9/caf%C3%A9"])
        #expect(file.invalid.map(\.number) == [1, 3])
        #expect(file.invalid.allSatisfy { $0.reason == "not valid UTF-8: save the seeds file as UTF-8" })
    }

    /// A host written without a scheme is named as such (the standard reads "example.com:8080/" as
    /// the scheme "example.com", and "example.com" as no URL at all).
    @Test func aHostWithoutASchemeIsNamedAsSuch() {
        let lines = [
            "example.test", "www.example.test/a?b", "127.0.0.1:8080/", "localhost:3000", "[::1]:8080/x",
            "not a url", "mailto:me@example.test", "ftp://example.test/", "javascript:void(0)", "a.b c",
            "http://127.0.0.1:9/ok",
        ]
        let parsed = SeedFile(contents: lines.joined(separator: "\n"))
        let noScheme = "no scheme: write http:// or https:// before the host"
        #expect(parsed.invalid.map(\.reason) == Array(repeating: noScheme, count: 5) + [
            "not a valid URL", "not an http or https URL", "not an http or https URL", "not an http or https URL",
            "not a valid URL",
        ])
        #expect(parsed.seeds.map(\.href) == ["http://127.0.0.1:9/ok"])
    }

    @Test func invalidLinesOnStandardInputAreNamedAsSuch() async throws {
        let result = try await BinaryRunner.run(["--seeds", "-"], input: Data("not a url\n\n".utf8))
        #expect(result.status == 64)
        #expect(result.stderr.contains("(standard input):1: not a valid URL: not a url"), "\(result.stderr)")
        #expect(result.stderr.contains("(standard input) has no valid http(s) seed URL"), "\(result.stderr)")
    }

    @Test func emptyStandardInputIsAUsageError() async throws {
        let result = try await BinaryRunner.run(["--seeds", "-"], input: Data())
        #expect(result.status == 64)
        #expect(result.stderr.contains("has no valid http(s) seed URL"), "\(result.stderr)")
    }

    @Test func aDirectoryIsNamedAsOne() async throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await BinaryRunner.run(["--seeds", directory.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("cannot read seeds file \(directory.path): is a directory"), "\(result.stderr)")
    }

    @Test func aMissingFileIsNamedAsOne() async throws {
        let result = try await BinaryRunner.run(["--seeds", "/nonexistent-dir/seeds.txt"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("cannot read seeds file /nonexistent-dir/seeds.txt: no such file"), "\(result.stderr)")
    }

    @Test func seedsOverTheSizeLimitAreRefused() throws {
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("seeds.txt")
        let text = "http://127.0.0.1:9/a\nhttp://127.0.0.1:9/b\n"  // 42 bytes
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(try SeedFile.load(path: file.path, maxBytes: 42).seeds.count == 2)
        #expect {
            try SeedFile.load(path: file.path, maxBytes: 41)
        } throws: { error in
            (error as? SeedFile.ReadError)?.reason.hasPrefix("larger than 41") == true
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func reportReadsStandardInput() async throws {
        let line = #"{"schema_version":1,"url":"http://127.0.0.1:9/","host":"127.0.0.1:9","outcome":"ok","status":200,"bytes":10,"time_ms":1.5,"fetched_at":"2026-11-23T00:00:00.000Z","depth":0}"#
        let result = try await BinaryRunner.run(["report", "-"], input: Data((line + "\n" + line + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(standard input): 2 records"), "\(result.stdout)")
    }
}
