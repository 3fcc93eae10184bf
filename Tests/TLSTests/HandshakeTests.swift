import XCTest
@testable import TLS

#if canImport(Glibc)
import Glibc
#endif

/// Mutual TLS handshakes: versions, the peer identity from both certificate profiles, and
/// the refusals (no certificate, untrusted CA) on the server side.
final class HandshakeTests: TLSTestCase {
    func testTLS13WithOldProfileCertificate() throws {
        let connection = try connect("client-serialnumber")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        XCTAssertTrue(connection.clientCompleted, "\(connection.outcome.client)")
        XCTAssertEqual(connection.server.protocolVersion, "TLSv1.3")
        XCTAssertEqual(connection.client.protocolVersion, "TLSv1.3")
        let identity = try XCTUnwrap(connection.server.peerIdentity)
        XCTAssertEqual(identity.organizationNumber, "123456785")
        XCTAssertEqual(identity.subject, "CN=EKSEMPEL BEDRIFT AS,serialNumber=123456785,O=EKSEMPEL BEDRIFT AS,C=NO")
        XCTAssertEqual(identity.issuer, "CN=Klagebro Test Root CA,O=Klagebro Test CA,C=NO")
    }

    func testTLS12WithOldProfileCertificate() throws {
        let connection = try connect("client-serialnumber", maximumVersion: .tls12)
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        XCTAssertTrue(connection.clientCompleted, "\(connection.outcome.client)")
        XCTAssertEqual(connection.server.protocolVersion, "TLSv1.2")
        XCTAssertEqual(connection.server.peerIdentity?.organizationNumber, "123456785")
    }

    func testSEID2OrganizationIdentifierTLS13() throws {
        let connection = try connect("client-seid2")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        let identity = try XCTUnwrap(connection.server.peerIdentity)
        XCTAssertEqual(identity.organizationNumber, "987654325")
        // UTF-8 stays readable in the log line.
        XCTAssertEqual(
            identity.subject,
            "CN=BRØNNØY TESTKONTOR AS,organizationIdentifier=NTRNO-987654325,O=BRØNNØY TESTKONTOR AS,C=NO")
    }

    func testSEID2OrganizationIdentifierTLS12() throws {
        let connection = try connect("client-seid2", maximumVersion: .tls12)
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        XCTAssertEqual(connection.server.protocolVersion, "TLSv1.2")
        XCTAssertEqual(connection.server.peerIdentity?.organizationNumber, "987654325")
    }

    func testBothFieldsAgreeing() throws {
        let connection = try connect("client-both")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        XCTAssertEqual(connection.server.peerIdentity?.organizationNumber, "974760673")
    }

    func testBothFieldsDisagreeingGivesNoOrganizationNumber() throws {
        let connection = try connect("client-conflict")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        let identity = try XCTUnwrap(connection.server.peerIdentity)
        XCTAssertNil(identity.organizationNumber)
        XCTAssertTrue(identity.subject.contains("UENIG AS"), identity.subject)
    }

    func testInvalidCheckDigitGivesNoOrganizationNumber() throws {
        let connection = try connect("client-badcheck")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        let identity = try XCTUnwrap(connection.server.peerIdentity)
        XCTAssertNil(identity.organizationNumber)
        XCTAssertTrue(identity.subject.contains("serialNumber=123456789"), identity.subject)
    }

    func testCertificateWithoutNumberGivesNoOrganizationNumber() throws {
        let connection = try connect("client-nonumber")
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        let identity = try XCTUnwrap(connection.server.peerIdentity)
        XCTAssertNil(identity.organizationNumber)
        XCTAssertEqual(identity.subject, "CN=UTEN NUMMER AS,O=UTEN NUMMER AS,C=NO")
    }

    // MARK: refusals

