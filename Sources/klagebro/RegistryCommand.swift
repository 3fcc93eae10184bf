import API
import ArgumentParser
import Foundation

/// `klagebro registry import FILE` / `klagebro registry export`: the addressing registry's
/// configuration (NAV units, embeter's organisation numbers) beside the shipped kommune structure.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Import or export the addressing registry.", subcommands: [Import.self, Export.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a registry file (format klagebro-register) and apply it from the next start on.")

        @Argument(help: "The registry file (JSON).")
        var file: String

        @Option(help: "Data directory.")
        var data = "data"

        @Flag(help: "Allow synthetic (test) entries.")
        var development = false

        func run() throws {
            guard let contents = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let directory = try ExchangeDataDirectory(path: data, openDocuments: false)
            let development = self.development
            let summary = try runBlocking { try await directory.importRegistry(fileContents: Array(contents), development: development) }
            print(summary)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the current registry as a registry file to standard output.")

        @Option(help: "Data directory.")
        var data = "data"

        @Flag(help: "Include the synthetic development entries.")
        var development = false

        func run() throws {
            let directory = try ExchangeDataDirectory(path: data, openDocuments: false)
            FileHandle.standardOutput.write(Data(try directory.exportRegistry(development: development)))
        }
    }
}
