import CSQLite

/// One SQLite connection: statements, a cache of prepared statements, typed results.
///
/// A connection is used by one thread at a time and is never handed out directly: the writer thread
/// owns the write connection and passes it to write jobs; read connections are lent by the read pool for
/// the duration of a `read` closure. Do not keep a reference beyond the closure you were given it in.
///
/// All SQL takes bound parameters (`?`), never interpolated values:
/// ```swift
/// try db.execute("INSERT INTO item (id, body) VALUES (?, ?)", [.text(id), .blob(body)])
/// let row = try db.queryOne("SELECT body FROM item WHERE id = ?", [.text(id)])
/// ```
public final class Connection {
    let handle: OpaquePointer
    /// Where the database file is, for messages.
    public let path: String
    public let isReadOnly: Bool

    private var statementCache: [String: Statement] = [:]
    /// Prepared statements kept per connection; past this, the cache starts over (guards against SQL
    /// built dynamically, e.g. `IN (?, ?, …)` lists of varying length, growing it without bound).
    private let statementCacheLimit = 256

    /// Read by the authorizer callback: while `false`, the connection refuses to prepare
    /// BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE. Heap-allocated so SQLite can hold a stable pointer.
    private let transactionControlAllowed: UnsafeMutablePointer<Bool>

    /// Opens (creating when `readOnly` is false) the database at `path`.
    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws {
        var opened: OpaquePointer?
        // NOMUTEX: each connection is confined to one thread at a time by its owner (writer thread or
        // pool slot lock), so SQLite's own per-connection mutex would be redundant.
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let opened { sqlite3_close_v2(opened) }
            throw StoreError(code: code, message: "cannot open database at \(path): \(message)")
        }
        self.handle = opened
        self.path = path
        self.isReadOnly = readOnly
        self.transactionControlAllowed = .allocate(capacity: 1)
        self.transactionControlAllowed.initialize(to: true)
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMilliseconds)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        transactionControlAllowed.deallocate()
    }

    // MARK: Statements

    /// Runs one statement that returns no rows (or whose rows are ignored).
    public func execute(_ sql: String, _ bindings: [SQLValue] = []) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        while try statement.step() {}
    }

    /// Runs one statement and returns all its rows.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.currentRow())
        }
        return rows
    }

    /// Runs one statement and returns its first row, or `nil` when there is none.
    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try statement.step() ? statement.currentRow() : nil
    }

    /// Runs a script of several statements separated by `;`, without parameters and without caching
    /// (schema migrations). Rows are ignored.
    public func executeScript(_ sql: String) throws {
        try sql.withCString { start in
            var next: UnsafePointer<CChar>? = start
            while let current = next, current.pointee != 0 {
                var raw: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(handle, current, -1, &raw, &tail)
                let text = statementText(from: current, to: tail)
                guard code == SQLITE_OK else { throw StoreError.fromConnection(handle, code: code, sql: text) }
                next = tail
                guard let raw else { continue }  // whitespace or a comment
                defer { sqlite3_finalize(raw) }
                var stepCode = sqlite3_step(raw)
                while stepCode == SQLITE_ROW { stepCode = sqlite3_step(raw) }
                guard stepCode == SQLITE_DONE else { throw StoreError.fromConnection(handle, code: stepCode, sql: text) }
            }
        }
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// `true` outside an explicit transaction.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] { return statement }
        let statement = try Statement(database: handle, sql: sql, persistent: true)
        if statementCache.count >= statementCacheLimit { statementCache.removeAll(keepingCapacity: true) }
        statementCache[sql] = statement
        return statement
    }

    /// A statement outside the cache, for transaction control that the writer owns.
    func uncachedStatement(_ sql: String) throws -> Statement {
        try Statement(database: handle, sql: sql, persistent: true)
    }

    private func statementText(from start: UnsafePointer<CChar>, to end: UnsafePointer<CChar>?) -> String {
        guard let end, end > start else { return String(cString: start) }
        let bytes = UnsafeRawBufferPointer(start: start, count: end - start)
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
    }

    // MARK: Transaction control guard

    /// From now on, BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE prepared on this connection fail with
    /// `SQLITE_AUTH`, except inside `withTransactionControl`. Installed on the write connection, so a write
    /// job cannot end the group's shared transaction (which would commit or drop other jobs' work).
    func forbidTransactionControl() {
        transactionControlAllowed.pointee = false
        sqlite3_set_authorizer(handle, { context, action, _, _, _, _ in
            guard action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT else { return SQLITE_OK }
            let allowed = context!.assumingMemoryBound(to: Bool.self).pointee
            return allowed ? SQLITE_OK : SQLITE_DENY
        }, transactionControlAllowed)
    }

    /// Runs `body` with transaction control allowed (the writer's own BEGIN/SAVEPOINT/COMMIT, migrations).
    func withTransactionControl<T>(_ body: () throws -> T) rethrows -> T {
        let previous = transactionControlAllowed.pointee
        transactionControlAllowed.pointee = true
        defer { transactionControlAllowed.pointee = previous }
        return try body()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
