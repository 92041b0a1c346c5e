import Foundation
import Testing
@testable import CrawlReport

@Suite struct ReportAggregatorTests {
    /// 2026-01-01T00:00:00Z.
    static let t0: Int64 = 1_767_225_600

    static func fixture() -> String {
        func at(_ s: String) -> String { "2026-01-01T00:00:0\(s)Z" }
        let records = [
            FixtureRecord(url: "https://a.test/1", host: "a.test", outcome: "ok", status: 200, contentType: "text/html; charset=utf-8",
                          bytes: 1000, title: "Line\u{2028}separator", depth: 0, fetchedAt: at("0.100"), timeMs: 10, ttfbMs: 5),
            FixtureRecord(url: "https://a.test/2", host: "a.test", outcome: "ok", status: 200, contentType: "text/html",
                          bytes: 3000, title: "Two", depth: 1, fetchedAt: at("0.900"), timeMs: 30, ttfbMs: 10),
            FixtureRecord(url: "https://a.test/3", host: "a.test", outcome: "http_error", status: 503, contentType: "text/html",
                          bytes: 200, depth: 1, fetchedAt: at("1.000"), timeMs: 50, ttfbMs: 40),
            FixtureRecord(url: "https://a.test/4", host: "a.test", outcome: "robots_disallowed", status: nil, contentType: nil,
                          depth: 2, fetchedAt: at("1.500"), timeMs: 0, ttfbMs: nil, attempts: 0),
            FixtureRecord(url: "http://b.test:8080/1", host: "b.test:8080", outcome: "timeout", status: nil, contentType: nil,
                          depth: 1, fetchedAt: at("2.000"), timeMs: 20000, ttfbMs: nil, attempts: 3),
            FixtureRecord(url: "http://b.test:8080/2", host: "b.test:8080", outcome: "unsupported_content", status: 200,
                          contentType: "image/png", depth: 2, fetchedAt: at("2.001"), timeMs: 7, ttfbMs: 6),
            FixtureRecord(url: "http://b.test:8080/3", host: "b.test:8080", outcome: "http_error", status: 404, contentType: "text/html",
                          bytes: 150, depth: 2, fetchedAt: at("4.250"), timeMs: 12, ttfbMs: 11),
            FixtureRecord(url: "https://c.test/1", host: "c.test", outcome: "ok", status: 200, contentType: "Text/HTML ; q=1",
                          bytes: 5000, title: "Escaped \u{2028} \"quote\"", depth: 0, fetchedAt: at("4.999"), timeMs: 100, ttfbMs: 80),
            FixtureRecord(url: "https://c.test/2", host: "c.test", outcome: "rate_limited", status: 429, contentType: "text/plain",
                          bytes: 10, depth: 3, fetchedAt: at("5.000"), timeMs: 300, ttfbMs: 290),
        ]
        var lines = records.map(\.json)
        // Record 8's title as crawl's own writer may escape it: \u2028 must decode, not split.
        lines[7] = lines[7].replacingOccurrences(of: "\u{2028}", with: "\\u2028")
        lines.insert("{\"schema_version\":1,\"url\":\"https://a.test/broken\",", at: 4)  // an invalid middle line
        return lines.joined(separator: "\n") + "\n" + "{\"schema_version\":1,\"url\":\"https://c.test/cut"
    }

