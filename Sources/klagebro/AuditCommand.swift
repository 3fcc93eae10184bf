import API
import ArgumentParser

/// `klagebro audit`: who read which case's personal data, and when.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the audit log (time, role, organisation number, case, action, correlation id), oldest first.")

    @Option(help: "Data directory.")
    var data = "data"

    @Option(name: .customLong("klagesak"), help: "Only this case.")
    var klagesakId: String?

    @Option(help: "Only this caller's organisation number.")
    var orgnr: String?

    @Option(help: "The newest N entries.")
    var limit = 100

    func run() throws {
        let directory = try ExchangeDataDirectory(path: data, openDocuments: false)
        let (klagesakId, orgnr, limit) = (klagesakId, orgnr, limit)
        for line in try runBlocking({ try await directory.auditLines(klagesakId: klagesakId, organisasjonsnummer: orgnr, limit: limit) }) {
            print(line)
        }
    }
}
