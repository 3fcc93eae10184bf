import Foundation
import HTTPCore
import XCTest

@testable import HTTPServer

/// A loop under sustained load keeps serving its ready sockets between Dispatch wake-ups; what is
/// posted to it meanwhile (answers from other threads, newly accepted connections) must still run.
final class EventLoopTests: ServerTestCase {
    func testPostedWorkRunsWhileTheLoopStaysBusy() throws {
        let server = try startServer(
            TestHandler { request, responder in
                if request.head.target.hasPrefix("/elsewhere") {
                    // Answered from another thread: the answer is posted to the loop.
                    DispatchQueue.global().async { responder.respond(textResponse("from elsewhere \(request.head.target)")) }
                } else {
                    responder.respond(textResponse("here"))
                }
            },
            configure: { $0.eventLoopCount = 1 })

        // Two connections that never let the loop's sockets go quiet: a writer thread keeps
        // pipelined requests flowing in while a reader thread takes the answers out.
        let floods = try (0..<2).map { _ in try PipelineFlood(port: server.port) }
        let started = Date()
        while floods.contains(where: { $0.receivedBytes < 100 * floods[0].answerSize }), Date().timeIntervalSince(started) < 10 {
            usleep(1_000)
        }
        let before = floods.map(\.receivedBytes)
        XCTAssertTrue(before.allSatisfy { $0 >= 100 * floods[0].answerSize }, "the floods did not get going")

        // Answers that must be posted to the busy loop, each on a new connection (whose start is
        // posted to the loop too).
        for index in 0..<20 {
            let client = try client(server, timeout: 5)
            try client.send("GET /elsewhere/\(index) HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = try client.readFinalResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "from elsewhere /elsewhere/\(index)")
        }

        // The loop stayed under load the whole time, and every flooded request was answered.
        for (flood, bytesBefore) in zip(floods, before) {
            XCTAssertGreaterThan(flood.receivedBytes, bytesBefore, "a flood stalled")
            let (sent, received) = try flood.finish()
            XCTAssertEqual(received, sent * flood.answerSize, "every pipelined request gets its answer")
        }
    }
}

/// One connection flooded with identical pipelined requests: a writer thread sends them in
/// bursts until `finish`, a reader thread counts the answer bytes (each answer has the same size).
private final class PipelineFlood: Sendable {
    let answerSize: Int
    private let client: Locked<TestClient?>
    private let fd: Int32
    private let stop = Locked(false)
    private let writerDone = Locked(false)
    private let sentRequests = Locked(0)
    private let received = Locked(0)
    private let failure = Locked<String?>(nil)
    private let done = DispatchGroup()

    init(port: UInt16) throws {
        // The size of one answer, from a first exchange on this connection.
        let client = try TestClient(port: port, timeout: 5)
        let request = Array("GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        try client.send(request)
        let first = try client.readFinalResponse()
        guard first.status == 200, first.text == "here", client.buffer.isEmpty else { throw FloodError.badFirstAnswer }
        // Its size on the wire: every answer on this connection has the same (the Date field has a fixed length).
        answerSize =
            "\(first.version) \(first.status) \(first.reason)\r\n".utf8.count
            + first.headers.reduce(0) { $0 + $1.name.utf8.count + 2 + $1.value.utf8.count + 2 } + 2 + first.body.count
        fd = client.fd
        self.client = Locked(client)
        let burst = Array((0..<32).map { _ in request }.joined())
        let (fd, sender, answerSize, stop, writerDone) = (fd, self.client, answerSize, stop, writerDone)
        let (sentRequests, received, failure) = (sentRequests, received, failure)
        done.enter()
        Thread { [done] in
            defer {
                writerDone.withLock { $0 = true }
                done.leave()
            }
            while !stop.value {
                // At most a few bursts ahead of the answers: enough that the socket never goes
                // quiet, little enough that the answers still owed at the end come quickly.
                if sentRequests.value - received.value / answerSize > 256 {
                    usleep(200)
                    continue
                }
                do {
                    // The reader only reads the descriptor; the client's own send waits while the socket is full.
                    try sender.withLock { try $0?.send(burst) }
                } catch {
                    failure.withLock { $0 = "send: \(error)" }
                    return
                }
                sentRequests.withLock { $0 += 32 }
            }
        }.start()
        done.enter()
        Thread { [done] in
            defer { done.leave() }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            // Until the writer has stopped and every answer is in (bounded by the idle limit).
            var lastProgress = Date()
            while Date().timeIntervalSince(lastProgress) < 5 {
                if writerDone.value && received.value >= sentRequests.value * answerSize { return }
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, 100)
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    received.withLock { $0 += count }
                    lastProgress = Date()
                } else if count == 0 {
                    return
                }
            }
        }.start()
    }

    /// A test that failed before `finish` still stops the writer.
    deinit { stop.withLock { $0 = true } }

    var receivedBytes: Int { received.value }

    /// Stops the writer, waits for the remaining answers; returns (requests sent, answer bytes received).
    func finish() throws -> (sent: Int, received: Int) {
        stop.withLock { $0 = true }
        guard done.wait(timeout: .now() + 15) == .success else { throw FloodError.stuck }
        if let failure = failure.value { throw FloodError.io(failure) }
        client.withLock { $0 = nil }
        return (sentRequests.value, received.value)
    }

    enum FloodError: Error {
        case badFirstAnswer, stuck
        case io(String)
    }
}