    @Test func aggregatesExactly() throws {
        let dir = try TempDir()
        let path = try dir.write("a.jsonl", Self.fixture())
        let s = try ReportSummary.read(paths: [path])

        #expect(s.records == 9)
        #expect(s.invalidLines == 1)
        #expect(s.partialLastLines == 1)
        var file = FileStats(path: path)
        file.bytesRead = Self.fixture().utf8.count
        file.records = 9
        file.invalidLines = 1
        file.partialLastLines = 1
        #expect(s.files == [file])
        #expect(s.outcomes == ["ok": 3, "http_error": 2, "robots_disallowed": 1, "timeout": 1, "unsupported_content": 1, "rate_limited": 1])
        #expect(s.statuses == [200: 4, 503: 1, 404: 1, 429: 1])
        #expect(s.statusClasses == ["2xx": 4, "4xx": 2, "5xx": 1, "none": 2])
        #expect(s.failures == 3)
        #expect(s.totalBytes == 9360)
        #expect(s.depths == [0: 2, 1: 3, 2: 3, 3: 1])
        #expect(s.contentTypes == [
            ContentTypeStats(mediaType: "text/html", count: 5, bytes: 9350),
            ContentTypeStats(mediaType: "text/plain", count: 1, bytes: 10),
            ContentTypeStats(mediaType: "(none)", count: 2, bytes: 0),
            ContentTypeStats(mediaType: "image/png", count: 1, bytes: 0),
        ])
        #expect(s.firstFetchMs == Self.t0 * 1000 + 100)
        #expect(s.lastFetchMs == Self.t0 * 1000 + 5000)
        #expect(s.untimedRecords == 0)
        #expect(s.timeline.bucketSeconds == 1)
        #expect(s.timeline.startUnixSeconds == Self.t0)
        #expect(s.timeline.totals == [2, 2, 2, 0, 2, 1])
        #expect(s.timeline.outcomes["ok"] == [2, 0, 0, 0, 1, 0])
        #expect(s.timeline.outcomes["timeout"] == [0, 0, 1, 0, 0, 0])
        #expect(s.timeline.ratePerSecond == [2, 2, 2, 0, 2, 1])

        // time_ms of the 8 records with attempts > 0: 7 10 12 30 50 100 300 20000 (nearest rank).
        let time = try #require(s.timeMs)
        #expect(time.count == 8)
        #expect(time.min == 7 && time.max == 20000)
        #expect(abs(time.p50 - 30) <= 30 * LogHistogram.relativeError)
        #expect(abs(time.p25 - 10) <= 10 * LogHistogram.relativeError)
        #expect(time.p90 == 20000 && time.p99 == 20000)  // clamped to the exact maximum
        #expect(time.mean == 20509.0 / 8)
        // ttfb of the 7 non-null timings: 5 6 10 11 40 80 290.
        let ttfb = try #require(s.ttfbMs)
        #expect(ttfb.count == 7)
        #expect(abs(ttfb.p50 - 11) <= 11 * LogHistogram.relativeError)

        #expect(s.hosts.map(\.host) == ["a.test", "b.test:8080", "c.test"])
        #expect(s.hosts.map(\.records) == [4, 3, 2])
        #expect(s.hosts.map(\.bytes) == [4200, 150, 5010])
        #expect(s.hosts[0].outcomes == ["ok": 2, "http_error": 1, "robots_disallowed": 1])
        #expect(s.hosts[0].timeMs?.count == 3)  // the robots_disallowed record made no request
        #expect(s.hosts[1].ttfbMs?.count == 2)
        #expect(s.failingHosts.map(\.host) == ["a.test", "b.test:8080", "c.test"])
        #expect(s.failingHosts.map(\.topFailure) == ["http_5xx", "timeout", "rate_limited"])

        #expect(s.slowest.map(\.url) == ["http://b.test:8080/1", "https://c.test/2", "https://c.test/1", "https://a.test/3",
                                         "https://a.test/2", "http://b.test:8080/3", "https://a.test/1", "http://b.test:8080/2",
                                         "https://a.test/4"])
        #expect(s.largest.prefix(6).map(\.bytes) == [5000, 3000, 1000, 200, 150, 10])
        #expect(s.largest.first == PageEntry(url: "https://c.test/1", host: "c.test", outcome: "ok", status: 200, timeMs: 100, bytes: 5000))
    }

    @Test func severalFilesAggregateTogether() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", Self.fixture())
        let b = try dir.write("b.jsonl", Self.fixture())
        let s = try ReportSummary.read(paths: [a, b])
        #expect(s.records == 18)
        #expect(s.files.count == 2)
        #expect(s.partialLastLines == 2 && s.invalidLines == 2)
        #expect(s.outcomes["ok"] == 6)
        #expect(s.timeline.totals == [4, 4, 4, 0, 4, 2])
        #expect(s.hosts.map(\.records) == [8, 6, 4])
        #expect(s.slowest.count == 10)
    }

    @Test func invalidLastLineWithNewlineCountsAsPartial() throws {
        let dir = try TempDir()
        let good = FixtureRecord(url: "https://x.test/", host: "x.test", outcome: "ok", status: 200, fetchedAt: "2026-01-01T00:00:00.000Z", timeMs: 1)
        let path = try dir.write("x.jsonl", good.json + "\n" + "{\"url\":\"https://x.t\n" + good.json + "\n" + "{\"url\":\n\n")
        let s = try ReportSummary.read(paths: [path])
        #expect(s.records == 2)
        #expect(s.invalidLines == 1)
        #expect(s.partialLastLines == 1)
    }

    @Test func unreadableFileNamesIt() throws {
        let missing = "/nonexistent-dir/crawl.jsonl"
        #expect {
            _ = try ReportSummary.read(paths: [missing])
        } throws: { error in
            (error as? ReportReadError)?.path == missing
        }
    }

    @Test func linesLongerThanAChunkAndHostileBytes() throws {
        let dir = try TempDir()
        let long = FixtureRecord(url: "https://x.test/" + String(repeating: "a", count: 3 << 20), host: "x.test", outcome: "ok",
                                 status: 200, fetchedAt: "2026-01-01T00:00:00.000Z", timeMs: 1)
        var text = long.json + "\n"
        text += "\u{FF}\u{00}garbage\n"                                                   // not JSON
        text += String(repeating: "[", count: 10_000) + "\n"                              // deep nesting
        text += "{\"url\":\"u\",\"host\":\"h\",\"outcome\":\"ok\",\"x\":\"\u{01}\"}\n"     // raw control char
        text += "{\"url\":\"u\",\"host\":\"h\",\"outcome\":\"ok\",\"time_ms\":1e400}\n"    // valid, absurd number
        text += long.json + "\n"
        let path = try dir.write("long.jsonl", text)
        let s = try ReportSummary.read(paths: [path])
        #expect(s.records == 3)
        #expect(s.invalidLines == 3)
        #expect(s.partialLastLines == 0)
        #expect(s.slowest.first?.url.utf8.count == 15 + (3 << 20))
        #expect(s.untimedRecords == 1)
    }

    @Test func timelineCoarsensWhenTheSpanIsLong() {
        var t = TimelineAccumulator()
        t.add(unixSeconds: 1_000_000, outcome: 0)
        t.add(unixSeconds: 1_000_000 + Int64(TimelineAccumulator.maxBuckets) * 3, outcome: 1)
        t.add(unixSeconds: 999_999, outcome: 0)
        let tl = t.timeline(outcomeNames: ["ok", "timeout"])
        #expect(tl.bucketSeconds == 4)
        #expect(tl.totals.count <= TimelineAccumulator.maxBuckets)
        #expect(tl.totals.reduce(0, +) == 3)
        #expect(tl.outcomes["ok"]?.reduce(0, +) == 2)
        #expect(tl.startUnixSeconds % 4 == 0 && tl.startUnixSeconds <= 999_999)
    }
}
