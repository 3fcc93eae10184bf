import Foundation
import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// Idempotency under concurrency and data that survives a restart.
final class DurabilityTests: XCTestCase {
    typealias H = APITestHarness

    /// Many copies of the same message at once: exactly one creates the case, the rest get its receipt.
    func testConcurrentRetriesCreateOneCase() async throws {
        let h = try APITestHarness()
        let (message, _) = try H.transfer()
        _ = try await h.token(.nav, H.navBergenhus)
        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let r = try await h.json(.post, "/api/v1/klagesaker", as: (.nav, H.navBergenhus), message)
                    return (r.status, r.string("klagesakId"))
                }
            }
            var all: [(Int, String?)] = []
            for try await s in group { all.append(s) }
            return all
        }
        XCTAssertEqual(statuses.filter { $0.0 == 201 }.count, 1, "\(statuses)")
        XCTAssertEqual(statuses.filter { $0.0 == 200 }.count, 15)
        XCTAssertEqual(Set(statuses.compactMap(\.1)).count, 1, "one klagesakId for all")
        let count = try h.directory.store.database.read { db in try db.queryOne("SELECT count(*) FROM klagesak")?.int(0) ?? -1 }
        XCTAssertEqual(count, 1)
    }

    /// What was acknowledged is there after the data directory is opened again.
    func testAcknowledgedDataSurvivesReopening() async throws {
        let path: String
        let id: String
        do {
            let h = try APITestHarness()
            id = try await h.submitCompleteTransfer()
            path = h.dataPath
            // Keep the directory: copy the database and documents aside before the harness is dropped.
            try FileManager.default.copyItem(atPath: path, toPath: path + "-copy")
        }
        defer { try? FileManager.default.removeItem(atPath: path + "-copy") }
        let reopened = try ExchangeDataDirectory(path: path + "-copy")
        XCTAssertEqual(reopened.migrationsAppliedAtOpen, [])
        let snapshot = try await reopened.store.loadCase(id)
        XCTAssertEqual(snapshot?.record.status, "VIDERESENDT")
        XCTAssertEqual(snapshot?.missingDocuments.count, 0)
        XCTAssertEqual(snapshot?.events.count, 1)
        // Events are append-only in the database itself.
        XCTAssertThrowsError(try reopened.store.database.read { db in try db.execute("DELETE FROM hendelse") })
        let deleted: Void? = try? await reopened.store.database.write { db in try db.execute("DELETE FROM hendelse") }
        XCTAssertNil(deleted, "the trigger refuses deleting events")
        try await reopened.store.appendAudit([AuditEntry(tidspunkt: .now(), rolle: "admin", organisasjonsnummer: H.navBergenhus,
                                                         klagesakId: id, handling: "test", correlationId: "c")])
        let changed: Void? = try? await reopened.store.database.write { db in try db.execute("UPDATE revisjonslogg SET handling = 'x'") }
        XCTAssertNil(changed)
    }
}
