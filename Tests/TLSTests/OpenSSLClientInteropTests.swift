import Foundation
import XCTest
@testable import TLS

#if canImport(Glibc)
import Glibc
#endif

/// The server session against an independent client, `openssl s_client`, over loopback TCP: the
/// in-process client shares ``SSLStream`` with the server, so a symmetric mistake could hide there.
final class OpenSSLClientInteropTests: TLSTestCase {
    func testSClientWithSEID2CertificateTLS13() throws {
        let (identity, version, clientOutput) = try exchange(client: "client-seid2", version: "-tls1_3")
        XCTAssertEqual(version, "TLSv1.3")
        XCTAssertEqual(identity?.organizationNumber, "987654325")
        XCTAssertTrue(clientOutput.contains("pong from klagebro"), clientOutput)
    }

    func testSClientWithOldProfileCertificateTLS12() throws {
        let (identity, version, clientOutput) = try exchange(client: "client-serialnumber", version: "-tls1_2")
        XCTAssertEqual(version, "TLSv1.2")
        XCTAssertEqual(identity?.organizationNumber, "123456785")
        XCTAssertTrue(clientOutput.contains("pong from klagebro"), clientOutput)
    }

    private struct InteropFailure: Error {
        var message: String
    }

    /// Accepts one s_client connection, reads "ping\n", answers, sends close_notify and closes.
    private func exchange(client: String, version: String) throws -> (PeerIdentity?, String, String) {
        let pki = try pki()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                guard bind(listener, socketAddress, length) == 0, listen(listener, 1) == 0,
                      getsockname(listener, socketAddress, &length) == 0 else {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        }
        let port = UInt16(bigEndian: address.sin_port)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost",
                             version, "-CAfile", pki.path("ca.crt"), "-verify_return_error",
                             "-cert", pki.path("\(client).crt"), "-key", pki.path("\(client).key"),
                             "-quiet", "-ign_eof"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("ping\n".utf8))
        try input.fileHandleForWriting.close()

        var ready = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        guard poll(&ready, 1, 10_000) == 1 else {
            process.terminate()
            throw InteropFailure(message: "s_client did not connect")
        }
        let fd = accept(listener, nil, nil)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        let session = try TLSSession(context: serverContext(), fileDescriptor: fd)
        let deadline = Date().addingTimeInterval(10)
        handshake: while Date() < deadline {
            switch session.handshake() {
            case .complete: break handshake
            case .wantRead: waitFor([(fd, Int16(POLLIN))], milliseconds: 1000)
            case .wantWrite: waitFor([(fd, Int16(POLLOUT))], milliseconds: 1000)
            case .failed(let error):
                process.terminate()
                throw error
            }
        }
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")) {
            let (result, bytes) = readUntilResult(session, fd: fd)
            guard case .bytes = result else {
                XCTFail("server read \(result)")
                break
            }
            received += bytes
        }
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "ping\n")
        let written = writeAll(Array("pong from klagebro\n".utf8), to: session, fd: fd)
        guard case .bytes = written else { throw InteropFailure(message: "server write \(written)") }
        session.shutdown()
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))

        let clientOutput = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (session.peerIdentity, session.protocolVersion, String(decoding: clientOutput, as: UTF8.self))
    }
}
