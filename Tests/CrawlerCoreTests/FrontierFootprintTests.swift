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
        var scheduler = HostScheduler<QueuedJob>(hostConcurrency: 2)
        var paths = PathArena()
        for url in urls {
            let job = FetchJob(url: url, fingerprint: URLFingerprint(key: url.dedupKey), depth: 1, parent: parent)
            let host = job.hostKey
            scheduler.enqueue(QueuedJob(job, hostKey: host, paths: &paths), host: host, depth: 1, now: .zero)
        }
        let queuedBytes = Double(Self.heapBytes() - beforeQueue) / Double(count)
        let seenStorage = Double(seen.storageBytes) / Double(count)
        let queuedStride = MemoryLayout<QueuedJob>.stride
        print(String(format: "frontier footprint: seen set %.1f bytes per URL (storage), %.1f resident; queued job %d bytes (stride), %.1f resident per URL with its path bytes", seenStorage, seenBytes, queuedStride, queuedBytes))
        #expect(seen.count == count)
        #expect(scheduler.queuedCount == count)
        // Resident-memory deltas are only printed: other suites allocate in the same process meanwhile.
        // Asserted: the structures themselves. The seen set is a flat table of 8-byte fingerprints at
        // most 7/8 full (100,000 take 131,072 slots); a queued job is 80 bytes (a whole FetchJob is 128,
        // and was 240 before its times, counters and redirect state were packed).
        #expect(seenStorage <= 12)
        #expect(queuedStride <= 80)
        #expect(MemoryLayout<FetchJob>.stride <= 128)
    }
}
