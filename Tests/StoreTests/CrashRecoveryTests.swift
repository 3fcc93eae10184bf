import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import Store

/// Kills a writing child process with SIGKILL, repeatedly, and checks that every write the child
/// reported as acknowledged is in the database afterwards, with its document, and that the database is
/// sound. The child is this same test binary running `CrashChildProcess.testWriteUntilKilled`.
final class CrashRecoveryTests: XCTestCase {
    static let databaseVariable = "STORE_CRASH_CHILD_DATABASE"
    static let documentsVariable = "STORE_CRASH_CHILD_DOCUMENTS"
    static let migrations = [
        Migration(name: "001-entry", sql: """
            CREATE TABLE entry (id TEXT PRIMARY KEY, document_sha512 TEXT, document_size INTEGER) STRICT
            """),
    ]

    func testEveryAcknowledgedWriteSurvivesSIGKILL() throws {
        let directory = try makeTemporaryDirectory(self)
        let databasePath = directory + "/crash.sqlite"
        let documentsPath = directory + "/documents"
        var acknowledged: [String: (sha512: String, size: Int)?] = [:]
        let rounds = 6
        for round in 1...rounds {
            let acks = try runChildUntilKilled(databasePath: databasePath, documentsPath: documentsPath,
                                               round: round, minimumAcks: 150)
            XCTAssertGreaterThan(acks.count, 0, "round \(round): the child acknowledged nothing")
            for ack in acks { acknowledged[ack.id] = ack.document }

            let documents = try DocumentStore(directory: documentsPath)
            let database = try Database(path: databasePath, migrations: Self.migrations)
            defer { database.close() }
            XCTAssertEqual(try database.integrityCheck(), ["ok"], "round \(round)")
            let stored = try database.read { db in
                try db.query("SELECT id, document_sha512, document_size FROM entry").map {
                    (try $0.string(0), try $0.optionalString(1), try $0.optionalInt(2))
                }
            }
            let storedIDs = Set(stored.map(\.0))
            let missing = acknowledged.keys.filter { !storedIDs.contains($0) }
            XCTAssertEqual(missing.count, 0, "round \(round): acknowledged but lost: \(missing.prefix(5))")
            for (id, document) in acknowledged {
                guard let document else { continue }
                XCTAssertEqual(try documents.size(sha512: document.sha512), document.size, "document of \(id)")
            }
            let temporaries = try FileManager.default.contentsOfDirectory(atPath: documentsPath).filter { $0.hasPrefix(".upload-") }
            XCTAssertEqual(temporaries, [], "leftover uploads are removed when the store opens")
        }
    }

    private struct Ack {
        let id: String
        let document: (sha512: String, size: Int)?
    }

    /// Starts the child, collects its "ack" lines until it has `minimumAcks` (or 20 s passed), then
    /// SIGKILLs it in the middle of its writes and returns what it acknowledged.
    private func runChildUntilKilled(databasePath: String, documentsPath: String, round: Int, minimumAcks: Int) throws -> [Ack] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["StoreTests.CrashChildProcess/testWriteUntilKilled"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.databaseVariable] = databasePath
        environment[Self.documentsVariable] = documentsPath
        environment["STORE_CRASH_CHILD_ROUND"] = String(round)
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice

        let lines = Mutex<(text: String, acks: [Ack])>(("", []))
        let enough = DispatchSemaphore(value: 0)
        let readerDone = DispatchSemaphore(value: 0)
        let handle = output.fileHandleForReading
        let reader = Thread {
            var signalled = false
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                let count = lines.withLock { state -> Int in
                    state.text += String(decoding: data, as: UTF8.self)
                    while let newline = state.text.firstIndex(of: "\n") {
                        let line = state.text[..<newline]
                        state.text = String(state.text[state.text.index(after: newline)...])
                        let fields = line.split(separator: " ")
                        guard fields.first == "ack", fields.count == 2 || fields.count == 4 else { continue }
                        let document = fields.count == 4 ? (String(fields[2]), Int(fields[3])!) : nil
                        state.acks.append(Ack(id: String(fields[1]), document: document))
                    }
                    return state.acks.count
                }
                if count >= minimumAcks && !signalled {
                    signalled = true
                    enough.signal()
                }
            }
            readerDone.signal()
        }
        try process.run()
        reader.start()
        _ = enough.wait(timeout: .now() + 20)
        // Let it run on a little past the threshold so the kill lands at a random point of a group.
        usleep(UInt32.random(in: 0...30_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round): the child ended before it was killed")
        readerDone.wait()
        return lines.withLock { $0.acks }
    }
}

/// The child side of `CrashRecoveryTests`: writes until killed and prints "ack ID [SHA512 SIZE]" for
/// each write whose `write` completed. Does nothing when run as an ordinary test.
final class CrashChildProcess: XCTestCase {
    func testWriteUntilKilled() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let databasePath = environment[CrashRecoveryTests.databaseVariable],
              let documentsPath = environment[CrashRecoveryTests.documentsVariable]
        else { return }
        let round = environment["STORE_CRASH_CHILD_ROUND"] ?? "0"
        let documents = try DocumentStore(directory: documentsPath)
        let database = try Database(path: databasePath, migrations: CrashRecoveryTests.migrations)
        let inFlight = DispatchSemaphore(value: 48)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while true {
                inFlight.wait()
                let number = next.wrappingAdd(1, ordering: .relaxed).oldValue
                let id = "r\(round)-\(number)"
                var document: StoredDocument?
                if number % 8 == 0 {
                    // Some writes carry a document: stored (and fsynced) first, then the row naming it.
                    let upload = try! documents.beginUpload()
                    var content = Array("%PDF-\(id)-".utf8)
                    content += (0..<Int.random(in: 1_000...20_000)).map { _ in UInt8.random(in: 0...255) }
                    try! upload.write(content)
                    document = try! upload.finish()
                }
                database.write({ [document] db in
                    try db.execute("INSERT INTO entry (id, document_sha512, document_size) VALUES (?, ?, ?)",
                                   [.text(id), SQLValue(document?.sha512), SQLValue(document?.size)])
                }, completion: { [document] result in
                    if case .success = result {
                        let line = document.map { "ack \(id) \($0.sha512) \($0.size)\n" } ?? "ack \(id)\n"
                        line.utf8CString.withUnsafeBufferPointer { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
                    }
                    inFlight.signal()
                })
            }
        }
    }
}
