import Foundation
import XCTest
@testable import TLS

#if canImport(Glibc)
import Glibc
#endif

/// What the test drivers need from either side of a connection.
protocol TLSEndpoint: AnyObject {
    func handshake() -> TLSSession.HandshakeResult
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSSession.IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSSession.IOResult
    func shutdown()
    var hasBufferedPlaintext: Bool { get }
}

extension TLSSession: TLSEndpoint {}
extension TLSClientSession: TLSEndpoint {}

/// A connected pair of non-blocking Unix stream sockets with small buffers, so that large writes
/// hit want-write. Both sides are driven from the test's thread, waiting with poll().
final class SocketPair {
    let serverFD: Int32
    let clientFD: Int32
    private var closed: Set<Int32> = []

    init(bufferSize: Int32 = 16 * 1024) throws {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        serverFD = fds[0]
        clientFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var size = bufferSize
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    func close(_ fd: Int32) {
        if closed.insert(fd).inserted { _ = Glibc.close(fd) }
    }

    deinit {
        close(serverFD)
        close(clientFD)
    }
}

/// Waits until one of the descriptors has one of its events, or the timeout passes.
func waitFor(_ interests: [(fd: Int32, events: Int16)], milliseconds: Int32 = 200) {
    var fds = interests.filter { $0.events != 0 }.map { pollfd(fd: $0.fd, events: $0.events, revents: 0) }
    if fds.isEmpty { return }
    _ = poll(&fds, nfds_t(fds.count), milliseconds)
}

func events(for result: TLSSession.HandshakeResult) -> Int16 {
    switch result {
    case .wantRead: Int16(POLLIN)
    case .wantWrite: Int16(POLLOUT)
    case .complete, .failed: 0
    }
}

struct HandshakeOutcome {
    var server: TLSSession.HandshakeResult
    var client: TLSSession.HandshakeResult
}

/// Runs both handshakes until each completes or fails. When the server fails, its socket is shut
/// for writing so the client sees the end instead of waiting.
func runHandshakes(server: TLSEndpoint, client: TLSEndpoint, pair: SocketPair,
                   timeout: TimeInterval = 10) -> HandshakeOutcome {
    var serverResult = TLSSession.HandshakeResult.wantRead
    var clientResult = TLSSession.HandshakeResult.wantWrite
    var serverDone = false
    var clientDone = false
    let deadline = Date().addingTimeInterval(timeout)
    while !(serverDone && clientDone) && Date() < deadline {
        if !clientDone {
            clientResult = client.handshake()
            if case .complete = clientResult { clientDone = true }
            if case .failed = clientResult { clientDone = true }
        }
        if !serverDone {
            serverResult = server.handshake()
            if case .complete = serverResult { serverDone = true }
            if case .failed = serverResult {
                serverDone = true
                _ = Glibc.shutdown(pair.serverFD, Int32(SHUT_WR))
            }
        }
        if !(serverDone && clientDone) {
            waitFor([(pair.serverFD, serverDone ? 0 : events(for: serverResult)),
                     (pair.clientFD, clientDone ? 0 : events(for: clientResult))])
        }
    }
    return HandshakeOutcome(server: serverResult, client: clientResult)
}

struct TransferReport {
    var received: [UInt8] = []
    var writeCalls = 0
    var partialWrites = 0
    var wantWrites = 0
    var failure: String?
}

/// Writes `data` from `writer` while `reader` reads it, both non-blocking, until everything
/// arrived. After want-write the same remaining bytes are offered again, as the API requires.
/// `expectedCount`: bytes the reader must get, when it differs from `data.count` (bytes already in flight).
func transfer(_ data: [UInt8], from writer: TLSEndpoint, writerFD: Int32,
              to reader: TLSEndpoint, readerFD: Int32, expectedCount: Int? = nil,
              timeout: TimeInterval = 20) -> TransferReport {
    let expectedCount = expectedCount ?? data.count
    var report = TransferReport()
    report.received.reserveCapacity(expectedCount)
    var offset = 0
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let deadline = Date().addingTimeInterval(timeout)
    while report.received.count < expectedCount && Date() < deadline && report.failure == nil {
        var progress = false
        var writerEvents: Int16 = 0
        var readerEvents: Int16 = 0
        // The writer writes until the socket pushes back, as a server does; then the reader drains.
        writing: while offset < data.count {
            report.writeCalls += 1
            let remaining = data.count - offset
            let result = data.withUnsafeBytes { writer.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch result {
            case .bytes(let count):
                if count < remaining { report.partialWrites += 1 }
                offset += count
                progress = true
            case .wantWrite: report.wantWrites += 1; writerEvents = Int16(POLLOUT); break writing
            case .wantRead: writerEvents = Int16(POLLIN); break writing
            case .closed: report.failure = "writer: closed"; break writing
            case .failed(let error): report.failure = "writer: \(error)"; break writing
            }
        }
        reading: while true {
            let result = buffer.withUnsafeMutableBytes { reader.read(into: $0) }
            switch result {
            case .bytes(let count):
                report.received.append(contentsOf: buffer[0..<count])
                progress = true
            case .wantRead: readerEvents = Int16(POLLIN); break reading
            case .wantWrite: readerEvents = Int16(POLLOUT); break reading
            case .closed: report.failure = "reader: closed"; break reading
            case .failed(let error): report.failure = "reader: \(error)"; break reading
            }
        }
        if !progress {
            waitFor([(writerFD, writerEvents), (readerFD, readerEvents)])
        }
    }
    if report.failure == nil && report.received.count < expectedCount { report.failure = "timed out" }
    return report
}

/// Reads until something other than want-read/want-write comes back, waiting with poll().
func readUntilResult(_ endpoint: TLSEndpoint, fd: Int32, capacity: Int = 4096,
                     timeout: TimeInterval = 5) -> (TLSSession.IOResult, [UInt8]) {
    var buffer = [UInt8](repeating: 0, count: capacity)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let result = buffer.withUnsafeMutableBytes { endpoint.read(into: $0) }
        switch result {
        case .bytes(let count): return (result, Array(buffer[0..<count]))
        case .wantRead: waitFor([(fd, Int16(POLLIN))])
        case .wantWrite: waitFor([(fd, Int16(POLLOUT))])
        case .closed, .failed: return (result, [])
        }
    }
    return (.wantRead, [])
}

/// Writes all of `bytes`, waiting with poll() when asked to.
@discardableResult
func writeAll(_ bytes: [UInt8], to endpoint: TLSEndpoint, fd: Int32,
              timeout: TimeInterval = 5) -> TLSSession.IOResult {
    var offset = 0
    let deadline = Date().addingTimeInterval(timeout)
    while offset < bytes.count && Date() < deadline {
        let result = bytes.withUnsafeBytes { endpoint.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        switch result {
        case .bytes(let count): offset += count
        case .wantWrite: waitFor([(fd, Int16(POLLOUT))])
        case .wantRead: waitFor([(fd, Int16(POLLIN))])
        case .closed, .failed: return result
        }
    }
    return .bytes(offset)
}
