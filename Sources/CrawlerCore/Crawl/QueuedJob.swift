import CrawlURL

/// A job as it waits in a host queue: the form the frontier holds for every URL found and not yet
/// fetched, so its size is most of the frontier's memory per URL.
///
/// Nearly every queued job has never started: it is a URL, where it was found, and when it was
/// queued. Those keep only that, with the URL packed beside its host key (`WebURL.Packed`: the
/// origin is left out, as the host queue holding the job knows it): 80 bytes, where a whole
/// `FetchJob` takes 128, and a URL whose path and query fit 15 bytes needs no heap string of its own.
/// The few that carry more (a retry, a redirect hop, a robots.txt fetch, a URL of 64 KiB or more)
/// keep their whole `FetchJob` in a box. Unpacking, with the same host key, gives back an equal job.
struct QueuedJob: Sendable {
    private enum Storage: Sendable {
        case unstarted(Unstarted)
        case boxed(Box)
    }

    private struct Unstarted: Sendable {
        let url: WebURL.Packed
        let depth: Int32
        let parent: String?
        let fingerprint: URLFingerprint
        let revisit: Revisit?
        let queuedAtNanoseconds: Int64
    }

    private final class Box: Sendable {
        let job: FetchJob
        init(_ job: FetchJob) { self.job = job }
    }

    private let storage: Storage

    /// `hostKey`: the job's (`job.hostKey`), which the queue holding it is keyed by.
    init(_ job: FetchJob, hostKey: String) {
        if let queuedAt = job.unstartedQueuedAtNanoseconds, let url = job.origin.packed(omittingOrigin: hostKey) {
            storage = .unstarted(Unstarted(
                url: url, depth: Int32(clamping: job.depth), parent: job.parent, fingerprint: job.originFingerprint,
                revisit: job.revisit, queuedAtNanoseconds: queuedAt))
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
                unstarted: WebURL(unpacking: fields.url, hostKey: hostKey), fingerprint: fields.fingerprint, depth: Int(fields.depth),
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
        case .unstarted(let fields): return WebURL(unpacking: fields.url, hostKey: hostKey).requestTarget
        }
    }
}
