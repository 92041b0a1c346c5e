import CrawlURL
import Foundation
import Testing
@testable import CrawlerCore

/// What the two structures that grow with the site cost per URL (everything else is bounded).
@Suite("Frontier footprint")
struct FrontierFootprintTests {
    /// Resident bytes of the process (Linux /proc/self/statm): coarse, so measured over 100k entries.
    private static func heapBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm")))
    func bytesPerQueuedURLAndPerSeenURL() {
        let count = 100_000
        let urls = (0..<count).compactMap { WebURL.parse("http://host\($0 % 100).example/section/page-\($0).html") }
        let parent = "http://host0.example/"

        let fingerprints = urls.map { URLFingerprint(key: $0.dedupKey) }
        let beforeSeen = Self.heapBytes()
        var seen = SeenSet()
        for fingerprint in fingerprints { seen.insert(fingerprint) }
        let seenBytes = Double(Self.heapBytes() - beforeSeen) / Double(count)

        let beforeQueue = Self.heapBytes()
        var scheduler = HostScheduler<FetchJob>(hostConcurrency: 2)
        for url in urls {
            let job = FetchJob(url: url, fingerprint: URLFingerprint(key: url.dedupKey), depth: 1, parent: parent)
            scheduler.enqueue(job, host: job.hostKey, depth: 1, now: .zero)
        }
        let queuedBytes = Double(Self.heapBytes() - beforeQueue) / Double(count)
        let seenStorage = Double(seen.storageBytes) / Double(count)
        let jobStride = MemoryLayout<FetchJob>.stride
        print(String(format: "frontier footprint: seen set %.1f bytes per URL (storage), %.1f resident; queued job %d bytes (stride), %.1f resident per URL", seenStorage, seenBytes, jobStride, queuedBytes))
        #expect(seen.count == count)
        #expect(scheduler.queuedCount == count)
        // Resident-memory deltas are only printed: other suites allocate in the same process meanwhile.
        // Asserted: the structures themselves. The seen set is a hash set of 8-byte fingerprints (at
        // most 2x slack after a doubling); a queued job is a fixed-size value (URL storage is shared),
        // kept at 128 bytes (it was 240 before its times, counters and redirect state were packed).
        #expect(seenStorage <= 24)
        #expect(jobStride <= 128)
    }
}
