/// How a run with durable state starts: what earlier runs left, and where to journal this one.
public struct ResumePlan: Sendable {
    public var journal: any CrawlJournal
    /// Every URL earlier runs admitted (done, queued or due for a re-fetch): none is admitted again.
    public var seen: SeenSet
    /// URLs waiting in the store: queued by an earlier run, or due for a re-fetch.
    public var queuedInStore: Int
    /// The first admission sequence number this run may use (greater than any stored).
    public var firstSequence: Int64
    /// Most URLs kept queued in memory; beyond that, admitted URLs wait in the store until the
    /// memory queue drains (so a frontier of millions costs disk, not RSS).
    public var memoryQueueLimit: Int
    /// robots.txt files earlier runs fetched less than 24 hours ago: used instead of fetching again.
    public var robots: [CachedRobots] = []

    public init(journal: any CrawlJournal, seen: SeenSet, queuedInStore: Int, firstSequence: Int64, memoryQueueLimit: Int = 10_000) {
        self.journal = journal
        self.seen = seen
        self.queuedInStore = queuedInStore
        self.firstSequence = firstSequence
        self.memoryQueueLimit = max(2, memoryQueueLimit)
    }
}

/// A host's robots.txt as an earlier run fetched it.
public struct CachedRobots: Sendable {
    /// The politeness key (`scheme://host:port`).
    public var host: String
    public var body: [UInt8]
    /// How long ago it was fetched.
    public var ageMs: Int64

    public init(host: String, body: [UInt8], ageMs: Int64) {
        self.host = host
        self.body = body
        self.ageMs = ageMs
    }
}