    /// TLS 1.3 rejects late: the client thinks it is connected, the server's handshake fails, and
    /// nothing the client sends is ever delivered.
    func testNoClientCertificateTLS13FailsOnServer() throws {
        let connection = try connect(nil)
        let error = try XCTUnwrap(connection.serverError, "server handshake: \(connection.outcome.server)")
        XCTAssertTrue(error.description.contains("peer did not return a certificate"), error.description)
        XCTAssertNil(connection.server.peerIdentity)
        assertClientGetsNoApplicationData(connection)
    }

    func testNoClientCertificateTLS12FailsBothSides() throws {
        let connection = try connect(nil, maximumVersion: .tls12)
        XCTAssertNotNil(connection.serverError, "server handshake: \(connection.outcome.server)")
        XCTAssertFalse(connection.clientCompleted)
        XCTAssertNil(connection.server.peerIdentity)
    }

    func testRogueCATLS13FailsOnServer() throws {
        let connection = try connect("client-rogue")
        let error = try XCTUnwrap(connection.serverError, "server handshake: \(connection.outcome.server)")
        XCTAssertTrue(error.description.contains("client certificate rejected"), error.description)
        XCTAssertNil(connection.server.peerIdentity)
        assertClientGetsNoApplicationData(connection)
    }

    func testRogueCATLS12FailsBothSides() throws {
        let connection = try connect("client-rogue", maximumVersion: .tls12)
        let error = try XCTUnwrap(connection.serverError, "server handshake: \(connection.outcome.server)")
        XCTAssertTrue(error.description.contains("client certificate rejected"), error.description)
        XCTAssertFalse(connection.clientCompleted)
        XCTAssertNil(connection.server.peerIdentity)
    }

    /// After a refused handshake the client may still write (its data goes nowhere), but it reads
    /// an alert or the end of the stream, never bytes.
    private func assertClientGetsNoApplicationData(_ connection: Connection, file: StaticString = #filePath,
                                                   line: UInt = #line) {
        if connection.clientCompleted {
            _ = writeAll(Array("GET / HTTP/1.1\r\n\r\n".utf8), to: connection.client, fd: connection.pair.clientFD)
        }
        let (result, bytes) = readUntilResult(connection.client, fd: connection.pair.clientFD)
        switch result {
        case .closed, .failed: break
        default: XCTFail("client read \(result) \(bytes)", file: file, line: line)
        }
        // Nor does the server ever hand the client's request to the application.
        var buffer = [UInt8](repeating: 0, count: 256)
        let serverRead = buffer.withUnsafeMutableBytes { connection.server.read(into: $0) }
        if case .bytes(let count) = serverRead {
            XCTFail("server read \(count) bytes after a refused handshake", file: file, line: line)
        }
    }

    /// Plain HTTP sent to the TLS port fails the handshake; nothing is answered.
    func testPlaintextHTTPFailsHandshake() throws {
        let pair = try SocketPair()
        let session = try TLSSession(context: serverContext(), fileDescriptor: pair.serverFD)
        let request = Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        XCTAssertEqual(request.withUnsafeBytes { send(pair.clientFD, $0.baseAddress, $0.count, 0) }, request.count)
        guard case .failed(let error) = session.handshake() else { return XCTFail("expected a failed handshake") }
        XCTAssertTrue(error.description.contains("http request"), error.description)
        XCTAssertNil(session.peerIdentity)
        session.shutdown()  // does nothing after a failure
    }

    // MARK: without client certificates

    func testWithoutClientCAThereIsNoPeerIdentity() throws {
        let context = try serverContext(requireClientCertificate: false)
        XCTAssertFalse(context.requiresClientCertificate)
        let withCertificate = try connect("client-serialnumber", server: context)
        XCTAssertTrue(withCertificate.serverCompleted, "\(withCertificate.outcome.server)")
        XCTAssertNil(withCertificate.server.peerIdentity)
        let anonymous = try connect(nil, server: context)
        XCTAssertTrue(anonymous.serverCompleted, "\(anonymous.outcome.server)")
        XCTAssertTrue(anonymous.clientCompleted, "\(anonymous.outcome.client)")
        XCTAssertNil(anonymous.server.peerIdentity)
    }

