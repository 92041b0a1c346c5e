import CrawlURL
import Testing
@testable import CrawlerCore

/// What the frontier keeps of a queued job must unpack to the job that was queued.
@Suite("Queued jobs")
struct QueuedJobTests {
    private static func facts(_ job: FetchJob) -> [String] {
        [job.origin.href, job.current.href, job.parent ?? "-", "\(job.originFingerprint.rawValue)", "\(job.depth)",
         "\(job.kind)", "\(job.queuedAt)", "\(job.startedAt.map { "\($0)" } ?? "-")", "\(job.fetchedAtMs)",
         "\(job.rateWait)", "\(job.attempts)", "\(job.redirects)", "\(job.hops.map(\.rawValue))",
         "\(job.reportsStart)", job.revisit?.etag ?? "-"]
    }

    private static func roundTrip(_ job: FetchJob) -> FetchJob {
        var paths = PathArena()
        return QueuedJob(job, hostKey: job.hostKey, paths: &paths).job(hostKey: job.hostKey)
    }

    @Test func anUnstartedJobKeepsEverything() throws {
        let url = try #require(WebURL.parse("https://example.com/a/b?c=d"))
        var job = FetchJob(url: url, fingerprint: URLFingerprint(key: url.href), depth: 70_000, parent: "https://example.com/")
        job.queuedAt = .milliseconds(1_234)
        job.revisit = Revisit(etag: "\"v1\"", lastModified: nil, contentHash: 7, hasLinks: true, followsOwnRedirects: false)
        #expect(job.unstartedQueuedAtNanoseconds == 1_234_000_000)
        #expect(Self.facts(Self.roundTrip(job)) == Self.facts(job))
    }

    @Test func startedAndSpecialJobsAreKeptWhole() throws {
        let url = try #require(WebURL.parse("http://127.0.0.1:8080/x"))
        let base = FetchJob(url: url, fingerprint: URLFingerprint(key: url.href), depth: 1, parent: nil)
        var variants: [FetchJob] = []
        var retried = base
        retried.attempts = 1
        variants.append(retried)
        var redirected = base
        redirected.current = try #require(WebURL.parse("http://127.0.0.1:8080/y"))
        redirected.redirects = 1
        redirected.hops.append(URLFingerprint(rawValue: 9))
        variants.append(redirected)
        var started = base
        started.startedAt = .seconds(3)
        started.fetchedAtMs = 5
        variants.append(started)
        var waited = base
        waited.rateWait = .milliseconds(2)
        variants.append(waited)
        var reporting = base
        reporting.reportsStart = true
        variants.append(reporting)
        variants.append(try #require(FetchJob.robots(for: url)))
        let credentials = try #require(WebURL.parse("http://u:p@example.com/z"))
        variants.append(FetchJob(url: credentials, fingerprint: URLFingerprint(rawValue: 1), depth: 0, parent: nil))
        let long = try #require(WebURL.parse("http://example.com/" + String(repeating: "a", count: 70_000)))
        variants.append(FetchJob(url: long, fingerprint: URLFingerprint(rawValue: 2), depth: 0, parent: nil))
        for job in variants {
            #expect(Self.facts(Self.roundTrip(job)) == Self.facts(job))
        }
        #expect(base.unstartedQueuedAtNanoseconds != nil)
        // The first six have started or are robots jobs; the last two have not, but do not pack beside
        // their host key (credentials) or at all (64 KiB or more).
        #expect(variants.prefix(6).allSatisfy { $0.unstartedQueuedAtNanoseconds == nil })
        #expect(variants.suffix(2).allSatisfy { $0.unstartedQueuedAtNanoseconds != nil })
    }

    @Test func manyJobsShareChunksAndUnpackFromThem() throws {
        var paths = PathArena()
        var queued: [(QueuedJob, String, String)] = []
        // About 3 chunks of paths, one path longer than a chunk among them, and empty paths.
        for index in 0..<6_000 {
            let path = index == 2_000 ? "/" + String(repeating: "p", count: PathArena.chunkBytes + 5) : "/section-\(index % 9)/page-\(index).html?q=\(index)"
            let url = try #require(WebURL.parse("https://h\(index % 3).example\(path)"))
            let job = FetchJob(url: url, fingerprint: URLFingerprint(key: url.href), depth: 2, parent: nil)
            queued.append((QueuedJob(job, hostKey: url.hostKey, paths: &paths), url.hostKey, url.href))
        }
        for (job, hostKey, href) in queued {
            #expect(job.job(hostKey: hostKey).current.href == href)
            #expect(job.requestTarget(hostKey: hostKey) == WebURL.parse(href)?.requestTarget)
        }
    }

    @Test func aChunkIsFreedWithItsLastJob() throws {
        weak var firstChunk: PathChunk?
        var paths = PathArena()
        do {
            let url = try #require(WebURL.parse("http://a.example/x"))
            let job = QueuedJob(FetchJob(url: url, fingerprint: URLFingerprint(rawValue: 1), depth: 0, parent: nil),
                                hostKey: url.hostKey, paths: &paths)
            let bytes: [UInt8] = Array(repeating: 0x61, count: PathArena.chunkBytes)
            // Nearly fills the job's chunk; the next bytes do not fit, so the arena moves on.
            firstChunk = bytes.withUnsafeBytes { paths.append(UnsafeRawBufferPointer(rebasing: $0[..<(PathArena.chunkBytes - 200)])).chunk }
            let second = bytes.withUnsafeBytes { paths.append(UnsafeRawBufferPointer(rebasing: $0[..<500])).chunk }
            #expect(firstChunk != nil && second !== firstChunk)
            #expect(job.job(hostKey: url.hostKey).current.href == "http://a.example/x")
        }
        // The job was the chunk's last holder, and the arena has moved on.
        #expect(firstChunk == nil)
        _ = [UInt8](repeating: 0, count: 1).withUnsafeBytes { paths.append($0) }
    }

    @Test func aQueuedJobIsSmallerThanAJob() {
        print("queued job: \(MemoryLayout<QueuedJob>.size) bytes (stride \(MemoryLayout<QueuedJob>.stride)); FetchJob \(MemoryLayout<FetchJob>.stride)")
        #expect(MemoryLayout<QueuedJob>.stride <= 80)
    }
}
