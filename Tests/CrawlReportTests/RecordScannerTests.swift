import Testing
@testable import CrawlReport

@Suite struct RecordScannerTests {
    func scan(_ text: String) -> (ok: Bool, record: ScannedRecord, strings: [String?]) {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { mbuf in
            let buf = UnsafeBufferPointer(mbuf)
            var r = ScannedRecord()
            guard var scanner = RecordScanner(buf) else { return (false, r, []) }
            let ok = scanner.scan(into: &r)
            let strings = [r.url, r.host, r.outcome, r.contentType].map { $0.flatMap { JSONText.decode($0, in: buf) } }
            return (ok, r, strings)
        }
    }

    @Test func picksFieldsAndSkipsTheRest() {
        let r = scan(#" { "extra": [1, {"a": [true, false, null]}, "x\"y"], "url": "https://e\u0078.test/\u00e9\ud83d\ude00", "host": "h", "#
            + #""outcome": "ok", "status": 201, "depth": 3, "bytes": 12345, "time_ms": 1.5e2, "attempts": 0, "#
            + #""timings": {"dns_ms": 0.0, "ttfb_ms": 0.25}, "content_type": null } "#)
        #expect(r.ok)
        #expect(r.strings == ["https://ex.test/é😀", "h", "ok", nil])
        #expect(r.record.status == 201 && r.record.depth == 3 && r.record.bytes == 12345)
        #expect(r.record.timeMs == 150 && r.record.attempts == 0 && r.record.ttfbMs == 0.25)
    }

    @Test(arguments: [
        "", "{", "}", "[]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":[1,]}",
        "{'a':1}", "{\"a\":\"unterminated}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(!scan(text).ok)
    }

    @Test func numbersParseExactly() {
        for (text, value) in [("0", 0.0), ("-0.5", -0.5), ("2.5", 2.5), ("1234.5", 1234.5), ("1e3", 1000), ("12345678901234567890123", 1.2345678901234568e22),
                              ("0.1", 0.1), ("302.2", 302.2), ("9007199254740993", 9007199254740992)] {
            let r = scan("{\"time_ms\":\(text)}")
            #expect(r.ok && r.record.timeMs == value, "\(text)")
        }
    }

    @Test func parsesTimestamps() {
        func ms(_ s: String) -> Int64? {
            var bytes = Array(("\"" + s + "\"").utf8)
            return bytes.withUnsafeMutableBufferPointer { JSONText.unixMilliseconds(StringSpan(start: 1, end: $0.count - 1, escaped: false), in: UnsafeBufferPointer($0)) }
        }
        #expect(ms("1970-01-01T00:00:00.000Z") == 0)
        #expect(ms("2026-11-22T14:31:06.268Z") == 1_795_357_866_268)
        #expect(ms("2026-11-22T15:31:06.2+01:00") == 1_795_357_866_200)
        #expect(ms("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(ms("2026-13-01T00:00:00Z") == nil)
        #expect(ms("2026-11-22 14:31") == nil)
        #expect(ReportFormat.timestamp(unixMs: 1_795_357_866_268) == "2026-11-22 14:31:06.268Z")
    }
}
