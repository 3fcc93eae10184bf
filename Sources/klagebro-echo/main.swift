import ArgumentParser
import HTTPCore
import HTTPServer
import TLS

/// The HTTP layer on its own: every method on every path gets 200 and the number of body bytes
/// it read (streamed, never held). The conformance probe and the transport benchmarks run
/// against it.
@main
struct Echo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klagebro-echo",
        abstract: "Serve only the HTTP layer: 200 and the request body's byte count for every request.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port: UInt16 = 8081

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; serves HTTPS with --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("client-ca"), help: "PEM CA bundle; requires a client certificate from it.")
    var clientCA: String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together.") }
        if clientCA != nil && tlsCert == nil { throw ValidationError("--client-ca needs --tls-cert and --tls-key.") }
    }

    func run() throws {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = port
        if let tlsCert, let tlsKey {
            configuration.tls = TLSConfiguration(certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCAPath: clientCA)
        }
        let server = try HTTPServer(configuration: configuration, handler: EchoHandler())
        let scheme = configuration.tls == nil ? "http" : "https"
        let (log, host) = (configuration.log, configuration.host)
        server.runUntilSignalled {
            log("klagebro-echo listening on \(scheme)://\(host):\(server.port)")
        }
    }
}

/// Counts body bytes as they stream in.
final class ByteCounter: HTTPBodySink, @unchecked Sendable {
    // Only the connection's queue calls it, one call at a time (HTTPBodySink's contract).
    private(set) var count = 0

    func write(_ bytes: UnsafeRawBufferPointer) throws { count += bytes.count }
    func finish() throws {}
}

struct EchoHandler: HTTPHandler {
    func bodyPolicy(for head: HTTPRequestHead, connection: ConnectionInfo) -> HTTPBodyPolicy {
        .stream(ByteCounter())
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        var count = 0
        if case .streamed(let sink) = request.body, let counter = sink as? ByteCounter { count = counter.count }
        var json = "{\"bodyBytes\":\(count)"
        if let organizationNumber = request.connection.peer?.organizationNumber {
            json += ",\"peerOrganizationNumber\":\"\(organizationNumber)\""
        }
        json += "}\n"
        responder.respond(HTTPResponse(status: .ok, contentType: "application/json", text: json))
    }
}
