import CrawlerCore
import DemoSite
import Foundation
import Testing

@Suite("Hostile scenarios: data")
struct DataScenarioTests {
    @Test("D4 JSONL record containing U+2028/U+2029/U+0085 and CR", .timeLimit(.minutes(1)))
    func d4() async throws {
        let title = "a\u{2028}b\u{0085}c\rd\u{2029}e"
        let server = try await startServer { request in
            switch request.path {
            case "/": return .html("<title>\(title)</title><a href='/next\u{2028}x'>n</a>")
            default: return request.path.hasPrefix("/next") ? .html("<title>x\u{2029}y</title>") : nil
            }
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        // Scenario.run already checked: lines split on 0x0A == records, each a JSON object.
        #expect(run.records.count == 2)
        let record = try #require(run.record(server.baseURL + "/"))
        let written = try #require(run.lines.first { $0["url"]?.string == server.baseURL + "/" })
        // The separators survive the round trip through JSON (libxml2 turns the CR into LF in text).
        let decoded = try #require(written["title"]?.string)
        #expect(decoded == record.title)
        for scalar: Unicode.Scalar in ["\u{2028}", "\u{2029}", "\u{0085}"] {
            #expect(decoded.unicodeScalars.contains(scalar), "U+\(String(scalar.value, radix: 16))")
        }
        // The file JSONLWriter wrote: none of the line separators, and no CR, appear raw, so even a
        // reader splitting on every Unicode newline gets the records back.
        let bytes = run.output
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { ["\u{2028}", "\u{2029}", "\r"].contains($0) })
        #expect(bytes.split(separator: 0x0A).count == run.records.count)
        // U+0085 (NEL) is escaped too (as are all C1 controls), so even readers that split on Unicode
        // newlines (Python's str.splitlines, Swift's Character.isNewline) get one record per line.
        #expect(!text.unicodeScalars.contains("\u{0085}"))
        #expect(text.split(whereSeparator: \.isNewline).count == run.records.count)
    }
}
