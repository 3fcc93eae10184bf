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

    /// The audit log keeps no index by case (see migration 004): a lookup by case or by organisation
    /// number still returns exactly that case's newest entries, oldest first, up to the limit.
    func testAuditLookupsByCaseAndOrganisationAmongInterleavedEntries() async throws {
        let h = try APITestHarness()
        let cases = (0..<3).map { _ in Identifiers.newUUID() }
        var entries: [AuditEntry] = []
        for round in 0..<5 {
            for (index, id) in cases.enumerated() {
                entries.append(AuditEntry(
                    tidspunkt: Timestamp(millisecondsSinceEpoch: Int64(1_700_000_000_000 + round * 10 + index)), rolle: "nav",
                    organisasjonsnummer: index == 1 ? H.navFalkenborg : H.navBergenhus, klagesakId: id,
                    handling: "les-status", correlationId: "r\(round)-c\(index)"))
            }
        }
        try await h.directory.store.appendAudit(entries)
        let store = h.directory.store
        let middle = try await store.audit(AuditQuery(klagesakId: cases[1], limit: 3))
        XCTAssertEqual(middle.map(\.correlationId), ["r2-c1", "r3-c1", "r4-c1"])
        let all = try await store.audit(AuditQuery(klagesakId: cases[2], limit: 100))
        XCTAssertEqual(all.map(\.correlationId), (0..<5).map { "r\($0)-c2" })
        let byUnit = try await store.audit(AuditQuery(organisasjonsnummer: H.navFalkenborg, limit: 100))
        XCTAssertEqual(Set(byUnit.compactMap(\.klagesakId)), [cases[1]])
        let both = try await store.audit(AuditQuery(klagesakId: cases[0], organisasjonsnummer: H.navFalkenborg, limit: 100))
        XCTAssertEqual(both, [])
        let indexes = try store.database.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'revisjonslogg'").map { try $0.string(0) }
        }
        XCTAssertEqual(indexes, [], "no index on the audit log: each commit appends to one B-tree in time order")
    }
}
