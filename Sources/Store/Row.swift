import CSQLite

/// One result row, copied out of SQLite (it stays valid after the statement moves on).
///
/// Typed accessors throw a `StoreError` (`SQLITE_MISMATCH`) naming the column when the value is NULL or
/// of another storage class; the `optional…` forms return `nil` for NULL. Columns are found by index or
/// by the name the query gave them.
public struct Row: Sendable {
    /// Column names, shared by all rows of one query.
    public let columnNames: [String]
    /// The values, in column order.
    public let values: [SQLValue]

    public init(columnNames: [String], values: [SQLValue]) {
        self.columnNames = columnNames
        self.values = values
    }

    public var count: Int { values.count }

    public subscript(index: Int) -> SQLValue { values[index] }

    /// The value of the named column, or `nil` when the query has no such column.
    public subscript(name: String) -> SQLValue? {
        columnNames.firstIndex(of: name).map { values[$0] }
    }

    // MARK: By index

    public func int(_ index: Int) throws -> Int { Int(try int64(index)) }

    public func int64(_ index: Int) throws -> Int64 {
        guard case .integer(let value) = try value(at: index) else { throw mismatch(index, expected: "integer") }
        return value
    }

    /// An integer column read as a Bool (0 is false, anything else true).
    public func bool(_ index: Int) throws -> Bool { try int64(index) != 0 }

    /// A real column; an integer column is widened.
    public func double(_ index: Int) throws -> Double {
        switch try value(at: index) {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw mismatch(index, expected: "real")
        }
    }

    public func string(_ index: Int) throws -> String {
        guard case .text(let value) = try value(at: index) else { throw mismatch(index, expected: "text") }
        return value
    }

    public func bytes(_ index: Int) throws -> [UInt8] {
        switch try value(at: index) {
        case .blob(let value): return value
        case .text(let value): return Array(value.utf8)
        default: throw mismatch(index, expected: "blob")
        }
    }

    public func optionalInt(_ index: Int) throws -> Int? { try isNull(index) ? nil : int(index) }
    public func optionalInt64(_ index: Int) throws -> Int64? { try isNull(index) ? nil : int64(index) }
    public func optionalDouble(_ index: Int) throws -> Double? { try isNull(index) ? nil : double(index) }
    public func optionalString(_ index: Int) throws -> String? { try isNull(index) ? nil : string(index) }
    public func optionalBytes(_ index: Int) throws -> [UInt8]? { try isNull(index) ? nil : bytes(index) }

    public func isNull(_ index: Int) throws -> Bool { try value(at: index).isNull }

    // MARK: By column name

    public func int(_ column: String) throws -> Int { try int(index(of: column)) }
    public func int64(_ column: String) throws -> Int64 { try int64(index(of: column)) }
    public func bool(_ column: String) throws -> Bool { try bool(index(of: column)) }
    public func double(_ column: String) throws -> Double { try double(index(of: column)) }
    public func string(_ column: String) throws -> String { try string(index(of: column)) }
    public func bytes(_ column: String) throws -> [UInt8] { try bytes(index(of: column)) }
    public func optionalInt(_ column: String) throws -> Int? { try optionalInt(index(of: column)) }
    public func optionalInt64(_ column: String) throws -> Int64? { try optionalInt64(index(of: column)) }
    public func optionalDouble(_ column: String) throws -> Double? { try optionalDouble(index(of: column)) }
    public func optionalString(_ column: String) throws -> String? { try optionalString(index(of: column)) }
    public func optionalBytes(_ column: String) throws -> [UInt8]? { try optionalBytes(index(of: column)) }
    public func isNull(_ column: String) throws -> Bool { try isNull(index(of: column)) }

    // MARK: Helpers

    private func value(at index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw StoreError(code: SQLITE_RANGE, message: "column index \(index) out of range (row has \(values.count) columns)")
        }
        return values[index]
    }

    private func index(of column: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: column) else {
            throw StoreError(code: SQLITE_RANGE, message: "no column named \"\(column)\" (columns: \(columnNames.joined(separator: ", ")))")
        }
        return index
    }

    private func mismatch(_ index: Int, expected: String) -> StoreError {
        let name = columnNames.indices.contains(index) ? "\"\(columnNames[index])\"" : "\(index)"
        return StoreError(code: SQLITE_MISMATCH, message: "column \(name) is \(values[index].typeName), expected \(expected)")
    }
}
