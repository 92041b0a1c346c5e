import CrawlURL

/// A job as it waits in a host queue: the form the frontier holds for every URL found and not yet
/// fetched, so its size is most of the frontier's memory per URL.
///
/// Nearly every queued job has never started: it is a URL, where it was found, and when it was
/// queued. Those keep only that, in 80 bytes where a whole `FetchJob` takes 128: the URL's component
/// offsets in 16 bits (`WebURL.Layout`), and its bytes from the path on in a `PathArena` (the origin
/// is left out, as the host queue holding the job knows its host key), with no heap string per URL.
/// The few that carry more (a retry, a redirect hop, a robots.txt fetch, a URL of 64 KiB or more)
/// keep their whole `FetchJob` in a box. Unpacking, with the same host key, gives back an equal job.
struct QueuedJob: Sendable {
    private enum Storage: Sendable {
        case unstarted(Unstarted)
        case boxed(Box)
    }

    // Field order is layout: 8-byte fields first, then the 19-byte layout and the narrow fields
    // packed behind it, 80 bytes in all (`QueuedJobTests` checks).
    private struct Unstarted: Sendable {
        let chunk: PathChunk
        let fingerprint: URLFingerprint
        let revisit: Revisit?
        let queuedAtNanoseconds: Int64
        let parent: String?
        let layout: WebURL.Layout
        let storedCount: UInt16
        let offset: UInt32
        let depth: Int32
    }

    private final class Box: Sendable {
        let job: FetchJob
        init(_ job: FetchJob) { self.job = job }
    }

    private let storage: Storage

    /// `hostKey`: the job's (`job.hostKey`), which the queue holding it is keyed by. `paths` keeps
    /// the URL's bytes.
    init(_ job: FetchJob, hostKey: String, paths: inout PathArena) {
        if let queuedAt = job.unstartedQueuedAtNanoseconds,
           let unstarted = job.origin.withPacked(omittingOrigin: hostKey, { layout, stored -> Unstarted in
               let (chunk, offset) = paths.append(stored)
               return Unstarted(
                   chunk: chunk, fingerprint: job.originFingerprint, revisit: job.revisit,
                   queuedAtNanoseconds: queuedAt, parent: job.parent, layout: layout,
                   storedCount: UInt16(truncatingIfNeeded: stored.count), offset: offset,
                   depth: Int32(clamping: job.depth))
           }) {
            storage = .unstarted(unstarted)
        } else {
            storage = .boxed(Box(job))
        }
    }

    /// The job that was queued; `hostKey` is the one it was queued with.
    func job(hostKey: String) -> FetchJob {
        switch storage {
        case .boxed(let box):
            return box.job
        case .unstarted(let fields):
            return FetchJob(
                unstarted: url(fields, hostKey: hostKey), fingerprint: fields.fingerprint, depth: Int(fields.depth),
                parent: fields.parent, revisit: fields.revisit, queuedAtNanoseconds: fields.queuedAtNanoseconds)
        }
    }

    var kind: FetchJob.Kind {
        switch storage {
        case .boxed(let box): return box.job.kind
        case .unstarted: return .page
        }
    }

    /// The path and query of the hop to fetch next (what robots.txt rules are matched against).
    func requestTarget(hostKey: String) -> String {
        switch storage {
        case .boxed(let box): return box.job.current.requestTarget
        case .unstarted(let fields): return url(fields, hostKey: hostKey).requestTarget
        }
    }

    private func url(_ fields: Unstarted, hostKey: String) -> WebURL {
        fields.chunk.withBytes(at: fields.offset, count: Int(fields.storedCount)) {
            WebURL(unpacking: fields.layout, hostKey: hostKey, storedUTF8: $0)
        }
    }
}
