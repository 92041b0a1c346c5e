import Testing

/// Which test covers each scenario of `Fixtures/hostile_cases.json` (by the id in its display name).
/// D1-D3 run the built binary and live in Tests/CLITests/StateCLITests.swift.
enum ScenarioIndex {
    static let table: [String: String] = [
        "R1": "R1 redirect loop to self",
        "R2": "R2 two-URL ping-pong loop",
        "R3": "R3 long redirect chain 1000 hops",
        "R4": "R4 redirect to another host",
        "R5": "R5 redirect to non-http scheme",
        "R6": "R6 redirect to a loopback/private address from a seeded page",
        "R7": "R7 Location header missing, empty, relative, or with spaces/CRLF",
        "R8": "R8 meta refresh / JS redirect loops",
        "S1": "S1 server accepts and never answers",
        "S2": "S2 connect never completes",
        "S3": "S3 trickle body (slowloris-style response) 2 bytes/s",
        "S4": "S4 trickle headers",
        "S5": "S5 fast trickle that defeats a low-speed limit",
        "S6": "S6 connection closed mid-body (Content-Length lie)",
        "S7": "S7 TCP RST mid-body",
        "S8": "S8 Content-Length smaller than body",
        "S9": "S9 connection refused / nothing listening",
        "S10": "S10 garbage instead of HTTP",
        "Z1": "Z1 huge Content-Length",
        "Z2": "Z2 no Content-Length, infinite body",
        "Z3": "Z3 infinite chunked body",
        "Z4": "Z4 gzip bomb",
        "Z5": "Z5 brotli bomb",
        "Z6": "Z6 stacked content encodings",
        "Z7": "Z7 corrupt gzip",
        "Z8": "Z8 endless response headers",
        "Z9": "Z9 single 200 KiB header line",
        "Z10": "Z10 oversized robots.txt",
        "C1": "C1 binary served as text/html",
        "C2": "C2 non-HTML types",
        "C3": "C3 invalid UTF-8",
        "C4": "C4 charset disagreement",
        "C5": "C5 deeply nested HTML",
        "C6": "C6 embedded NUL byte",
        "C7": "C7 pathological attribute and entity values",
        "C8": "C8 too many links on one page",
        "C9": "C9 <base href> games",
        "T1": "T1 infinite calendar",
        "T2": "T2 ever-growing path",
        "T3": "T3 session id in every URL",
        "T4": "T4 query permutations / faceted navigation",
        "T5": "T5 duplicate content under many URLs",
        "T6": "T6 per-host page explosion",
        "P1": "P1 429 with Retry-After seconds",
        "P2": "P2 Retry-After as HTTP-date, in the past, negative, garbage, huge",
        "P3": "P3 503 storm",
        "P4": "P4 token bucket holds per host",
        "P5": "P5 Crawl-delay absurd values",
        "B404": "B404 robots.txt answers 404",
        "B410": "B410 robots.txt answers 410",
        "B401": "B401 robots.txt answers 401",
        "B403": "B403 robots.txt answers 403",
        "B429": "B429 robots.txt answers 429",
        "B500": "B500 robots.txt answers 500",
        "B503": "B503 robots.txt answers 503",
        "B-net": "B-net robots.txt fetch fails at network level",
        "B-redirect": "B-redirect robots.txt redirects",
        "B-cache": "B-cache robots.txt changes during the run",
        "B-html": "B-html robots.txt served as HTML 200 (soft 404)",
        "U1": "U1 non-http schemes in links",
        "U2": "U2 links to private/loopback/link-local addresses",
        "U3": "U3 very long URLs",
        "U4": "U4 URL parser differential: one URL string from parser to libcurl",
        "U5": "U5 IDN and homograph hosts",
        "N1": "N1 self-signed / expired / wrong-name certificate",
        "N2": "N2 DNS failure",
        "D1": "D1 kill -9 during a run, then rerun",
        "D2": "D2 two cron runs overlap",
        "D3": "D3 disk full / write error mid-run",
        "D4": "D4 JSONL record containing U+2028/U+2029/U+0085 and CR",
    ]
}

@Suite("Hostile scenarios: index")
struct ScenarioIndexTests {
    @Test("every scenario of the fixture is in the index")
    func everyScenarioIsIndexed() {
        let fixture = HostileFixture.shared
        #expect(fixture.cases.count == fixture.count && fixture.count == 70)
        let ids = Set(fixture.cases.map(\.id))
        let missing = ids.subtracting(ScenarioIndex.table.keys)
        #expect(missing.isEmpty, "not indexed: \(missing.sorted())")
        #expect(Set(ScenarioIndex.table.keys).subtracting(ids).isEmpty, "indexed but not in the fixture")
        // Each id's test is named after it (the display name starts with the id).
        for (id, name) in ScenarioIndex.table {
            #expect(name.hasPrefix(id + " "), "\(id) -> \(name)")
        }
    }
}
