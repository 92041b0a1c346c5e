import CrawlerCore

/// The state database as the store's thread uses it: one connection and its prepared statements.
/// Confined to that thread (see `StateStore`).
final class StateSession {
    let db: SQLiteConnection
    private let insertURL: SQLiteStatement
    private let markDone: SQLiteStatement
    private let insertAlias: SQLiteStatement
    private let updateRunBytes: SQLiteStatement
    private let selectQueue: SQLiteStatement
    private let selectLinks: SQLiteStatement
    private let upsertRobots: SQLiteStatement
    var runID = ""

    init(path: String) throws {
        db = try SQLiteConnection(path: path)
        try db.execute(StateSchema.pragmas)
        try db.execute("BEGIN IMMEDIATE")
        do {
            try db.execute(StateSchema.create)
            let version = try db.integer("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'")
            if let version, version != StateSchema.version {
                throw SQLiteError(code: 0, message: "state schema version \(version) is not supported (expected \(StateSchema.version))")
            }
            try db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '\(StateSchema.version)')")
            // Body hashes are compared across runs (`changed`): hashes made by another version of
            // `ContentHash` would all differ, so they are dropped, and a re-fetch then reports
            // `changed: null` (nothing to compare with) rather than a change that did not happen.
            let hashVersion = try db.integer("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'content_hash_version'")
            if hashVersion != Int64(ContentHash.version) {
                try db.execute("UPDATE urls SET content_hash = NULL WHERE content_hash IS NOT NULL")
                try db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('content_hash_version', '\(ContentHash.version)')")
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        insertURL = try db.prepare(
            "INSERT OR IGNORE INTO urls(seq, fp, url, depth, parent, state, run) VALUES (?, ?, ?, ?, ?, 0, ?)")
        markDone = try db.prepare("""
            UPDATE urls SET state = 1, status = ?, outcome = ?, fetched_at = ?, etag = ?, last_modified = ?,
                content_hash = COALESCE(?, content_hash), links = COALESCE(?, links), run = ?
            WHERE fp = ?
            """)
        insertAlias = try db.prepare("INSERT OR IGNORE INTO aliases(fp) VALUES (?)")
        updateRunBytes = try db.prepare("UPDATE runs SET output_bytes = ? WHERE id = ?")
        selectQueue = try db.prepare("""
            SELECT seq, fp, url, depth, parent, fetched_at, etag, last_modified, content_hash, links IS NOT NULL, outcome
            FROM urls WHERE state = 0 AND seq > ? ORDER BY seq LIMIT ?
            """)
        selectLinks = try db.prepare("SELECT links FROM urls WHERE fp = ?")
        upsertRobots = try db.prepare("INSERT OR REPLACE INTO robots(host, body, fetched_at) VALUES (?, ?, ?)")
    }

    // MARK: - Journal

    func admit(_ entry: JournalAdmission) throws {
        try insertURL.run(
            .integer(entry.sequence), .integer(Int64(bitPattern: entry.fingerprint.rawValue)), .text(entry.url),
            .int(entry.depth), .optional(entry.parent), .text(runID))
    }

    func apply(_ mark: JournalMark) throws {
        for hop in mark.hops {
            try insertAlias.run(.integer(Int64(bitPattern: hop.rawValue)))
        }
        // A released URL (cancelled, host given up) keeps state 0: queued for the next run.
        guard mark.disposition == .done else { return }
        try markDone.run(
            .optional(mark.status), .text(mark.outcome.rawValue), .integer(mark.fetchedAtMs), .optional(mark.etag),
            .optional(mark.lastModified), mark.contentHash.map { .integer(Int64(bitPattern: $0)) } ?? .null,
            .optional(mark.links), .text(runID), .integer(Int64(bitPattern: mark.fingerprint.rawValue)))
    }

    func robotsFetched(host: String, body: [UInt8], fetchedAtMs: Int64) throws {
        try upsertRobots.run(.text(host), .blob(body), .integer(fetchedAtMs))
    }

    func committedOutput(bytes: Int64) throws {
        try updateRunBytes.run(.integer(bytes), .text(runID))
    }

    func queued(after cursor: QueueCursor, limit: Int) throws -> [RestoredURL] {
        try selectQueue.bind(.integer(cursor.sequence == .min ? -1 : cursor.sequence), .int(limit))
        var rows: [RestoredURL] = []
        rows.reserveCapacity(limit)
        while try selectQueue.step() {
            let sequence = selectQueue.int64(0)
            let fingerprint = selectQueue.int64(1)
            var revisit: Revisit?
            if !selectQueue.isNull(5) {
                revisit = Revisit(
                    etag: selectQueue.text(6), lastModified: selectQueue.text(7),
                    contentHash: selectQueue.isNull(8) ? nil : UInt64(bitPattern: selectQueue.int64(8)),
                    hasLinks: selectQueue.int64(9) != 0, followsOwnRedirects: selectQueue.text(10) != Outcome.duplicate.rawValue)
            }
            rows.append(RestoredURL(
                fingerprint: URLFingerprint(rawValue: UInt64(bitPattern: fingerprint)), url: selectQueue.text(2) ?? "",
                depth: Int(selectQueue.int64(3)), parent: selectQueue.text(4),
                cursor: QueueCursor(sequence: sequence, fingerprint: fingerprint), revisit: revisit))
        }
        return rows
    }

    func links(of fingerprint: URLFingerprint) throws -> [String] {
        try selectLinks.bind(.integer(Int64(bitPattern: fingerprint.rawValue)))
        guard try selectLinks.step(), let text = selectLinks.text(0), !text.isEmpty else { return [] }
        return text.split(separator: "\n").map(String.init)
    }
}
