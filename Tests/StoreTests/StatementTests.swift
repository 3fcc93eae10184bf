import CSQLite
import XCTest
@testable import Store

final class StatementTests: XCTestCase {
    private var database: Database!

    override func setUpWithError() throws {
        let directory = try makeTemporaryDirectory(self)
        database = try Database(path: directory + "/test.sqlite", migrations: [
            Migration(name: "001-value", sql: """
                CREATE TABLE value (id INTEGER PRIMARY KEY, name TEXT UNIQUE, i INTEGER, r REAL, t TEXT, b BLOB);
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id), n INTEGER CHECK (n > 0));
                """),
        ])
    }

    override func tearDown() {
        database?.close()
        database = nil
    }

    func testValuesRoundTripWithTheirTypes() async throws {
        let text = "Æøå AS'); DROP TABLE value; -- \u{1F600}"
        let bytes: [UInt8] = [0, 1, 2, 255, 0]
        let rowid = try await database.write { db in
            try db.execute("INSERT INTO value (name, i, r, t, b) VALUES (?, ?, ?, ?, ?)",
                           ["a", .integer(Int64.max), 1.5, .text(text), .blob(bytes)])
            return db.lastInsertRowID
        }
        let row = try XCTUnwrap(database.read { db in try db.queryOne("SELECT id, name, i, r, t, b FROM value WHERE id = ?", [.integer(rowid)]) })
        XCTAssertEqual(try row.int64("id"), rowid)
        XCTAssertEqual(try row.int64("i"), Int64.max)
        XCTAssertEqual(try row.double("r"), 1.5)
        XCTAssertEqual(try row.string("t"), text)
        XCTAssertEqual(try row.bytes("b"), bytes)
        XCTAssertEqual(row["name"], .text("a"))
        XCTAssertEqual(try database.read { try $0.query("SELECT name FROM sqlite_schema WHERE name = 'value'").count }, 1,
                       "the injection-looking value was bound, not executed")
    }

    func testEmptyBlobStaysABlobAndNilBindsNull() async throws {
        try await database.write { db in
            try db.execute("INSERT INTO value (name, b, t) VALUES (?, ?, ?)", ["empty", .blob([]), nil])
        }
        let row = try XCTUnwrap(database.read { try $0.queryOne("SELECT typeof(b), b, t FROM value WHERE name = 'empty'") })
        XCTAssertEqual(try row.string(0), "blob")
        XCTAssertEqual(try row.bytes(1), [])
        XCTAssertTrue(try row.isNull(2))
        XCTAssertNil(try row.optionalString(2))
    }

    func testTypedAccessNamesTheColumnOnMismatch() throws {
        let row = try XCTUnwrap(database.read { try $0.queryOne("SELECT 'x' AS word, NULL AS absent") })
        XCTAssertThrowsError(try row.int("word")) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.code, SQLITE_MISMATCH)
            XCTAssertTrue(storeError?.message.contains("\"word\" is text") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try row.string("absent"))
        XCTAssertThrowsError(try row.string("missing")) { error in
            XCTAssertEqual((error as? StoreError)?.code, SQLITE_RANGE)
        }
        XCTAssertThrowsError(try row.string(7))
    }

    func testQueryReturnsAllRowsInOrderAndChangesCounts() async throws {
        let changed = try await database.write { db -> Int in
            for number in 1...5 {
                try db.execute("INSERT INTO value (name, i) VALUES (?, ?)", [.text("n\(number)"), SQLValue(number)])
            }
            try db.execute("UPDATE value SET i = i * 10 WHERE i > ?", [2])
            return db.changes
        }
        XCTAssertEqual(changed, 3)
        let numbers = try database.read { db in
            try db.query("SELECT i FROM value ORDER BY i").map { try $0.int(0) }
        }
        XCTAssertEqual(numbers, [1, 2, 30, 40, 50])
        XCTAssertNil(try database.read { try $0.queryOne("SELECT i FROM value WHERE name = ?", ["none"]) })
    }

    func testConstraintViolationsAreDistinguishable() async throws {
        try await database.write { db in try db.execute("INSERT INTO value (name) VALUES (?)", ["dup"]) }
        do {
            try await database.write { db in try db.execute("INSERT INTO value (name) VALUES (?)", ["dup"]) }
            XCTFail("expected a unique violation")
        } catch let error as StoreError {
            XCTAssertTrue(error.isUniqueViolation, "\(error)")
            XCTAssertTrue(error.isConstraintViolation)
            XCTAssertEqual(error.sql, "INSERT INTO value (name) VALUES (?)")
            XCTAssertTrue(error.message.contains("UNIQUE constraint failed"), error.message)
        }
        do {
            try await database.write { db in try db.execute("INSERT INTO child (parent_id, n) VALUES (?, 1)", [42]) }
            XCTFail("expected a foreign key violation (foreign_keys=ON)")
        } catch let error as StoreError {
            XCTAssertTrue(error.isForeignKeyViolation, "\(error)")
            XCTAssertFalse(error.isUniqueViolation)
        }
        do {
            try await database.write { db in
                try db.execute("INSERT INTO parent (id) VALUES (1)")
                try db.execute("INSERT INTO child (parent_id, n) VALUES (1, 0)")
            }
            XCTFail("expected a check violation")
        } catch let error as StoreError {
            XCTAssertTrue(error.isCheckViolation, "\(error)")
        }
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM parent")?.int(0) }, 0,
                       "the failed job's first insert was rolled back with it")
    }

    func testMisuseIsReportedWithTheStatement() throws {
        XCTAssertThrowsError(try database.read { try $0.query("SELECT ?, ?", [1]) }) { error in
            XCTAssertEqual((error as? StoreError)?.code, SQLITE_RANGE)
            XCTAssertEqual((error as? StoreError)?.sql, "SELECT ?, ?")
        }
        XCTAssertThrowsError(try database.read { try $0.query("SELECT 1; SELECT 2") }) { error in
            XCTAssertEqual((error as? StoreError)?.code, SQLITE_MISUSE)
        }
        XCTAssertThrowsError(try database.read { try $0.query("SELEC 1") }) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.code, SQLITE_ERROR)
            XCTAssertTrue(storeError?.description.contains("syntax error") ?? false, "\(error)")
        }
        XCTAssertNoThrow(try database.read { try $0.query("SELECT 1;  ") })
    }

    func testReadConnectionsAreReadOnly() throws {
        XCTAssertThrowsError(try database.read { try $0.execute("INSERT INTO value (name) VALUES ('x')") }) { error in
            XCTAssertEqual((error as? StoreError)?.primaryCode, SQLITE_READONLY, "\(error)")
        }
    }

    func testStatementCacheReusesAndSurvivesManyDistinctStatements() async throws {
        try await database.write { db in
            for number in 0..<600 {
                // 600 distinct texts exceed the cache bound; all must still run correctly.
                try db.execute("INSERT INTO value (name, i) VALUES (?, \(number))", [.text("k\(number)")])
            }
        }
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT sum(i) FROM value")?.int(0) }, (0..<600).reduce(0, +))
    }
}
