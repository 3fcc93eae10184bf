import Foundation

/// The certificates Tests/Scripts/make-test-pki.sh makes, in a fresh temporary directory that
/// is removed afterwards. No key is ever written into the repository.
final class TestPKI: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("klagebro-server-tests-\(UUID().uuidString)", isDirectory: true)
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/make-test-pki.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script.path, directory.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(message: String(decoding: errorText, as: UTF8.self))
        }
    }

    struct PKIError: Error, CustomStringConvertible {
        var message: String
        var description: String { "make-test-pki.sh failed: \(message)" }
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
