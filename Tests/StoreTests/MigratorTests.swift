import XCTest
@testable import Store

final class MigratorTests: XCTestCase {
    private let first = Migration(name: "001-create-a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)")
    private let second = Migration(name: "002-create-b", sql: """
        CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));
        CREATE INDEX b_by_a ON b(a_id);
        """)
    private let third = Migration(name: "003-seed-a") { db in
        for value in ["x", "y"] {
            try db.execute("INSERT INTO a (v) VALUES (?)", [.text(value)])
        }
    }

    private func tables(_ database: Database) throws -> [String] {
        try database.read { db in
            try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { try $0.string(0) }
        }
    }

    func testAppliesInOrderRecordsAndAppliesOnlyNewOnesLater() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        do {
            let database = try Database(path: path, migrations: [first, second])
            defer { database.close() }
            XCTAssertEqual(try database.appliedMigrations(), ["001-create-a", "002-create-b"])
            XCTAssertEqual(database.migrationsAppliedAtOpen, ["001-create-a", "002-create-b"])
            XCTAssertEqual(try database.pendingMigrations(), [])
            XCTAssertEqual(try tables(database), ["a", "b", "schema_migrations"])
            let appliedAt = try database.read { try $0.queryOne("SELECT applied_at FROM schema_migrations WHERE name = ?", ["001-create-a"])!.string(0) }
            XCTAssertTrue(appliedAt.hasSuffix("Z") && appliedAt.count == 24, appliedAt)
        }
        do {
            // Same list again: nothing runs twice (the seed would duplicate rows).
            let database = try Database(path: path, migrations: [first, second, third])
            defer { database.close() }
            XCTAssertEqual(try database.appliedMigrations(), ["001-create-a", "002-create-b", "003-seed-a"])
            XCTAssertEqual(database.migrationsAppliedAtOpen, ["003-seed-a"])
        }
        let database = try Database(path: path, migrations: [first, second, third])
        defer { database.close() }
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM a")!.int(0) }, 2)
    }

    func testPendingMigrationsBeforeApplying() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        let database = try Database(path: path, migrations: [first])
        defer { database.close() }
        let longer = Migrator([first, second, third])
        XCTAssertEqual(try database.read { try longer.pendingMigrations(in: $0) }, ["002-create-b", "003-seed-a"])
    }

    func testRefusesADatabaseWithAMigrationTheCodeDoesNotKnow() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        try Database(path: path, migrations: [first, second]).close()
        XCTAssertThrowsError(try Database(path: path, migrations: [first])) { error in
            guard case MigrationError.unknownApplied(let name, let position) = error else {
                return XCTFail("expected unknownApplied, got \(error)")
            }
            XCTAssertEqual(name, "002-create-b")
            XCTAssertEqual(position, 1)
            XCTAssertTrue("\(error)".contains("refusing to start"))
        }
    }

    func testRefusesAnEditedHistory() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        try Database(path: path, migrations: [first, second]).close()
        let inserted = Migration(name: "001b-inserted", sql: "CREATE TABLE c (id INTEGER PRIMARY KEY)")
        XCTAssertThrowsError(try Database(path: path, migrations: [first, inserted, second])) { error in
            guard case MigrationError.outOfOrder(let position, let applied, let expected) = error else {
                return XCTFail("expected outOfOrder, got \(error)")
            }
            XCTAssertEqual(position, 1)
            XCTAssertEqual(applied, "002-create-b")
            XCTAssertEqual(expected, "001b-inserted")
        }
        XCTAssertThrowsError(try Database(path: path, migrations: [second, first]))
        // Refusal changed nothing: the original list still opens, and table c was never created.
        let database = try Database(path: path, migrations: [first, second])
        defer { database.close() }
        XCTAssertEqual(try tables(database), ["a", "b", "schema_migrations"])
    }

    func testAFailingMigrationIsRolledBackAndNotRecorded() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        let broken = Migration(name: "002-broken", sql: """
            CREATE TABLE d (id INTEGER PRIMARY KEY);
            INSERT INTO missing_table VALUES (1);
            """)
        XCTAssertThrowsError(try Database(path: path, migrations: [first, broken])) { error in
            guard case MigrationError.failed(let name, let underlying) = error else {
                return XCTFail("expected failed, got \(error)")
            }
            XCTAssertEqual(name, "002-broken")
            XCTAssertEqual((underlying as? StoreError)?.sql, "INSERT INTO missing_table VALUES (1);")
        }
        let database = try Database(path: path, migrations: [first])
        defer { database.close() }
        XCTAssertEqual(try database.appliedMigrations(), ["001-create-a"], "the first stays applied")
        XCTAssertEqual(try tables(database), ["a", "schema_migrations"], "table d was rolled back")
    }

    func testRefusesDuplicateNamesAndTransactionControlInMigrations() throws {
        let path = try makeTemporaryDirectory(self) + "/m.sqlite"
        XCTAssertThrowsError(try Database(path: path, migrations: [first, first])) { error in
            guard case MigrationError.duplicateName("001-create-a") = error else { return XCTFail("\(error)") }
        }
        let committing = Migration(name: "001-commits", sql: "CREATE TABLE e (id INTEGER); COMMIT;")
        XCTAssertThrowsError(try Database(path: path, migrations: [committing]))
    }
}
