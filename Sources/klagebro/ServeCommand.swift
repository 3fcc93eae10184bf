import API
import ArgumentParser
import Foundation
import HTTPCore
import HTTPServer
import TLS

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the case-exchange server.",
        discussion: """
            Plain HTTP by default; --tls-cert and --tls-key serve HTTPS, and --client-ca also requires a \
            client certificate from that CA (mutual TLS; the certificate's organisation number is the caller). \
            SIGTERM or SIGINT stops accepting, lets requests in flight finish and exits 0.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: UInt16 = 8080

    @Option(help: "Data directory (database and documents); created if missing.")
    var data = "data"

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; serves HTTPS with --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("client-ca"), help: "PEM CA bundle; requires a client certificate from it.")
    var clientCA: String?

    @Option(name: .customLong("max-connections"), help: "Most connections open at once; more are refused at once.")
    var maxConnections = HTTPLimits().maxConnections

    @Option(name: .customLong("header-timeout"), help: "Seconds to receive a request head.")
    var headerTimeout = 10

    @Option(name: .customLong("idle-timeout"), help: "Seconds a keep-alive connection may stay idle.")
    var idleTimeout = 60

    @Option(name: .customLong("event-loops"), help: "Event loops sharing the connections (default: one per CPU).")
    var eventLoops = HTTPServerConfiguration().eventLoopCount

    @Option(help: "Schema directory (default: $KLAGEBRO_SCHEMAS, ./Schemas, or a Schemas folder above the executable).")
    var schemas: String?

    @Flag(help: "Development mode: the registry's synthetic organisation numbers and synthetic identity numbers are accepted.")
    var development = false

    @Option(name: .customLong("max-document-bytes"), help: "Largest document file accepted.")
    var maxDocumentBytes = APIConfiguration().maxDocumentBytes

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together.") }
        if clientCA != nil && tlsCert == nil { throw ValidationError("--client-ca needs --tls-cert and --tls-key.") }
    }

    func run() throws {
        guard let schemaDirectory = SchemaDirectory.locate(explicit: schemas) else {
            throw ValidationError("No schema directory found (use --schemas DIR or set KLAGEBRO_SCHEMAS).")
        }
        // Opening the data directory applies pending migrations before anything is served.
        let directory = try ExchangeDataDirectory(path: data, maxDocumentBytes: maxDocumentBytes)
        var apiConfiguration = APIConfiguration()
        apiConfiguration.maxDocumentBytes = maxDocumentBytes
        let api = try directory.makeAPI(schemasDirectory: schemaDirectory.path, development: development, configuration: apiConfiguration)
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.limits.maxConnections = maxConnections
        configuration.limits.headerReadTimeout = .seconds(headerTimeout)
        configuration.limits.idleTimeout = .seconds(idleTimeout)
        configuration.eventLoopCount = eventLoops
        if let tlsCert, let tlsKey {
            configuration.tls = TLSConfiguration(certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCAPath: clientCA)
        }
        var router = Router()
        let health = HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ok\"}")
        router.add(.get, "/health") { _, _ in health }
        let log0 = configuration.log
        router.onUnexpectedError = { error, correlationID in log0("unexpected error [\(correlationID)]: \(error)") }
        api.mount(on: &router)
        let server = try HTTPServer(configuration: configuration, handler: router)
        let scheme = configuration.tls == nil ? "http" : "https"
        let (log, host, data) = (configuration.log, configuration.host, data)
        let development = self.development
        if development { log("development mode: synthetic organisation and identity numbers are accepted") }
        server.runUntilSignalled(
            onReady: {
                log("klagebro listening on \(scheme)://\(host):\(server.port) (data: \(data))")
                for name in directory.migrationsAppliedAtOpen { log("migration applied: \(name)") }
            },
            onStopped: {
                // Whether the disk (committing) or the CPU (running jobs) bounded the write rate.
                let s = directory.store.database.statistics
                log("writer: \(s.commits) commits, \(s.committedJobs) jobs (\(String(format: "%.1f", s.jobsPerCommit)) per commit, "
                    + "largest group \(s.largestGroup)), \(s.failedJobs) failed; running jobs \(s.timeRunningJobs), committing \(s.timeCommitting)")
            })
    }
}
