import CrawlURL

/// Durable state hooks for a crawl run with `--state`. The crawl logic calls these; the SQLite store
/// (module CrawlStore) implements them on a thread of its own. Every call only queues work and
/// returns at once, so it may be made from fetch workers, parse threads and the output writer.
///
/// Crash safety rests on an order the crawler keeps: a URL is journaled as admitted before any record
/// that could lead to it, and a URL is marked done only after its record reached the output file
/// (`recordsWritten` is called by the record sink after `write(2)`). So a killed run loses no queued
/// URL and no record; what was in flight is fetched again.
public protocol CrawlJournal: Sendable {
    /// URLs just admitted to the frontier (kept in memory or left on disk), in admission order.
    func admitted(_ entries: [JournalAdmission])
    /// Blocks until everything journaled so far is committed. The record sink calls it (on its own
    /// thread) before writing records: a record's links were admitted before the record was made, so
    /// once they are committed, a crash right after the write cannot lose them, even though the next
    /// run marks the record's URL done from the output file. Returns the error when the commit failed
    /// (the disk is full, the database broke): the sink must then not write the records, since the
    /// links they admitted would be lost with them.
    func commitPending() -> (any Error)?
    /// Records that reached the output, in output order; `outputBytes` is the output's size after
    /// them. Their URLs are done, or go back to the queue (see `JournalMark.Disposition`).
    func recordsWritten(_ marks: [JournalMark], outputBytes: Int64)
    /// Reads up to `limit` queued URLs that follow `cursor` (in queue order) and passes them to
    /// `completion`, on the store's thread, after every change journaled before this call.
    func loadQueued(after cursor: QueueCursor, limit: Int, completion: @escaping @Sendable ([RestoredURL]) -> Void)
    /// A host's robots.txt was fetched: its body (empty when the file was unavailable, which allows
    /// everything), cached for later runs within RFC 9309's 24 hours.
    func robotsFetched(host: String, body: [UInt8], fetchedAtMs: Int64)
    /// The in-scope links a page had when it was last parsed (for a 304 answer).
    func storedLinks(of fingerprint: URLFingerprint, completion: @escaping @Sendable ([String]) -> Void)
}

/// A position in the durable queue: URLs are ordered by admission sequence, then fingerprint.
public struct QueueCursor: Sendable, Equatable, Comparable {
    public var sequence: Int64
    public var fingerprint: Int64

    public init(sequence: Int64, fingerprint: Int64) {
        self.sequence = sequence
        self.fingerprint = fingerprint
    }

    /// Before every URL.
    public static let start = QueueCursor(sequence: .min, fingerprint: .min)

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.sequence, lhs.fingerprint) < (rhs.sequence, rhs.fingerprint)
    }
}

/// A URL admitted to the frontier.
public struct JournalAdmission: Sendable, Equatable {
    public var fingerprint: URLFingerprint
    public var url: String
    public var depth: Int
    public var parent: String?
    /// Admission sequence: the queue order across runs.
    public var sequence: Int64

    public init(fingerprint: URLFingerprint, url: String, depth: Int, parent: String?, sequence: Int64) {
        self.fingerprint = fingerprint
        self.url = url
        self.depth = depth
        self.parent = parent
        self.sequence = sequence
    }
}

/// What a written record means for its URL's durable state.
public struct JournalMark: Sendable {
    public enum Disposition: Sendable {
        /// The URL is done: a later run does not fetch it again (unless `--recrawl-after` says so).
        case done
        /// The record says this run did not get to fetch it (cancelled, its host given up for this
        /// run): the URL stays queued for the next run.
        case released
    }

    public var fingerprint: URLFingerprint
    /// Redirect hops after the origin: seen, so that a later run does not fetch them on their own.
    public var hops: [URLFingerprint]
    public var disposition: Disposition
    public var status: Int?
    public var outcome: Outcome
    public var fetchedAtMs: Int64
    /// Validators for a conditional re-fetch.
    public var etag: String?
    public var lastModified: String?
    public var contentHash: UInt64?
    /// The page's in-scope links, newline-separated (nil: keep what is stored, e.g. after a 304).
    public var links: String?

    public init(
        fingerprint: URLFingerprint, hops: [URLFingerprint] = [], disposition: Disposition, status: Int?,
        outcome: Outcome, fetchedAtMs: Int64, etag: String? = nil, lastModified: String? = nil,
        contentHash: UInt64? = nil, links: String? = nil
    ) {
        self.fingerprint = fingerprint
        self.hops = hops
        self.disposition = disposition
        self.status = status
        self.outcome = outcome
        self.fetchedAtMs = fetchedAtMs
        self.etag = etag
        self.lastModified = lastModified
        self.contentHash = contentHash
        self.links = links
    }

    /// Outcomes that say the run did not get to the URL, rather than what the URL is.
    public static func disposition(for outcome: Outcome) -> Disposition {
        switch outcome {
        case .cancelled, .errorBudgetExhausted, .robotsUnreachable, .crawlDelayTooLong: return .released
        default: return .done
        }
    }
}

/// A queued URL read back from the store.
public struct RestoredURL: Sendable {
    public var fingerprint: URLFingerprint
    public var url: String
    public var depth: Int
    public var parent: String?
    public var cursor: QueueCursor
    /// Set when the URL was fetched before and is due for a re-fetch (`--recrawl-after`).
    public var revisit: Revisit?

    public init(fingerprint: URLFingerprint, url: String, depth: Int, parent: String?, cursor: QueueCursor, revisit: Revisit?) {
        self.fingerprint = fingerprint
        self.url = url
        self.depth = depth
        self.parent = parent
        self.cursor = cursor
        self.revisit = revisit
    }
}

/// What is known of a URL's last fetch, for a conditional re-fetch. A class so a job carries one
/// pointer (almost every job has none).
public final class Revisit: Sendable {
    public let etag: String?
    public let lastModified: String?
    public let contentHash: UInt64?
    /// Links were stored at the last parse.
    public let hasLinks: Bool
    /// The last fetch followed its redirects to the end (it was not a `duplicate`): its redirect
    /// targets are its own (aliases in the seen set), so a re-fetch follows them again.
    public let followsOwnRedirects: Bool

    public init(etag: String?, lastModified: String?, contentHash: UInt64?, hasLinks: Bool, followsOwnRedirects: Bool = true) {
        self.etag = etag
        self.lastModified = lastModified
        self.contentHash = contentHash
        self.hasLinks = hasLinks
        self.followsOwnRedirects = followsOwnRedirects
    }
}
