/// One named step of the schema's history. Migrations are append-only: once a migration has been
/// applied somewhere, its name and position never change; a schema change is a new migration at the end.
public struct Migration: Sendable {
    /// Unique, stable name, recorded in `schema_migrations` (e.g. "001-create-item").
    public let name: String
    let apply: @Sendable (Connection) throws -> Void

    /// A migration given as SQL; several statements separated by `;` are allowed.
    public init(name: String, sql: String) {
        self.name = name
        self.apply = { connection in try connection.executeScript(sql) }
    }

    /// A migration given as code (e.g. to move data with bound parameters). It runs inside the
    /// migration's transaction and must not begin, commit or roll back itself.
    public init(name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// Why the migrator refused to run.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// Two migrations in the code share a name.
    case duplicateName(String)
    /// The database records a migration the code does not know: it was written by a newer or a
    /// different version of the program. Starting would risk running against a schema we do not know.
    case unknownApplied(name: String, position: Int)
    /// The database applied the known migrations in another order than the code lists them: the list
    /// was edited instead of appended to.
    case outOfOrder(position: Int, applied: String, expected: String)
    /// A migration failed; its transaction was rolled back, earlier migrations stay applied.
    case failed(name: String, underlying: any Error)

    public var description: String {
        switch self {
        case .duplicateName(let name):
            "migration name \"\(name)\" appears more than once in the code"
        case .unknownApplied(let name, let position):
            "the database has migration \"\(name)\" (position \(position + 1)) applied, which this program does not know; refusing to start (was it written by a newer version?)"
        case .outOfOrder(let position, let applied, let expected):
            "migration history differs at position \(position + 1): the database applied \"\(applied)\" where the code lists \"\(expected)\"; migrations are append-only, refusing to start"
        case .failed(let name, let underlying):
            "migration \"\(name)\" failed and was rolled back: \(underlying)"
        }
    }
}
