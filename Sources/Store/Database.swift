import CSQLite

/// One SQLite database file in WAL mode: a single writer that commits in groups, and a pool of
/// read-only connections beside it.
///
/// ```swift
/// let database = try Database(path: dataDirectory + "/klagebro.sqlite", migrations: [
///     Migration(name: "001-item", sql: "CREATE TABLE item (id TEXT PRIMARY KEY, body BLOB NOT NULL) STRICT"),
/// ])
/// // Returns after the commit containing this insert is on disk: safe to acknowledge.
/// let rowid = try await database.write { db in
///     try db.execute("INSERT INTO item (id, body) VALUES (?, ?)", [.text(id), .blob(body)])
///     return db.lastInsertRowID
/// }
/// let body = try database.read { db in
///     try db.queryOne("SELECT body FROM item WHERE id = ?", [.text(id)])?.bytes("body")
/// }
/// ```
///
/// Opening sets `journal_mode=WAL` (and checks that SQLite agreed), `synchronous=FULL` (every commit
/// fsyncs the WAL), `foreign_keys=ON`, then applies pending migrations before any write is accepted.
/// How writes are grouped and when they are durable is described on `GroupCommitWriter`.
public final class Database: Sendable {
    public let path: String
    public let configuration: DatabaseConfiguration
    /// The migrations this program knows, in order.
    public let migrator: Migrator
    /// The migrations this `init` applied (empty when the schema was already current), for a log line
    /// or the output of `klagebro migrate`.
    public let migrationsAppliedAtOpen: [String]
    let writer: GroupCommitWriter
    private let readers: ReadConnectionPool

    /// Opens (creating if needed) the database file at `path` and applies pending `migrations`.
    /// Throws `MigrationError` when the database's migration history does not match `migrations`.
    public init(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration(), migrations: [Migration] = []) throws {
        self.path = path
        self.configuration = configuration
        self.migrator = Migrator(migrations)
        let writeConnection = try Connection(path: path, readOnly: false, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        try Database.configureForDurableWrites(writeConnection)
        writeConnection.forbidTransactionControl()
        self.migrationsAppliedAtOpen = try migrator.migrate(writeConnection)
        // Readers open after the writer has created the file and its WAL index.
        self.readers = try ReadConnectionPool(
            path: path, count: configuration.readConnectionCount, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        self.writer = GroupCommitWriter(connection: writeConnection, maxGroupSize: configuration.maxGroupSize)
    }

    deinit { writer.close() }

    /// Runs `body` on the write connection inside a transaction shared with other writes, and returns
    /// its result once that transaction is committed and fsynced (see `GroupCommitWriter`).
    ///
    /// If `body` throws, its own changes are rolled back and its error is rethrown here; other writes
    /// in the same group are not affected. `body` runs on the writer thread: keep it short, do not block
    /// on anything but SQLite, and do not use BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE. Cancelling the
    /// calling task does not withdraw a write once submitted.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writer.submit(body) { continuation.resume(with: $0) }
        }
    }

    /// The callback form of `write`, for callers on Dispatch queues. `completion` runs on the writer
    /// thread once the outcome is durable (or has failed): return quickly, hop to your own queue for more.
    public func write<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        writer.submit(body, completion: completion)
    }

    /// Runs `body` on a pooled read-only connection, synchronously on the calling thread.
    ///
    /// Reads see only committed data: `body` runs inside one read transaction, so every query in it sees
    /// the same snapshot, taken at its first query, including every write whose `write` has returned.
    /// Keep it short (a snapshot held open stops the WAL from being checkpointed back past it), and
    /// call it from a thread that may block briefly (not the writer's completion callback).
    public func read<T: Sendable>(_ body: @Sendable (Connection) throws -> T) throws -> T {
        try readers.withConnection { connection in
            try connection.execute("BEGIN DEFERRED")
            do {
                let result = try body(connection)
                try connection.execute("COMMIT")
                return result
            } catch {
                if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Counters of the writer: commits, jobs, how many shared a commit.
    public var statistics: WriterStatistics { writer.statistics }

    /// Names of the applied migrations, in the order applied.
    public func appliedMigrations() throws -> [String] {
        try read { try migrator.appliedMigrations(in: $0) }
    }

    /// Names of known migrations not yet applied (empty after a successful `init`, unless another
    /// process changed the database since).
    public func pendingMigrations() throws -> [String] {
        try read { try migrator.pendingMigrations(in: $0) }
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound database, otherwise SQLite's findings.
    public func integrityCheck() throws -> [String] {
        try read { try $0.query("PRAGMA integrity_check").map { try $0.string(0) } }
    }

    /// Stops accepting writes, finishes those already queued, and stops the writer thread. Reads keep
    /// working until the database is released. Called by `deinit` too.
    public func close() {
        writer.close()
    }

    /// WAL, fsync on every commit, enforced foreign keys. `journal_mode` answers with a row naming the mode
    /// actually in force, which is checked: a silent fallback to another mode would void the guarantees.
    private static func configureForDurableWrites(_ connection: Connection) throws {
        let mode = try connection.queryOne("PRAGMA journal_mode=WAL").map { try $0.string(0) }
        guard mode?.lowercased() == "wal" else {
            throw StoreError(code: SQLITE_ERROR, message: "could not switch \(connection.path) to WAL mode (SQLite answered \(mode ?? "nothing"))", sql: "PRAGMA journal_mode=WAL")
        }
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.execute("PRAGMA foreign_keys=ON")
        // The WAL file is reused from its start after each full checkpoint but never shrinks by itself;
        // after a burst, truncate it back to this size (bytes) instead of keeping the peak on disk.
        _ = try connection.queryOne("PRAGMA journal_size_limit=67108864")
        // Each write job runs in a savepoint, and SQLite keeps the pages a savepoint may have to restore
        // in a sub-journal: in memory, not a temporary file that every job writes to with a syscall.
        try connection.execute("PRAGMA temp_store=MEMORY")
        // A group of a few hundred jobs dirties more pages than SQLite's default 2 MB cache holds, and
        // the overflow is written to the WAL mid-transaction (and again at commit). 64 MB holds a group.
        try connection.execute("PRAGMA cache_size=-65536")
        let synchronous = try connection.queryOne("PRAGMA synchronous").map { try $0.int(0) }
        let foreignKeys = try connection.queryOne("PRAGMA foreign_keys").map { try $0.int(0) }
        guard synchronous == 2, foreignKeys == 1 else {
            throw StoreError(code: SQLITE_ERROR, message: "pragmas not in force on \(connection.path): synchronous=\(synchronous.map(String.init) ?? "?") (want 2), foreign_keys=\(foreignKeys.map(String.init) ?? "?") (want 1)")
        }
    }
}
