import XCTest
@testable import TLS

#if canImport(Glibc)
import Glibc
#endif

/// Application data after a completed handshake: both directions, writes larger than the socket
/// buffer, buffered plaintext, close_notify and EOF.
final class ApplicationDataTests: TLSTestCase {
    private func established(_ maximumVersion: TLSClientContext.ProtocolVersion = .tls13) throws -> Connection {
        let connection = try connect("client-serialnumber", maximumVersion: maximumVersion)
        XCTAssertTrue(connection.serverCompleted, "\(connection.outcome.server)")
        XCTAssertTrue(connection.clientCompleted, "\(connection.outcome.client)")
        return connection
    }

    private func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    func testRoundTripBothDirections() throws {
        for version in [TLSClientContext.ProtocolVersion.tls13, .tls12] {
            let connection = try established(version)
            let request = Array("GET /saker HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            let up = transfer(request, from: connection.client, writerFD: connection.pair.clientFD,
                              to: connection.server, readerFD: connection.pair.serverFD)
            XCTAssertNil(up.failure)
            XCTAssertEqual(up.received, request)

            let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
            let down = transfer(response, from: connection.server, writerFD: connection.pair.serverFD,
                                to: connection.client, readerFD: connection.pair.clientFD)
            XCTAssertNil(down.failure)
            XCTAssertEqual(down.received, response)
        }
    }

    /// 4 MB through 16 kB socket buffers: the server's writes must come back partial and with
    /// want-write, and retrying with the same remaining bytes must deliver everything in order.
    func testLargeServerWriteIsPartialAndComplete() throws {
        let connection = try established()
        let body = pattern(4 * 1024 * 1024, seed: 7)
        let report = transfer(body, from: connection.server, writerFD: connection.pair.serverFD,
                              to: connection.client, readerFD: connection.pair.clientFD)
        XCTAssertNil(report.failure)
        XCTAssertEqual(report.received.count, body.count)
        XCTAssertTrue(report.received == body, "received bytes differ from those sent")
        XCTAssertGreaterThan(report.partialWrites, 0, "expected partial writes")
        XCTAssertGreaterThan(report.wantWrites, 0, "expected want-write")
    }