    func testPeerIdentityIsNilBeforeHandshake() throws {
        let pair = try SocketPair()
        let session = try TLSSession(context: serverContext(), fileDescriptor: pair.serverFD)
        XCTAssertNil(session.peerIdentity)
        guard case .wantRead = session.handshake() else { return XCTFail("expected wantRead") }
        XCTAssertNil(session.peerIdentity)
    }

    // MARK: resumption

    func testSessionResumptionTLS13KeepsIdentity() throws {
        try assertResumption(maximumVersion: .tls13)
    }

    func testSessionResumptionTLS12KeepsIdentity() throws {
        try assertResumption(maximumVersion: .tls12)
    }

    /// Without tickets, TLS 1.2 resumes by session ID from the server's session cache.
    func testSessionResumptionTLS12FromServerSessionCache() throws {
        let context = try serverContext()
        let pki = try pki()
        let client = try TLSClientContext(
            trustedCAPath: pki.path("ca.crt"), certificateChainPath: pki.path("client-serialnumber.crt"),
            privateKeyPath: pki.path("client-serialnumber.key"), maximumVersion: .tls12, offersSessionTickets: false)
        XCTAssertEqual(context.cachedSessionCount, 0)
        try assertResumption(server: context, client: client, organizationNumber: "123456785")
        XCTAssertEqual(context.cachedSessionCount, 1)
    }

    /// A connection freed without close_notify (idle timeout, client that just closes) keeps its
    /// session in the cache; one whose handshake failed does not add one.
    func testSessionSurvivesConnectionsClosedWithoutCloseNotify() throws {
        let context = try serverContext()
        let pki = try pki()
        let client = try TLSClientContext(
            trustedCAPath: pki.path("ca.crt"), certificateChainPath: pki.path("client-serialnumber.crt"),
            privateKeyPath: pki.path("client-serialnumber.key"), maximumVersion: .tls12, offersSessionTickets: false)
        do {
            let connection = try connect(nil, server: context, clientContext: client)
            XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
            connection.pair.close(connection.pair.clientFD)  // the client vanishes
            let (result, _) = readUntilResult(connection.server, fd: connection.pair.serverFD)
            guard case .closed = result else { return XCTFail("server read \(result)") }
        }
        do {
            let connection = try connect(nil, server: context, clientContext: client)
            XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
            // freed while idle, as on a keep-alive timeout
        }
        XCTAssertEqual(context.cachedSessionCount, 2)
        do {
            let rogue = try connect("client-rogue", maximumVersion: .tls12, server: context)
            XCTAssertNotNil(rogue.serverError)
        }
        XCTAssertEqual(context.cachedSessionCount, 2)
    }

    private func assertResumption(maximumVersion: TLSClientContext.ProtocolVersion) throws {
        try assertResumption(server: serverContext(), client: clientContext("client-seid2", maximumVersion: maximumVersion),
                             organizationNumber: "987654325")
    }

    private func assertResumption(server context: TLSContext, client: TLSClientContext,
                                  organizationNumber: String) throws {
        let first = try connect(nil, server: context, clientContext: client)
        XCTAssertTrue(first.serverCompleted, "\(first.outcome.server)")
        XCTAssertFalse(first.server.sessionReused)
        // TLS 1.3 tickets arrive after the handshake: let the client read once.
        writeAll(Array("hello".utf8), to: first.server, fd: first.pair.serverFD)
        let (result, bytes) = readUntilResult(first.client, fd: first.pair.clientFD)
        guard case .bytes = result else { return XCTFail("client read \(result)") }
        XCTAssertEqual(bytes, Array("hello".utf8))
        let ticket = try XCTUnwrap(first.client.resumptionTicket())

        let second = try connect(nil, server: context, clientContext: client, resuming: ticket)
        XCTAssertTrue(second.serverCompleted, "\(second.outcome.server)")
        XCTAssertTrue(second.server.sessionReused)
        XCTAssertTrue(second.client.sessionReused)
        XCTAssertEqual(second.server.peerIdentity?.organizationNumber, organizationNumber)
    }
}
