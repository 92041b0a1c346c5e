import CSQLite

/// One SQLite connection, the thin wrapper the state store uses instead of the C API.
///
/// Not thread-safe and not `Sendable`: the store confines each connection to its own thread
/// (SQLite is opened with SQLITE_OPEN_NOMUTEX for that reason).
final class SQLiteConnection {
    private let handle: OpaquePointer

    init(path: String) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: code, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Another process reading the state (sqlite3 CLI, a report) must not fail our writes at once.
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: code, message: message)
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, message: lastMessage)
        }
        return SQLiteStatement(statement, connection: self)
    }

    /// Runs a query expected to return one integer (e.g. `SELECT count(*)`); nil when no row.
    func integer(_ sql: String) throws -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int64 { sqlite3_changes64(handle) }

    func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: lastMessage)
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
