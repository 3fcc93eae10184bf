import Dispatch
import Foundation
import HTTPCore
import TLS
import TestSupport
import XCTest

@testable import HTTPServer

/// HTTPS through the real server, with the TLS module's client session on the client side:
/// round trips, and the organisation number of a client certificate as the handler sees it.
final class TLSServerTests: ServerTestCase {
    nonisolated(unsafe) static var pki: TestPKI?

    override class func setUp() {
        super.setUp()
        do {
            pki = try TestPKI(purpose: "server-tests")
        } catch {
            XCTFail("\(error)")
        }
    }

    override class func tearDown() {
        pki?.remove()
        pki = nil
        super.tearDown()
    }

    private func pki() throws -> TestPKI { try XCTUnwrap(Self.pki, "no test PKI") }

    /// Answers with what the server knows about the connection.
    private func tlsServer(requireClientCertificate: Bool) throws -> HTTPServer {
        let pki = try pki()
        return try startServer(TestHandler { request, responder in
            let peer = request.connection.peer
            responder.respond(textResponse(
                "tls=\(request.connection.isTLS) org=\(peer.map { $0.organizationNumber ?? "nil" } ?? "no-peer") body=\(String(decoding: request.bodyBytes, as: UTF8.self))"))
        }) {
            $0.tls = TLSConfiguration(
                certificateChainPath: pki.path("server-chain.crt"), privateKeyPath: pki.path("server.key"),
                clientCAPath: requireClientCertificate ? pki.path("ca.crt") : nil)
            $0.limits.headerReadTimeout = .seconds(2)
        }
    }

    private func clientContext(_ certificate: String?, maximumVersion: TLSClientContext.ProtocolVersion = .tls13) throws
        -> TLSClientContext
    {
        let pki = try pki()
        return try TLSClientContext(
            trustedCAPath: pki.path("ca.crt"),
            certificateChainPath: certificate.map { pki.path("\($0).crt") },
            privateKeyPath: certificate.map { pki.path("\($0).key") },
            maximumVersion: maximumVersion)
    }

