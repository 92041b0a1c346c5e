import DemoSite
import Foundation
import Testing

/// A seed with a password (`http://user:pw@host/`): requests authenticate with it, links on the site
/// inherit it, and no output carries it (WebURL+Credentials).
@Suite("Passwords in seeds")
struct CredentialsCLITests {
    @Test(.timeLimit(.minutes(1)))
    func requestsUseThePasswordAndNoOutputHoldsIt() async throws {
        let expected = "Basic " + Data("crawler:s3cret-pw".utf8).base64EncodedString()
        let server = try await LocalHTTPServer.start { request in
            if request.path == "/robots.txt" { return .notFound() }
            guard request.header("Authorization") == expected else {
                return .html("<title>login</title>", status: 401)
            }
            switch request.path {
            case "/": return .html("<title>home</title><a href=/a>a</a><a href=b>b</a><a href=/redirect>r</a>")
            case "/redirect": return .redirect(to: "/b?from=r")
            default: return .html("<title>\(request.path)</title><a href=/>home</a>")
            }
        }
        let directory = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = "http://127.0.0.1:\(server.port)"
        let seed = "http://crawler:s3cret-pw@127.0.0.1:\(server.port)/"
        try (seed + "\n").write(to: directory.appendingPathComponent("seeds.txt"), atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl")
        let result = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--host-rate", "0", "--state", "state"], in: directory)
        let log = server.stats.log
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")

        // Every page was fetched with the credentials.
        let pages = log.filter { $0.path != "/robots.txt" }
        #expect(pages.count == 5)  // "/b" twice: as a link, and as the redirect's target "/b?from=r"
        #expect(Set(pages.map(\.path)) == ["/", "/a", "/b", "/redirect"])
        #expect(pages.allSatisfy { $0.header("Authorization") == expected })

        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(!text.contains("s3cret"), "\(text)")
        let summary = try String(contentsOf: URL(fileURLWithPath: output.path + ".summary.json"), encoding: .utf8)
        #expect(!summary.contains("s3cret"))
        #expect(!result.stderr.contains("s3cret"))
        let records = try StopAndBudgetCLITests.records(at: output)
        #expect(records.allSatisfy { $0["outcome"] as? String == "ok" }, "\(records)")
        let redacted = "http://crawler:***@127.0.0.1:\(server.port)"
        #expect(Set(records.compactMap { $0["url"] as? String })
            == Set(["/", "/a", "/b", "/redirect"].map { redacted + $0 }))
        #expect(Set(records.compactMap { $0["dedup_key"] as? String })
            == Set(["/", "/a", "/b", "/redirect"].map { redacted + $0 }))
        let redirect = try #require(records.first { ($0["url"] as? String)?.hasSuffix("/redirect") == true })
        #expect(redirect["final_url"] as? String == redacted + "/b?from=r")
        #expect(records.filter { $0["parent"] as? String == redacted + "/" }.count == 3)
        #expect(!records.contains { ($0["url"] as? String)?.hasPrefix(base) == true })

        // A second run on the same state finds every page done: the state's keys are the same ones.
        let again = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", "again.jsonl", "--host-rate", "0", "--state", "state"], in: directory)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try StopAndBudgetCLITests.records(at: directory.appendingPathComponent("again.jsonl")).isEmpty)
    }
}
