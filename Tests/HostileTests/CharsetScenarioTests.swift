import CrawlerCore
import DemoSite
import Foundation
import Testing

@Suite("Hostile scenarios: charsets")
struct CharsetScenarioTests {
    @Test("C4 charset disagreement", .timeLimit(.minutes(1)))
    func c4() async throws {
        // The header says ISO-8859-1, the <meta> says Shift_JIS, the BOM says UTF-8: the BOM wins
        // (BOM > HTTP header > <meta> > default), and the document is decoded once, as UTF-8.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let page = Array("<meta charset=shift_jis><title>Grüße – 日本</title><a href='/ü-日本'>x</a>".utf8)
        // A second page with only a header (Shift_JIS) and an invalid sequence before its link: the
        // bad bytes become U+FFFD and the link after them is still found.
        let sjisTitle: [UInt8] = [0x93, 0xFA, 0x96, 0x7B]  // 日本 in Shift_JIS
        let sjis = Array("<title>".utf8) + sjisTitle + [0xFF, 0xFE] + Array("</title><a href='/after-bad-bytes'>x</a>".utf8)
        let server = try await startServer { request in
            switch request.path {
            case "/":
                return ServerResponse(headers: [("Content-Type", "text/html; charset=ISO-8859-1")], body: .bytes(bom + page))
            case "/sjis":
                return ServerResponse(headers: [("Content-Type", "text/html; charset=Shift_JIS")], body: .bytes(sjis))
            default:
                return .html("<title>leaf</title>")
            }
        }
        let run = try await Scenario.run(seeds: [server.baseURL + "/", server.baseURL + "/sjis"])
        await server.shutdown()
        #expect(run.record(server.baseURL + "/")?.title == "Grüße – 日本")
        // The href's UTF-8 bytes, percent-encoded by the URL parser, are what the server was asked for.
        #expect(server.stats.log.contains { $0.uri == "/%C3%BC-%E6%97%A5%E6%9C%AC" }, "\(server.stats.log.map(\.uri))")
        #expect(run.outcome(server.baseURL + "/%C3%BC-%E6%97%A5%E6%9C%AC") == .ok)
        #expect(run.record(server.baseURL + "/sjis")?.title == "日本\u{FFFD}\u{FFFD}")
        #expect(run.outcome(server.baseURL + "/after-bad-bytes") == .ok)
    }
}
