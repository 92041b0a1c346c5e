/// The state database's layout. One file, `DIR/state.sqlite`, in write-ahead-log mode.
///
/// - `urls`: every URL a run admitted. `seq` (the primary key, so rows are appended in admission
///   order) is the queue order; `fp` is the 64-bit fingerprint of the dedup key (unique). `state` is
///   0 queued (or due again, or in flight when a run died), 1 done. Validators and the stored links
///   serve conditional re-fetches.
/// - `aliases`: redirect targets reached through another URL: seen, never queued on their own.
/// - `robots`: each host's last robots.txt body and when it was fetched (reused for 24 hours).
/// - `runs`: one row per run, with its output file and how many of that file's bytes have their
///   done marks committed (`output_bytes`), so a crashed run's output tail can be reconciled.
enum StateSchema {
    static let version: Int64 = 1

    static let pragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA temp_store = MEMORY;
        PRAGMA cache_size = -16000;
        """

    static let create = """
        CREATE TABLE IF NOT EXISTS urls (
            seq INTEGER PRIMARY KEY,
            fp INTEGER NOT NULL UNIQUE,
            url TEXT NOT NULL,
            depth INTEGER NOT NULL,
            parent TEXT,
            state INTEGER NOT NULL DEFAULT 0,
            status INTEGER,
            outcome TEXT,
            fetched_at INTEGER,
            etag TEXT,
            last_modified TEXT,
            content_hash INTEGER,
            links TEXT,
            run TEXT
        );
        CREATE INDEX IF NOT EXISTS urls_queue ON urls(seq) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS urls_due ON urls(fetched_at) WHERE state = 1;
        CREATE TABLE IF NOT EXISTS aliases (fp INTEGER PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            output TEXT,
            output_bytes INTEGER NOT NULL DEFAULT 0,
            exit_code INTEGER,
            stop_reason TEXT
        );
        CREATE TABLE IF NOT EXISTS robots (host TEXT PRIMARY KEY, body BLOB NOT NULL, fetched_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
        """
}
