import Foundation

/// The certificates Tests/Scripts/make-test-pki.sh makes (one recipe for tests, manual runs and
/// benchmarks), in a fresh temporary directory that `remove()` deletes. No key is ever written
/// into the repository.
public final class TestPKI: Sendable {
    public let directory: URL

    /// Runs the script into a new temporary directory named after `purpose`.
    public init(purpose: String = "tests") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("klagebro-\(purpose)-\(UUID().uuidString)", isDirectory: true)
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/make-test-pki.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script.path, directory.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(message: String(decoding: errorText, as: UTF8.self))
        }
    }

    public struct PKIError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "make-test-pki.sh failed: \(message)" }
    }

    /// The path of one file of the PKI, e.g. `ca.crt` or `client-seid2.key`.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
