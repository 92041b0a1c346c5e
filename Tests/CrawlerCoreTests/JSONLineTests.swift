import Foundation
import Synchronization
import Testing
@testable import CrawlerCore

@Suite("JSONL records")
struct JSONLineTests {
    private func sampleRecord(title: String?) -> CrawlRecord {
        CrawlRecord(
            url: "http://a.test/x?q=\"1\"", finalURL: "http://a.test/y", host: "a.test", depth: 2,
            parent: nil, status: 200, outcome: .ok, contentType: "text/html", bytes: 1234, title: title,
            linksFound: 7, linksEnqueued: 3, redirects: 1, fetchedAtMs: 1_795_000_000_123, timeMs: 12.34,
            timings: FetchTimings(dnsMs: 0.04, connectMs: 0.2, tlsMs: 0, ttfbMs: 3.05), error: nil
        )
    }

    private func encode(_ record: CrawlRecord) -> [UInt8] {
        var line: [UInt8] = []
        record.encodeLine(into: &line)
        return line
    }

    @Test func oneLineOfValidJSONWithEveryField() throws {
        let line = encode(sampleRecord(title: "Tab\there \u{2028}sep\u{2029} \u{0}nul \u{1F600} \\ \" end"))
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        // U+2028/U+2029 must be escaped, never raw.
        let text = String(decoding: line, as: UTF8.self)
        #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"))
        #expect(text.contains("\\u2028") && text.contains("\\u2029") && text.contains("\\u0000"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["title"] as? String == "Tab\there \u{2028}sep\u{2029} \u{0}nul \u{1F600} \\ \" end")
        #expect(object["url"] as? String == "http://a.test/x?q=\"1\"")
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["status"] as? Int == 200)
        #expect(object["outcome"] as? String == "ok")
        #expect(object["parent"] is NSNull)
        #expect(object["error"] is NSNull)
        #expect(object["fetched_at"] as? String == "2026-11-18T11:06:40.123Z")
        #expect(object["time_ms"] as? Double == 12.3)
        let timings = try #require(object["timings"] as? [String: Any])
        #expect(timings["ttfb_ms"] as? Double == 3.1)
        for key in ["final_url", "host", "depth", "content_type", "bytes", "links_found", "links_enqueued",
                    "redirects", "redirect_target"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
    }

    /// `content_hash` is written straight into the line; it must read as `ContentHash.hex` does
    /// (16 lowercase digits, zero-padded), and be null without a hash.
    @Test func contentHashIsSixteenHexDigits() throws {
        for hash: UInt64 in [0, 1, 0xABC, 0x0123_4567_89AB_CDEF, 0xF000_0000_0000_000F, .max] {
            var record = sampleRecord(title: nil)
            record.contentHash = hash
            let object = try #require(JSONSerialization.jsonObject(with: Data(encode(record))) as? [String: Any])
            #expect(object["content_hash"] as? String == ContentHash.hex(hash))
        }
        #expect(ContentHash.hex(0xABC) == "0000000000000abc")
        let object = try #require(JSONSerialization.jsonObject(with: Data(encode(sampleRecord(title: nil)))) as? [String: Any])
        #expect(object["content_hash"] is NSNull)
    }

    @Test func rfc3339Formatting() {
        #expect(RFC3339.format(millisecondsSinceEpoch: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: 951_782_400_999) == "2000-02-29T00:00:00.999Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: -1) == "1969-12-31T23:59:59.999Z")
        // Each field zero-padded to its width (values from Python's datetime).
        #expect(RFC3339.format(millisecondsSinceEpoch: 1_795_402_231_007) == "2026-11-23T02:50:31.007Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: 1_234_567_890_123) == "2009-02-13T23:31:30.123Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: 4_102_444_799_999) == "2099-12-31T23:59:59.999Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: -2_208_988_800_001) == "1899-12-31T23:59:59.999Z")
        // Regression (Fuzz/Regressions/jsonl/F1): values near Int64.min trapped on overflow; out of
        // range values are clamped to the four-digit years RFC 3339 can write.
        #expect(RFC3339.format(millisecondsSinceEpoch: .min) == "0000-01-01T00:00:00.000Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: .min + 1) == "0000-01-01T00:00:00.000Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: .max) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.format(millisecondsSinceEpoch: -62_167_219_200_000) == "0000-01-01T00:00:00.000Z")
    }

    @Test func writerProducesWholeLinesFromManyThreads() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JSONLWriter(path: path, flushThreshold: 4096)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 { writer.write(sampleRecord(title: "t\(task)-\(index)")) }
                }
            }
        }
        try await writer.finish()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = data.split(separator: 0x0A)
        #expect(lines.count == 4000)
        var titles = Set<String>()
        for line in lines {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            titles.insert(object["title"] as? String ?? "")
        }
        #expect(titles.count == 4000)
    }

    /// The writer asks for each further MiB it wrote to be started to disk, in order and without gaps,
    /// so the final `fsync` has at most about a MiB left to wait for; the file is unchanged by it.
    @Test func writerStartsWritebackOfEachWrittenMiB() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ranges = Mutex<[(Int32, Int64, Int64)]>([])
        let writer = try JSONLWriter(path: path, flushThreshold: 64 << 10, startWriteback: { descriptor, offset, length in
            ranges.withLock { $0.append((descriptor, offset, length)) }
        })
        let title = String(repeating: "x", count: 900)
        for index in 0..<6000 { writer.write(sampleRecord(title: "\(index)-\(title)")) }
        try await writer.finish()
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
        #expect(size > 5 * JSONLWriter.writebackChunk)
        let seen = ranges.withLock { $0 }
        #expect(seen.count >= 5)
        var next: Int64 = 0
        for (descriptor, offset, length) in seen {
            #expect(descriptor >= 0)
            #expect(offset == next)
            #expect(length >= JSONLWriter.writebackChunk)
            next = offset + length
        }
        // What is left for the final fsync: less than a chunk.
        #expect(size - next < JSONLWriter.writebackChunk)
        let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A)
        #expect(lines.count == 6000)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0))) != nil })
    }

    /// Two runs given one output file: the second is refused before it truncates the file (both
    /// used to write it, and it held torn records).
    @Test func aFileBeingWrittenIsRefusedToASecondWriter() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try JSONLWriter(path: path)
        for index in 0..<100 { first.write(sampleRecord(title: "first \(index)")) }
        var refused: JSONLWriter.OpenError?
        do {
            _ = try JSONLWriter(path: path)
        } catch let error as JSONLWriter.OpenError {
            refused = error
        }
        #expect(refused?.inUse == true, "\(String(describing: refused))")
        try await first.finish()
        let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A)
        #expect(lines.count == 100)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0))) != nil })

        // Once the first is done, the file is free again, and truncated as before.
        let second = try JSONLWriter(path: path)
        second.write(sampleRecord(title: "second"))
        try await second.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).count == 1)

        // Devices are shared: two runs may both write to /dev/null.
        let nullA = try JSONLWriter(path: "/dev/null")
        let nullB = try JSONLWriter(path: "/dev/null")
        try await nullA.finish()
        try await nullB.finish()
    }

    @Test func unwritableOutputFailsToOpen() {
        #expect(throws: JSONLWriter.OpenError.self) {
            _ = try JSONLWriter(path: "/nonexistent-dir-\(UUID())/out.jsonl")
        }
    }
}
