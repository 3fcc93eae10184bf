import CSQLite

/// A failure reported by SQLite or by this module's use of it, with enough context to act on:
/// which statement, SQLite's (extended) result code, and SQLite's own message.
///
/// Constraint violations are told apart by code (`isUniqueViolation`, `isForeignKeyViolation`, …) so a
/// caller can turn "this id already exists" into a conflict instead of a server error.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_IOERR_FSYNC`, …), or
    /// `SQLITE_MISUSE` / `SQLITE_MISMATCH` / `SQLITE_RANGE` for mistakes this module detects itself.
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`), or this module's explanation.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended code), e.g. `SQLITE_CONSTRAINT`.
    public var primaryCode: Int32 { code & 0xff }

    /// Any constraint failed (UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK, NOT NULL, …).
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// A UNIQUE or PRIMARY KEY constraint failed: the row already exists.
    public var isUniqueViolation: Bool {
        code == ExtendedCode.constraintUnique || code == ExtendedCode.constraintPrimaryKey
    }

    public var isForeignKeyViolation: Bool { code == ExtendedCode.constraintForeignKey }
    public var isCheckViolation: Bool { code == ExtendedCode.constraintCheck }
    public var isNotNullViolation: Bool { code == ExtendedCode.constraintNotNull }

    /// The database was locked by another process for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// SQLite's English name for the code, e.g. "constraint failed".
    public var codeDescription: String { String(cString: sqlite3_errstr(code)) }

    public var description: String {
        var text = "SQLite error \(code) (\(codeDescription)): \(message)"
        if let sql { text += " [in: \(sql)]" }
        return text
    }
}

extension StoreError {
    /// The current error of a connection, for the statement that just failed.
    static func fromConnection(_ handle: OpaquePointer, code: Int32, sql: String?) -> StoreError {
        // sqlite3_extended_errcode is exact even when `code` is a primary code from an older call path.
        let extended = sqlite3_extended_errcode(handle)
        let effective = (extended & 0xff) == (code & 0xff) ? extended : code
        return StoreError(code: effective, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    static func misuse(_ message: String, sql: String? = nil) -> StoreError {
        StoreError(code: SQLITE_MISUSE, message: message, sql: sql)
    }
}

/// Extended result codes used here. sqlite3.h defines them as macros over expressions
/// (`SQLITE_CONSTRAINT | (8<<8)`), which Swift does not import.
enum ExtendedCode {
    static let constraintCheck: Int32 = SQLITE_CONSTRAINT | (1 << 8)
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintNotNull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
}
