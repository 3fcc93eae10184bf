import Foundation
import TestSupport
import XCTest
@testable import TLS

/// Shared fixture: one test PKI per test class, and helpers to connect a ``TLSSession`` to a
/// ``TLSClientSession`` over a socket pair.
class TLSTestCase: XCTestCase {
    nonisolated(unsafe) static var pki: TestPKI?

    override class func setUp() {
        super.setUp()
        do {
            pki = try TestPKI(purpose: "tls-tests")
        } catch {
            XCTFail("\(error)")
        }
    }

    override class func tearDown() {
        pki?.remove()
        pki = nil
        super.tearDown()
    }

    func pki() throws -> TestPKI {
        try XCTUnwrap(Self.pki, "no test PKI")
    }

    func serverContext(requireClientCertificate: Bool = true) throws -> TLSContext {
        let pki = try pki()
        return try TLSContext(configuration: TLSConfiguration(
            certificateChainPath: pki.path("server-chain.crt"),
            privateKeyPath: pki.path("server.key"),
            clientCAPath: requireClientCertificate ? pki.path("ca.crt") : nil))
    }

    /// `client`: the base name of a client certificate in the PKI ("client-seid2"), or nil for none.
    func clientContext(_ client: String?, maximumVersion: TLSClientContext.ProtocolVersion = .tls13) throws
        -> TLSClientContext {
        let pki = try pki()
        return try TLSClientContext(
            trustedCAPath: pki.path("ca.crt"),
            certificateChainPath: client.map { pki.path("\($0).crt") },
            privateKeyPath: client.map { pki.path("\($0).key") },
            maximumVersion: maximumVersion)
    }

    struct Connection {
        let pair: SocketPair
        let server: TLSSession
        let client: TLSClientSession
        let outcome: HandshakeOutcome

        var serverCompleted: Bool {
            if case .complete = outcome.server { return true }
            return false
        }
        var clientCompleted: Bool {
            if case .complete = outcome.client { return true }
            return false
        }
        var serverError: TLSError? {
            if case .failed(let error) = outcome.server { return error }
            return nil
        }
    }

    func connect(_ client: String?, maximumVersion: TLSClientContext.ProtocolVersion = .tls13,
                 server context: TLSContext? = nil, clientContext: TLSClientContext? = nil,
                 resuming ticket: TLSResumptionTicket? = nil) throws -> Connection {
        let serverContext = try context ?? serverContext()
        let clientContext = try clientContext ?? self.clientContext(client, maximumVersion: maximumVersion)
        let pair = try SocketPair()
        let server = try TLSSession(context: serverContext, fileDescriptor: pair.serverFD)
        let clientSession = try TLSClientSession(
            context: clientContext, fileDescriptor: pair.clientFD, serverName: "localhost", resuming: ticket)
        let outcome = runHandshakes(server: server, client: clientSession, pair: pair)
        return Connection(pair: pair, server: server, client: clientSession, outcome: outcome)
    }
}
