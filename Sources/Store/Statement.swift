import CSQLite

/// A prepared statement on one connection. Not shared across threads: it lives in its connection's
/// cache and is used only by whoever holds that connection.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    private let database: OpaquePointer
    private(set) lazy var columnNames: [String] = (0..<sqlite3_column_count(handle)).map { index in
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// Prepares exactly one statement. `persistent` tells SQLite the statement will be reused (cached).
    init(database: OpaquePointer, sql: String, persistent: Bool) throws {
        var statement: OpaquePointer?
        var failure: Int32 = SQLITE_OK
        var trailing = ""
        sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
            failure = sqlite3_prepare_v3(database, text, -1, flags, &statement, &tail)
            if failure == SQLITE_OK, let tail { trailing = String(cString: tail) }
        }
        guard failure == SQLITE_OK else {
            throw StoreError.fromConnection(database, code: failure, sql: sql)
        }
        guard let statement else {
            throw StoreError.misuse("no statement (empty SQL or only a comment)", sql: sql)
        }
        guard trailing.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
            sqlite3_finalize(statement)
            throw StoreError.misuse("more than one statement; use executeScript for scripts without parameters", sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds positional parameters (`?`, `?NNN`) in order; the count must match the statement's.
    func bind(_ values: [SQLValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw StoreError(code: SQLITE_RANGE, message: "statement has \(expected) parameters, \(values.count) values given", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                code = sqlite3_bind_double(handle, index, number)
            case .text(let string):
                // SQLITE_TRANSIENT: SQLite copies the bytes, since Swift's buffer is only valid in this closure.
                code = string.withCString { sqlite3_bind_text(handle, index, $0, Int32(string.utf8.count), sqliteTransient) }
            case .blob(let bytes):
                if bytes.isEmpty {
                    // A nil pointer would bind NULL; an empty blob is a zero-length blob.
                    code = sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    code = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient) }
                }
            }
            guard code == SQLITE_OK else { throw StoreError.fromConnection(database, code: code, sql: sql) }
        }
    }

    /// Advances; `true` when a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw StoreError.fromConnection(database, code: code, sql: sql)
        }
    }

    /// Returns the statement to its initial state and drops bindings, ending any read it held open
    /// (a statement left mid-result would pin its WAL snapshot and hold back checkpoints).
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The current row's values, copied.
    func currentRow() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for index in 0..<count {
            values.append(columnValue(index))
        }
        return Row(columnNames: columnNames, values: values)
    }

    private func columnValue(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            let length = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(handle, index))
            guard length > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default:
            return .null
        }
    }
}

/// SQLite's "copy this buffer now" destructor marker, `(sqlite3_destructor_type)-1`, which the C macro
/// `SQLITE_TRANSIENT` spells and Swift cannot import.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Statement {
    /// Steps a statement without parameters to completion and resets it (transaction control).
    func run() throws {
        defer { reset() }
        while try step() {}
    }
}
