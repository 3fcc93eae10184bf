import API
import ArgumentParser
import Foundation

/// `klagebro migrate`: applies the database's pending migrations (the server also does at start-up).
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations in the data directory, then list them all.")

    @Option(help: "Data directory (database and documents); created if missing.")
    var data = "data"

    func run() throws {
        let directory = try ExchangeDataDirectory(path: data, openDocuments: false)
        let applied = directory.migrationsAppliedAtOpen
        print(applied.isEmpty ? "database is current" : "applied \(applied.count) migration(s):")
        for name in applied { print("  \(name)") }
        print("migrations in \(data)/klagebro.sqlite:")
        for name in try directory.appliedMigrations() { print("  \(name)") }
    }
}

/// Runs async work from a synchronous command (the root command is synchronous) and waits for it.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try box.get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: written once by the task before the semaphore is signalled, read after the wait.
    private var result: Result<T, any Error>?
    func set(_ r: Result<T, any Error>) { result = r }
    func get() throws -> T { try result!.get() }
}
