import Foundation
import Testing
@testable import CrawlReport

/// Recomputes a few aggregates with an independent implementation (Python's json module) over the
/// same file and compares. Python splits on b"\n" (str.splitlines would break on U+2028, as the
/// schema warns), skips the unterminated last line and any line json.loads rejects.
@Suite struct PythonCrossCheckTests {
    static let script = #"""
import json, math, sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\n")
lines = lines[:-1]  # the part after the last newline is partial (or empty)
recs = []
for raw in lines:
    try:
        recs.append(json.loads(raw.decode("utf-8")))
    except Exception:
        pass
outcomes, hosts = {}, {}
for r in recs:
    outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    hosts[r["host"]] = hosts.get(r["host"], 0) + 1
times = sorted(r["time_ms"] for r in recs if r["attempts"] > 0)
def rank(v, q): return v[max(1, math.ceil(q * len(v))) - 1]
fails = {"timeout","timeout_connect","too_slow","partial_body","connection_reset","connection_refused","protocol_error",
         "too_large","decode_error","tls_error","dns_failure","fetch_error","rate_limited"}
print(json.dumps({
    "records": len(recs), "outcomes": outcomes, "hosts": hosts,
    "p50": rank(times, 0.5), "p90": rank(times, 0.9), "p99": rank(times, 0.99),
    "bytes": sum(r["bytes"] for r in recs),
    "failures": sum(1 for r in recs if r["outcome"] in fails or (r["status"] or 0) >= 500),
    "titles_with_u2028": sum(1 for r in recs if r["title"] and "\u2028" in r["title"]),
}))
"""#

    @Test func aggregatesMatchPython() throws {
        let dir = try TempDir()
        let text = Generated.lines(count: 3000) + "not json at all\n" + Generated.lines(count: 500, seed: 8) + "{\"url\":\"cut"
        let path = try dir.write("gen.jsonl", text)
        let s = try ReportSummary.read(paths: [path])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let py = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])

        let titles = try #require(py["titles_with_u2028"] as? Int)
        #expect(titles > 0)  // the fixture does exercise raw U+2028
        #expect(s.records == py["records"] as? Int)
        #expect(s.records == 3500)
        #expect(s.invalidLines == 1 && s.partialLastLines == 1)
        #expect(s.outcomes == py["outcomes"] as? [String: Int])
        #expect(Dictionary(uniqueKeysWithValues: s.hosts.map { ($0.host, $0.records) }) == py["hosts"] as? [String: Int])
        #expect(s.totalBytes == py["bytes"] as? Int)
        #expect(s.failures == py["failures"] as? Int)
        let time = try #require(s.timeMs)
        for (name, ours) in [("p50", time.p50), ("p90", time.p90), ("p99", time.p99)] {
            let exact = try #require(py[name] as? Double)
            #expect(abs(ours - exact) <= exact * LogHistogram.relativeError, "\(name): \(ours) vs exact \(exact)")
        }
    }
}
