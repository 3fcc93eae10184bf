import CSQLite
import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import Store

final class GroupCommitWriterTests: XCTestCase {
    private static let migrations = [
        Migration(name: "001-item", sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, body TEXT NOT NULL) STRICT"),
    ]

    private func openDatabase(_ directory: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws -> Database {
        try Database(path: directory + "/test.sqlite", configuration: configuration, migrations: Self.migrations)
    }

    /// Submits a job that holds the writer thread for `milliseconds` and returns once it runs, so jobs
    /// submitted next all wait and form the next group together.
    private func occupyWriter(_ database: Database, milliseconds: UInt32) -> XCTestExpectation {
        let done = expectation(description: "blocking job done")
        let running = DispatchSemaphore(value: 0)
        database.write({ _ in
            running.signal()
            usleep(milliseconds * 1000)
        }, completion: { _ in done.fulfill() })
        running.wait()
        return done
    }

    func testPragmasForDurabilityAreInForceOnTheWriter() async throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        let (mode, synchronous, foreignKeys) = try await database.write { db in
            (try db.queryOne("PRAGMA journal_mode")!.string(0),
             try db.queryOne("PRAGMA synchronous")!.int(0),
             try db.queryOne("PRAGMA foreign_keys")!.int(0))
        }
        XCTAssertEqual(mode, "wal")
        XCTAssertEqual(synchronous, 2, "FULL: every commit fsyncs the WAL")
        XCTAssertEqual(foreignKeys, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/test.sqlite-wal"))
    }

    func testManyConcurrentWritesAllLandWithFewerCommits() async throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        let writes = 2000
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for number in 0..<writes {
                group.addTask {
                    try await database.write { db in
                        try db.execute("INSERT INTO item (name, body) VALUES (?, ?)", [.text("item-\(number)"), .text(String(repeating: "x", count: 100))])
                        return db.lastInsertRowID
                    }
                }
            }
            var ids: [Int64] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        XCTAssertEqual(Set(ids).count, writes, "every write got its own rowid")
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, writes)
        let statistics = database.statistics
        XCTAssertEqual(statistics.committedJobs, writes)
        XCTAssertEqual(statistics.failedJobs, 0)
        XCTAssertLessThan(statistics.commits, writes, "concurrent writes shared commits: \(statistics)")
        XCTAssertGreaterThan(statistics.largestGroup, 1)
    }

    func testCallbackWritesFromManyThreadsAllLand() throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        let writes = 1000
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: writes) { number in
            done.enter()
            database.write({ db in
                try db.execute("INSERT INTO item (name, body) VALUES (?, ?)", [.text("cb-\(number)"), "b"])
            }, completion: { result in
                if case .failure(let error) = result { failures.withLock { $0.append("\(error)") } }
                done.leave()
            })
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, writes)
    }

    func testAFailingJobRollsBackOnlyItselfAndTheOthersInItsGroupCommit() throws {
        struct Refused: Error, Equatable { let reason: String }
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        try database.read { _ in }  // readers are open
        let results = Mutex<[String: Result<Int64, any Error>]>([:])
        let blocker = occupyWriter(database, milliseconds: 300)
        let finished = expectation(description: "group finished")
        finished.expectedFulfillmentCount = 5

        func submit(_ key: String, _ body: @escaping @Sendable (Connection) throws -> Int64) {
            database.write(body, completion: { result in
                results.withLock { $0[key] = result }
                finished.fulfill()
            })
        }
        submit("first") { db in
            try db.execute("INSERT INTO item (name, body) VALUES ('a', 'first')")
            return db.lastInsertRowID
        }
        submit("thrower") { db in
            // Writes, then fails for its own reason: its insert must disappear, nobody else's.
            try db.execute("INSERT INTO item (name, body) VALUES ('b', 'thrower')")
            throw Refused(reason: "domain check failed")
        }
        submit("duplicate") { db in
            try db.execute("INSERT INTO item (name, body) VALUES ('c', 'duplicate-first-part')")
            try db.execute("INSERT INTO item (name, body) VALUES ('a', 'duplicate')")
            return db.lastInsertRowID
        }
        submit("committer") { db in
            try db.execute("COMMIT")
            return 0
        }
        submit("last") { db in
            try db.execute("INSERT INTO item (name, body) VALUES ('d', 'last')")
            return db.lastInsertRowID
        }
        wait(for: [blocker, finished], timeout: 30)

        let outcome = results.withLock { $0 }
        XCTAssertNoThrow(try outcome["first"]!.get())
        XCTAssertNoThrow(try outcome["last"]!.get())
        XCTAssertThrowsError(try outcome["thrower"]!.get()) { error in
            XCTAssertEqual(error as? Refused, Refused(reason: "domain check failed"), "the job gets its own error")
        }
        XCTAssertThrowsError(try outcome["duplicate"]!.get()) { error in
            XCTAssertTrue((error as? StoreError)?.isUniqueViolation ?? false, "\(error)")
        }
        XCTAssertThrowsError(try outcome["committer"]!.get()) { error in
            XCTAssertEqual((error as? StoreError)?.code, SQLITE_AUTH, "a job may not end the shared transaction: \(error)")
        }
        let names = try database.read { db in try db.query("SELECT name FROM item ORDER BY name").map { try $0.string(0) } }
        XCTAssertEqual(names, ["a", "d"])
        let statistics = database.statistics
        XCTAssertEqual(statistics.commits, 2, "the blocker's group, then one group for all five: \(statistics)")
        XCTAssertEqual(statistics.largestGroup, 5)
        XCTAssertEqual(statistics.failedJobs, 3)
    }

    func testAJobThatFillsTheDatabaseFailsAloneOrTheGroupFailsConsistently() throws {
        // max_page_count makes SQLite answer SQLITE_FULL, one of the errors after which it may roll back
        // the whole transaction. Whatever SQLite does, a job reported as committed must be stored and a
        // job reported as failed must not be.
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        let pages = try database.read { try $0.queryOne("PRAGMA page_count")!.int(0) }
        let blocker = occupyWriter(database, milliseconds: 200)
        let results = Mutex<[String: Bool]>([:])
        let finished = expectation(description: "group finished")
        finished.expectedFulfillmentCount = 4
        func submit(_ name: String, _ body: @escaping @Sendable (Connection) throws -> Void) {
            database.write(body, completion: { result in
                results.withLock { $0[name] = (try? result.get()) != nil }
                finished.fulfill()
            })
        }
        // PRAGMA takes no bound parameters; the value is an integer computed here, not input.
        submit("limit") { db in _ = try db.query("PRAGMA max_page_count = \(pages + 8)") }
        submit("before") { db in try db.execute("INSERT INTO item (name, body) VALUES ('before', 'small')") }
        submit("huge") { db in
            try db.execute("INSERT INTO item (name, body) VALUES ('huge', ?)", [.text(String(repeating: "h", count: 1 << 20))])
        }
        submit("after") { db in try db.execute("INSERT INTO item (name, body) VALUES ('after', 'small')") }
        wait(for: [blocker, finished], timeout: 30)

        let outcome = results.withLock { $0 }
        XCTAssertEqual(outcome["huge"], false, "the database is full for a 1 MB row")
        XCTAssertEqual(outcome["after"], true, "a job after the failure runs (in a fresh transaction if SQLite dropped the group's)")
        let stored = Set(try database.read { db in try db.query("SELECT name FROM item").map { try $0.string(0) } })
        for name in ["before", "after", "huge"] {
            XCTAssertEqual(stored.contains(name), outcome[name], "\(name): reported \(outcome[name].map(String.init) ?? "nothing"), stored \(stored.contains(name))")
        }
        try database.read { _ in }  // still usable
        let afterwards = try awaitWrite(database) { db in try db.execute("INSERT INTO item (name, body) VALUES ('later', 'small')") }
        XCTAssertNil(afterwards, "the writer goes on after the failure")
    }

    /// Blocks until a callback write finishes; returns its error, if any.
    private func awaitWrite(_ database: Database, _ body: @escaping @Sendable (Connection) throws -> Void) throws -> (any Error)? {
        let outcome = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        database.write(body, completion: { result in
            if case .failure(let error) = result { outcome.withLock { $0 = error } }
            done.signal()
        })
        done.wait()
        return outcome.withLock { $0 }
    }

    func testAReadSeesOneSnapshotAcrossItsQueries() throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        XCTAssertNil(try awaitWrite(database) { db in try db.execute("INSERT INTO item (name, body) VALUES ('one', 'x')") })
        let counts = try database.read { db -> [Int] in
            let first = try db.queryOne("SELECT count(*) FROM item")!.int(0)
            // A write commits in between; this read transaction must not see it.
            let committed = DispatchSemaphore(value: 0)
            database.write({ db in try db.execute("INSERT INTO item (name, body) VALUES ('two', 'x')") },
                           completion: { _ in committed.signal() })
            committed.wait()
            let second = try db.queryOne("SELECT count(*) FROM item")!.int(0)
            return [first, second]
        }
        XCTAssertEqual(counts, [1, 1])
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, 2)
    }

    func testRefusesADatabaseThatCannotUseWAL() throws {
        // An in-memory database answers journal_mode=WAL with "memory": no durability, so no start.
        XCTAssertThrowsError(try Database(path: ":memory:")) { error in
            XCTAssertTrue("\(error)".contains("WAL"), "\(error)")
        }
    }

    func testDroppingTheLastReferenceInACompletionEndsTheWriterThread() throws {
        let directory = try makeTemporaryDirectory(self)
        var database: Database? = try openDatabase(directory)
        let writer = database!.writer
        let completed = DispatchSemaphore(value: 0)
        database!.write({ _ in usleep(50_000) }, completion: { [database] _ in
            // This closure holds the last reference to the database; it is released on the writer
            // thread, whose deinit-triggered close must not wait for the thread itself.
            _ = database
            completed.signal()
        })
        database = nil
        completed.wait()
        var waited = 0
        while writer.isRunning && waited < 5_000 {
            usleep(10_000)
            waited += 10
        }
        XCTAssertFalse(writer.isRunning, "the writer thread finished instead of waiting for itself")
    }

    func testReadsSeeOnlyCommittedData() throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        defer { database.close() }
        let inserted = DispatchSemaphore(value: 0)
        let committed = expectation(description: "committed")
        database.write({ db in
            try db.execute("INSERT INTO item (name, body) VALUES ('pending', 'x')")
            inserted.signal()
            usleep(300_000)  // the transaction stays open; a reader must not see the row
        }, completion: { result in
            if case .failure(let error) = result { XCTFail("\(error)") }
            committed.fulfill()
        })
        inserted.wait()
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, 0)
        wait(for: [committed], timeout: 30)
        XCTAssertEqual(try database.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, 1)
    }

    func testAcknowledgedWritesSurviveClosingAndReopening() async throws {
        let directory = try makeTemporaryDirectory(self)
        do {
            let database = try openDatabase(directory)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<200 {
                    group.addTask {
                        try await database.write { db in
                            try db.execute("INSERT INTO item (name, body) VALUES (?, ?)", [.text("kept-\(number)"), .text("body \(number)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            database.close()
        }
        let reopened = try openDatabase(directory)
        defer { reopened.close() }
        XCTAssertEqual(try reopened.read { try $0.queryOne("SELECT count(*) FROM item")!.int(0) }, 200)
        XCTAssertEqual(try reopened.read { try $0.queryOne("SELECT body FROM item WHERE name = ?", ["kept-123"])!.string("body") }, "body 123")
        XCTAssertEqual(try reopened.integrityCheck(), ["ok"])
        XCTAssertEqual(try reopened.appliedMigrations(), ["001-item"])
    }

    func testGroupsAreBoundedInSize() throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory, configuration: DatabaseConfiguration(maxGroupSize: 10))
        defer { database.close() }
        let blocker = occupyWriter(database, milliseconds: 200)
        let finished = expectation(description: "all written")
        finished.expectedFulfillmentCount = 35
        for number in 0..<35 {
            database.write({ db in
                try db.execute("INSERT INTO item (name, body) VALUES (?, 'x')", [.text("bounded-\(number)")])
            }, completion: { result in
                if case .failure(let error) = result { XCTFail("\(error)") }
                finished.fulfill()
            })
        }
        wait(for: [blocker, finished], timeout: 30)
        let statistics = database.statistics
        XCTAssertEqual(statistics.largestGroup, 10)
        XCTAssertEqual(statistics.commits, 1 + 4, "35 queued jobs in groups of at most 10: \(statistics)")
    }

    func testClosedDatabaseRefusesWritesAndFinishesQueuedOnes() async throws {
        let directory = try makeTemporaryDirectory(self)
        let database = try openDatabase(directory)
        let queued = expectation(description: "queued write finished")
        let blocker = occupyWriter(database, milliseconds: 100)
        database.write({ db in try db.execute("INSERT INTO item (name, body) VALUES ('queued', 'x')") },
                       completion: { result in
                           if case .failure(let error) = result { XCTFail("\(error)") }
                           queued.fulfill()
                       })
        database.close()
        await fulfillment(of: [blocker, queued], timeout: 5)
        do {
            try await database.write { db in try db.execute("INSERT INTO item (name, body) VALUES ('late', 'x')") }
            XCTFail("a closed database must refuse writes")
        } catch let error as StoreError {
            XCTAssertEqual(error.code, SQLITE_MISUSE)
        }
        XCTAssertEqual(try database.read { try $0.query("SELECT name FROM item").map { try $0.string(0) } }, ["queued"])
    }
}
