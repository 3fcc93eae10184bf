import Foundation
import HTTPCore
import Synchronization
import XCTest

@testable import HTTPServer

/// Shared fixture: starts a real server on 127.0.0.1 and an ephemeral port, and shuts it down
/// (waiting for completion) in tearDown.
class ServerTestCase: XCTestCase {
    private var servers: [HTTPServer] = []
    private var shutDown: Set<ObjectIdentifier> = []
    /// What the server logged, for diagnosing failures.
    let serverLog = LogRecorder()

    /// Starts a server. `configure` adjusts the configuration (limits, TLS) before binding.
    func startServer(
        _ handler: any HTTPHandler, configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoopCount = 2
        configuration.limits.shutdownGracePeriod = .seconds(3)
        let log = serverLog
        configuration.log = { log.append($0) }
        configure(&configuration)
        let server = try HTTPServer(configuration: configuration, handler: handler)
        XCTAssertNotEqual(server.port, 0)
        server.start()
        servers.append(server)
        return server
    }

    /// Shuts the server down and waits for its completion; at most once per server.
    func shutdown(_ server: HTTPServer, timeout: TimeInterval = 10) {
        guard shutDown.insert(ObjectIdentifier(server)).inserted else { return }
        let done = DispatchSemaphore(value: 0)
        server.shutdown { done.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + timeout), .success, "shutdown did not complete")
    }

    /// Records that the test called `server.shutdown` itself, so tearDown does not call it again.
    func markShutDown(_ server: HTTPServer) {
        shutDown.insert(ObjectIdentifier(server))
    }

    override func tearDown() {
        for server in servers { shutdown(server) }
        servers = []
        super.tearDown()
    }

    func client(_ server: HTTPServer, timeout: TimeInterval = 5) throws -> TestClient {
        try TestClient(port: server.port, timeout: timeout)
    }
}

/// Collects log lines from the server's queues.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// An `HTTPHandler` made of two closures, for tests that need the raw contract.
struct TestHandler: HTTPHandler {
    var policy: @Sendable (HTTPRequestHead, ConnectionInfo) -> HTTPBodyPolicy = { _, _ in .collect(maxBytes: 1 << 20) }
    var onRequest: @Sendable (HTTPRequest, HTTPResponder) -> Void

    init(
        policy: @escaping @Sendable (HTTPRequestHead, ConnectionInfo) -> HTTPBodyPolicy = { _, _ in .collect(maxBytes: 1 << 20) },
        _ onRequest: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void
    ) {
        self.policy = policy
        self.onRequest = onRequest
    }

    func bodyPolicy(for head: HTTPRequestHead, connection: ConnectionInfo) -> HTTPBodyPolicy {
        policy(head, connection)
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        onRequest(request, responder)
    }
}

/// Lets a test hold requests in the handler and answer them when it chooses: the handler
/// parks its responder here and the test waits for it to arrive.
final class ResponderGate: Sendable {
    private let parked = Mutex<[(target: String, responder: HTTPResponder)]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func park(_ request: HTTPRequest, _ responder: HTTPResponder) {
        parked.withLock { $0.append((request.head.target, responder)) }
        arrived.signal()
    }

    /// Waits until a request is parked; false if none came in time.
    func waitForArrival(timeout: TimeInterval = 5) -> Bool {
        arrived.wait(timeout: .now() + timeout) == .success
    }

    func release(_ response: HTTPResponse) {
        let responder = parked.withLock { $0.isEmpty ? nil : $0.removeFirst().responder }
        responder?.respond(response)
    }
}

/// Targets of the requests a handler saw, in order.
final class RequestLog: Sendable {
    private let targets = Mutex<[String]>([])
    func record(_ request: HTTPRequest) { targets.withLock { $0.append(request.head.target) } }
    var all: [String] { targets.withLock { $0 } }
}

/// A text response.
func textResponse(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", text: text)
}

/// 64-bit FNV-1a, to compare large bodies without keeping them.
struct FNV1a: Equatable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced.
func pseudoRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}

/// A value shared between the test and the server's threads.
final class Locked<Value>: @unchecked Sendable {
    // Invariant: `stored` is touched only while `lock` is held.
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }
    var value: Value { withLock { $0 } }
}
