import API
import ArgumentParser

/// `klagebro token create --role R --orgnr N`: a development bearer token.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Development bearer tokens (production callers use client certificates).",
        subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for a role and organisation number; it is printed once and stored only as its SHA-256.")

        @Option(help: "nav, statsforvalter, innsyn or admin.")
        var role: String

        @Option(help: "The caller's organisation number (9 digits, valid check digit).")
        var orgnr: String

        @Option(help: "Data directory.")
        var data = "data"

        func validate() throws {
            if Role(rawValue: role) == nil { throw ValidationError("--role must be nav, statsforvalter, innsyn or admin.") }
        }

        func run() throws {
            let directory = try ExchangeDataDirectory(path: data, openDocuments: false)
            let (role, orgnr) = (Role(rawValue: role)!, orgnr)
            let token = try runBlocking { try await directory.createToken(role: role, organisasjonsnummer: orgnr) }
            print(token)
        }
    }
}
