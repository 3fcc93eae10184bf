import Domain
import Foundation
import Store

/// The data directory (`--data`): the SQLite database `klagebro.sqlite` (WAL, migrated when
/// opened) and the content-addressed documents under `documents/`. The one way the executable
/// reaches storage, for `serve` and the operator commands.
public final class ExchangeDataDirectory: Sendable {
    public let path: String
    public let store: SQLiteExchangeStore
    /// The document files; nil for the operator commands, which must not open the document store
    /// beside a running server (opening it removes unfinished uploads).
    public let files: StoreDocumentFiles?

    public init(path: String, maxDocumentBytes: Int = APIConfiguration().maxDocumentBytes, openDocuments: Bool = true) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
        self.store = try SQLiteExchangeStore(dataDirectory: path)
        self.files = openDocuments
            ? StoreDocumentFiles(store: try DocumentStore(directory: path + "/documents", defaultMaxBytes: maxDocumentBytes)) : nil
    }

    /// Migrations this open applied (empty when the database was current).
    public var migrationsAppliedAtOpen: [String] { store.database.migrationsAppliedAtOpen }
    public func appliedMigrations() throws -> [String] { try store.database.appliedMigrations() }

    /// The addressing registry: the shipped 2024 structure (plus the synthetic development entries
    /// when `development`), with every imported registry file applied in order. Outside development
    /// a registry holding synthetic entries is refused: test numbers must not reach production.
    public func registry(development: Bool) throws -> Registry {
        var registry = development ? try Registry.development() : try Registry.shipped()
        for document in try store.registryImports() {
            registry = try registry.merging(RegistryFile(data: Data(document)))
        }
        if !development && registry.containsSyntheticData {
            throw RegistryError("the registry holds synthetic entries (\(registry.syntheticEntries.prefix(3).joined(separator: ", "))…); run with --development or import real organisation numbers")
        }
        return registry
    }

    /// Checks a registry file against the current registry and records it (`klagebro registry import`).
    /// Returns a one-line summary.
    public func importRegistry(fileContents: [UInt8], development: Bool) async throws -> String {
        let file = try RegistryFile(data: Data(fileContents))
        // Refuse a file that does not merge (an unknown embete name, a bad number) before recording it.
        let merged = try registry(development: development || file.synthetic == true).merging(file)
        if !development && merged.containsSyntheticData {
            throw RegistryError("the file holds synthetic entries; import it only with --development")
        }
        try await store.appendRegistryImport(fileContents, at: .now())
        return "imported: \(file.embeter?.count ?? 0) embeter, \(file.navEnheter?.count ?? 0) NAV units, \(file.statligeNavEnheter?.count ?? 0) state NAV numbers, \(file.kommuner?.count ?? 0) kommune periods"
    }

    /// The current registry as a registry file (`klagebro registry export`).
    public func exportRegistry(development: Bool) throws -> [UInt8] {
        Array(try registry(development: development).export(kilde: "klagebro registry export"))
    }

    /// Creates a development bearer token; returns the token (shown once, stored only as its hash).
    public func createToken(role: Role, organisasjonsnummer: String) async throws -> String {
        guard Organisasjonsnummer(organisasjonsnummer) != nil else {
            throw RegistryError("\(organisasjonsnummer) is not a valid organisation number (9 digits, mod-11 check digit)")
        }
        let token = AccessToken.generate()
        try await store.saveToken(hash: AccessToken.hash(token), caller: Caller(role: role, organisasjonsnummer: organisasjonsnummer),
                                  createdAt: .now())
        return token
    }

    /// Audit entries as lines, oldest first (`klagebro audit`).
    public func auditLines(klagesakId: String?, organisasjonsnummer: String?, limit: Int) async throws -> [String] {
        try await store.audit(AuditQuery(klagesakId: klagesakId, organisasjonsnummer: organisasjonsnummer, limit: limit)).map {
            "\($0.tidspunkt.text)\t\($0.rolle)\t\($0.organisasjonsnummer)\t\($0.klagesakId ?? "-")\t\($0.handling)\t\($0.correlationId)"
        }
    }

    /// The API over this directory.
    public func makeAPI(schemasDirectory: String, development: Bool, configuration: APIConfiguration) throws -> ExchangeAPI {
        var configuration = configuration
        if development { configuration.identityPolicy = .allowingSynthetic }
        guard let files else { throw RegistryError("the data directory was opened without its document store") }
        return ExchangeAPI(store: store, files: files, schemas: try MessageSchemas(directory: schemasDirectory),
                           registry: try registry(development: development), configuration: configuration)
    }
}
