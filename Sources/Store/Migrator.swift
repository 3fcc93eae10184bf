import CSQLite

/// Applies named, ordered, append-only migrations and records them in
/// `schema_migrations(name, applied_at)`, in the order applied (rowid order).
///
/// Each migration runs in its own `BEGIN IMMEDIATE` transaction together with the row recording it, so
/// a crash leaves either both or neither. Before anything runs, the recorded history must be a prefix of
/// the code's list; otherwise the migrator refuses (`MigrationError`) and nothing is changed.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Names of the migrations the database has applied, in the order applied.
    public func appliedMigrations(in connection: Connection) throws -> [String] {
        let table = try connection.queryOne(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
        guard table != nil else { return [] }
        return try connection.query("SELECT name FROM schema_migrations ORDER BY rowid").map { try $0.string(0) }
    }

    /// Names of the known migrations not yet applied, in the order they will run. Throws when the
    /// recorded history does not match the code (see `MigrationError`).
    public func pendingMigrations(in connection: Connection) throws -> [String] {
        let applied = try appliedMigrations(in: connection)
        try checkHistory(applied)
        return migrations.dropFirst(applied.count).map(\.name)
    }

    /// Applies every pending migration in order; returns the names applied now. `Database.init` calls
    /// this on the write connection before the writer starts (a write job could not: its connection
    /// refuses BEGIN and COMMIT).
    @discardableResult
    func migrate(_ connection: Connection) throws -> [String] {
        try checkNamesUnique()
        try connection.withTransactionControl {
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT NOT NULL PRIMARY KEY,
                    applied_at TEXT NOT NULL
                ) STRICT
                """)
        }
        var appliedNow: [String] = []
        for migration in migrations {
            let ran = try inTransaction(connection) {
                // Read the history inside the write transaction: another process may be migrating too.
                let applied = try appliedMigrations(in: connection)
                try checkHistory(applied)
                guard !applied.contains(migration.name) else { return false }
                do {
                    try migration.apply(connection)
                } catch {
                    throw MigrationError.failed(name: migration.name, underlying: error)
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [.text(migration.name)])
                return true
            }
            if ran { appliedNow.append(migration.name) }
        }
        return appliedNow
    }

    private func checkNamesUnique() throws {
        var seen = Set<String>()
        for migration in migrations where !seen.insert(migration.name).inserted {
            throw MigrationError.duplicateName(migration.name)
        }
    }

    /// The applied history must be exactly the first `applied.count` known migrations.
    private func checkHistory(_ applied: [String]) throws {
        let known = migrations.map(\.name)
        for (position, name) in applied.enumerated() {
            guard known.contains(name) else { throw MigrationError.unknownApplied(name: name, position: position) }
            guard known[position] == name else {
                throw MigrationError.outOfOrder(position: position, applied: name, expected: known[position])
            }
        }
    }

    private func inTransaction<T>(_ connection: Connection, _ body: () throws -> T) throws -> T {
        try connection.withTransactionControl { try connection.uncachedStatement("BEGIN IMMEDIATE").run() }
        do {
            let result = try body()
            try connection.withTransactionControl { try connection.uncachedStatement("COMMIT").run() }
            return result
        } catch {
            if !connection.isAutocommit {
                connection.withTransactionControl { try? connection.uncachedStatement("ROLLBACK").run() }
            }
            throw error
        }
    }
}