    func testRequestsRoundTripOverTLS() throws {
        let server = try tlsServer(requireClientCertificate: false)
        for version in [TLSClientContext.ProtocolVersion.tls12, .tls13] {
            let client = try TestClient(port: server.port, tls: try clientContext(nil, maximumVersion: version))
            try client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello")
            let response = try client.readFinalResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "tls=true org=no-peer body=hello")
            // Keep-alive and pipelining work over TLS as well.
            try client.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(try client.readFinalResponse().status, 200)
            let last = try client.readFinalResponse()
            XCTAssertTrue(last.connectionHas("close"))
            XCTAssertEqual(try client.readUntilClosed(), [])
        }
    }

    func testLargeResponseOverTLS() throws {
        let body = pseudoRandomBytes(1_000_000, seed: 7)
        let pki = try pki()
        let server = try startServer(TestHandler { _, responder in
            responder.respond(HTTPResponse(status: .ok, body: .stream(length: nil, producer: PieceProducer(body))))
        }) {
            $0.tls = TLSConfiguration(certificateChainPath: pki.path("server-chain.crt"), privateKeyPath: pki.path("server.key"))
        }
        let client = try TestClient(port: server.port, tls: try clientContext(nil), timeout: 20)
        try client.send("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.framing, .chunked)
        XCTAssertEqual(response.body.count, body.count)
        XCTAssertTrue(response.body == body, "the body differs")
    }

    private func organizationNumber(presenting certificate: String, server: HTTPServer) throws -> String {
        let client = try TestClient(port: server.port, tls: try clientContext(certificate))
        try client.send("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        return response.text
    }

    func testHandlerSeesOrganizationNumberOfClientCertificate() throws {
        let server = try tlsServer(requireClientCertificate: true)
        XCTAssertEqual(try organizationNumber(presenting: "client-serialnumber", server: server), "tls=true org=123456785 body=")
        XCTAssertEqual(try organizationNumber(presenting: "client-seid2", server: server), "tls=true org=987654325 body=")
        XCTAssertEqual(try organizationNumber(presenting: "client-both", server: server), "tls=true org=974760673 body=")
        XCTAssertEqual(try organizationNumber(presenting: "client-badcheck", server: server), "tls=true org=nil body=")
        XCTAssertEqual(try organizationNumber(presenting: "client-nonumber", server: server), "tls=true org=nil body=")
        XCTAssertEqual(try organizationNumber(presenting: "client-conflict", server: server), "tls=true org=nil body=")
    }

    /// Tries a request; returns the response if one came, nil if the connection failed or closed.
    private func attempt(presenting certificate: String?, maximumVersion: TLSClientContext.ProtocolVersion, server: HTTPServer)
        -> TestResponse?
    {
        do {
            let client = try TestClient(port: server.port, tls: try clientContext(certificate, maximumVersion: maximumVersion))
            try client.send("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return try client.readFinalResponse()
        } catch {
            return nil
        }
    }

    func testClientWithoutCertificateOrFromRogueCAGetsNoResponse() throws {
        let server = try tlsServer(requireClientCertificate: true)
        for version in [TLSClientContext.ProtocolVersion.tls12, .tls13] {
            for certificate in [nil, "client-rogue"] {
                let response = attempt(presenting: certificate, maximumVersion: version, server: server)
                XCTAssertNil(response, "\(certificate ?? "no certificate") over \(version) got \(response?.status ?? 0) \(response?.text ?? "")")
            }
        }
        // The server is unharmed.
        XCTAssertEqual(try organizationNumber(presenting: "client-seid2", server: server), "tls=true org=987654325 body=")
    }

    func testPipelinedRecordsWithDelayedAnswersOverTLS() throws {
        let pki = try pki()
        let server = try startServer(TestHandler { request, responder in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) {
                responder.respond(textResponse("late \(request.head.target)"))
            }
        }) {
            $0.tls = TLSConfiguration(certificateChainPath: pki.path("server-chain.crt"), privateKeyPath: pki.path("server.key"))
        }
        let client = try TestClient(port: server.port, tls: try clientContext(nil))
        // Each send is its own TLS record; they arrive together while the first is being handled.
        for index in 1...4 { try client.send("GET /\(index) HTTP/1.1\r\nHost: localhost\r\n\r\n") }
        for index in 1...4 { XCTAssertEqual(try client.readFinalResponse().text, "late /\(index)") }
    }

    func testSilentClientIsClosedAtHeaderTimeout() throws {
        let server = try tlsServer(requireClientCertificate: false)  // headerReadTimeout 2 s
        let silent = try client(server, timeout: 8)
        let started = Date()
        XCTAssertEqual(try silent.readUntilClosed(), [], "a client that never starts its handshake must be closed")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.9)
    }

    func testShutdownClosesConnectionThatNeverStartedItsHandshake() throws {
        let pki = try pki()
        let server = try startServer(TestHandler { _, responder in responder.respond(textResponse("x")) }) {
            $0.tls = TLSConfiguration(certificateChainPath: pki.path("server-chain.crt"), privateKeyPath: pki.path("server.key"))
            $0.limits.headerReadTimeout = .seconds(30)
            $0.limits.shutdownGracePeriod = .seconds(30)
        }
        let silent = try client(server, timeout: 5)
        // Make sure the server has accepted it: a second, complete TLS exchange goes through first.
        let active = try TestClient(port: server.port, tls: try clientContext(nil))
        try active.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try active.readFinalResponse().status, 200)
        let done = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown { done.signal() }
        XCTAssertEqual(try active.readUntilClosed(timeout: 3), [])
        XCTAssertEqual(try silent.readUntilClosed(timeout: 3), [], "a connection still in its handshake closes at shutdown")
        XCTAssertEqual(done.wait(timeout: .now() + 2), .success)
    }

    func testPlainHTTPToTLSPortGetsNoHTTPResponse() throws {
        let server = try tlsServer(requireClientCertificate: false)
        let client = try client(server)
        try client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let rest = try client.readUntilClosed(timeout: 5)
        XCTAssertFalse(String(decoding: rest, as: UTF8.self).hasPrefix("HTTP/"), "plain HTTP must not be answered on a TLS port")
    }
}