    /// After want-write the same bytes may be offered from another address (the caller's buffer
    /// was reallocated): SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER.
    func testRetryAfterWantWriteFromAMovedBuffer() throws {
        let connection = try established()
        let body = pattern(512 * 1024, seed: 5)
        var offset = 0
        var blocked = false
        while !blocked && offset < body.count {
            let result = body.withUnsafeBytes { connection.server.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch result {
            case .bytes(let count): offset += count
            case .wantWrite: blocked = true
            default: return XCTFail("write \(result)")
            }
        }
        XCTAssertTrue(blocked, "the socket never pushed back")
        let moved = Array(body[offset...])  // a new buffer holding the same remaining bytes
        // The client gets everything in order: what was written before the move, then the rest.
        let report = transfer(moved, from: connection.server, writerFD: connection.pair.serverFD,
                              to: connection.client, readerFD: connection.pair.clientFD, expectedCount: body.count)
        XCTAssertNil(report.failure)
        XCTAssertTrue(report.received == body, "received bytes differ from those sent")
    }

    func testLargeClientUpload() throws {
        let connection = try established(.tls12)
        let upload = pattern(1024 * 1024 + 17, seed: 3)
        let report = transfer(upload, from: connection.client, writerFD: connection.pair.clientFD,
                              to: connection.server, readerFD: connection.pair.serverFD)
        XCTAssertNil(report.failure)
        XCTAssertTrue(report.received == upload, "received bytes differ from those sent")
    }

    /// A record read into a small buffer leaves the rest inside OpenSSL, where no socket event
    /// will announce it: `hasBufferedPlaintext` must say so.
    func testBufferedPlaintextIsReported() throws {
        let connection = try established()
        let message = pattern(1000, seed: 1)
        XCTAssertEqual(bytesWritten(writeAll(message, to: connection.client, fd: connection.pair.clientFD)), 1000)
        XCTAssertFalse(connection.server.hasBufferedPlaintext)
        let (first, head) = readUntilResult(connection.server, fd: connection.pair.serverFD, capacity: 100)
        guard case .bytes(100) = first else { return XCTFail("first read \(first)") }
        XCTAssertTrue(connection.server.hasBufferedPlaintext)
        var received = head
        var buffer = [UInt8](repeating: 0, count: 100)
        while connection.server.hasBufferedPlaintext {
            let result = buffer.withUnsafeMutableBytes { connection.server.read(into: $0) }
            guard case .bytes(let count) = result else { return XCTFail("buffered read \(result)") }
            received += buffer[0..<count]
        }
        XCTAssertEqual(received, message)
        // Nothing more: the socket is empty too.
        let result = buffer.withUnsafeMutableBytes { connection.server.read(into: $0) }
        guard case .wantRead = result else { return XCTFail("expected wantRead, got \(result)") }
    }

    func testCloseNotifyGivesClosedBothWays() throws {
        let connection = try established()
        connection.client.shutdown()
        let (serverSees, _) = readUntilResult(connection.server, fd: connection.pair.serverFD)
        guard case .closed = serverSees else { return XCTFail("server read \(serverSees)") }
        connection.server.shutdown()
        connection.server.shutdown()  // a second call is harmless
        let (clientSees, _) = readUntilResult(connection.client, fd: connection.pair.clientFD)
        guard case .closed = clientSees else { return XCTFail("client read \(clientSees)") }
    }

    func testEOFWithoutCloseNotifyGivesClosed() throws {
        for version in [TLSClientContext.ProtocolVersion.tls13, .tls12] {
            let connection = try established(version)
            // Let the client take everything (TLS 1.3 tickets) first: closing a socket with unread
            // data resets the connection (ECONNRESET, reported as a failure), which is not this case.
            writeAll(Array("x".utf8), to: connection.server, fd: connection.pair.serverFD)
            let (ping, _) = readUntilResult(connection.client, fd: connection.pair.clientFD)
            guard case .bytes(1) = ping else { return XCTFail("client read \(ping)") }
            connection.pair.close(connection.pair.clientFD)
            let (result, _) = readUntilResult(connection.server, fd: connection.pair.serverFD)
            guard case .closed = result else { return XCTFail("server read \(result)") }
            connection.server.shutdown()  // after EOF: must do nothing, and not raise SIGPIPE
        }
    }

    /// Writing to a socket whose peer is gone fails with EPIPE instead of raising SIGPIPE
    /// (the test process does not ignore SIGPIPE, so a signal would kill it).
    func testWriteAfterPeerClosedFailsWithoutSignal() throws {
        let connection = try established()
        connection.pair.close(connection.pair.clientFD)
        let result = writeAll(pattern(64 * 1024, seed: 9), to: connection.server, fd: connection.pair.serverFD)
        guard case .failed(let error) = result else { return XCTFail("write \(result)") }
        XCTAssertEqual(error.systemErrno, EPIPE, error.description)
        connection.server.shutdown()
    }

    /// Errors left on this thread's OpenSSL queue by unrelated work must not turn a harmless
    /// want-read into a failure (Dispatch reuses threads across connections).
    func testStaleErrorQueueDoesNotLeakIntoSessions() throws {
        let connection = try established()
        // A failing context load leaves nothing behind (TLSError drains the queue) ...
        XCTAssertThrowsError(try TLSContext(configuration: TLSConfiguration(
            certificateChainPath: "/nonexistent/chain.pem", privateKeyPath: "/nonexistent/key.pem")))
        // ... and a stale error pushed by other OpenSSL users is cleared before each call.
        pushStaleOpenSSLError()
        var buffer = [UInt8](repeating: 0, count: 16)
        let result = buffer.withUnsafeMutableBytes { connection.server.read(into: $0) }
        guard case .wantRead = result else { return XCTFail("expected wantRead, got \(result)") }
        pushStaleOpenSSLError()
        let written = Array("x".utf8).withUnsafeBytes { connection.server.write($0) }
        guard case .bytes(1) = written else { return XCTFail("expected a write, got \(written)") }
    }

    func testEmptyBuffersAreRefusedWithoutCrashing() throws {
        let connection = try established()
        let read = connection.server.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        guard case .failed = read else { return XCTFail("read \(read)") }
        let write = connection.server.write(UnsafeRawBufferPointer(start: nil, count: 0))
        guard case .failed = write else { return XCTFail("write \(write)") }
    }

    private func bytesWritten(_ result: TLSSession.IOResult) -> Int {
        if case .bytes(let count) = result { return count }
        return -1
    }
}
