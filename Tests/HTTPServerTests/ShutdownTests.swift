import Dispatch
import Foundation
import HTTPCore
import XCTest

@testable import HTTPServer

/// Graceful shutdown: in-flight requests finish, idle connections close, new ones are refused,
/// completion is called.
final class ShutdownTests: ServerTestCase {
    func testShutdownLetsInFlightRequestFinish() throws {
        let gate = ResponderGate()
        let server = try startServer(TestHandler { request, responder in
            if request.path == "/wait" {
                gate.park(request, responder)
            } else {
                responder.respond(textResponse("quick"))
            }
        })
        let idle = try client(server)
        try idle.send("GET /quick HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try idle.readFinalResponse().text, "quick")

        let busy = try client(server)
        try busy.send("GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertTrue(gate.waitForArrival(), "the request never reached the handler")

        let completed = Locked(false)
        let done = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown {
            completed.withLock { $0 = true }
            done.signal()
        }

        // The idle connection is closed.
        XCTAssertEqual(try idle.readUntilClosed(timeout: 3), [])
        XCTAssertTrue(idle.sawEOF)

        // New connections are refused (or closed at once, if one slipped into the backlog).
        var refused = false
        do {
            let late = try TestClient(port: server.port, timeout: 3)
            try? late.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n")
            refused = try late.readUntilClosed(timeout: 3).isEmpty
        } catch ClientError.connectFailed {
            refused = true
        }
        XCTAssertTrue(refused, "a connection after shutdown must not be served")

        XCTAssertFalse(completed.value, "completion came while a request was still in flight")
        gate.release(textResponse("finished"))
        let response = try busy.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "finished")
        XCTAssertTrue(response.connectionHas("close"), "the last response before shutdown must say Connection: close")
        XCTAssertEqual(try busy.readUntilClosed(timeout: 3), [])

        XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "shutdown completion was not called")
        XCTAssertEqual(server.openConnections, 0)
    }

    func testShutdownClosesRequestsThatOutlastTheGracePeriod() throws {
        let gate = ResponderGate()
        let server = try startServer(TestHandler { request, responder in gate.park(request, responder) }) {
            $0.limits.shutdownGracePeriod = .milliseconds(500)
        }
        let busy = try client(server)
        try busy.send("GET /never HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertTrue(gate.waitForArrival())
        let done = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown { done.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "shutdown must finish after the grace period")
        XCTAssertEqual(try busy.readUntilClosed(timeout: 3), [], "no response once the grace period is over")
        gate.release(textResponse("too late"))  // must be ignored, not crash
    }

    func testShutdownClosesConnectionWhoseLastResponseWasStillBeingWritten() throws {
        let big = [UInt8](repeating: 7, count: 8 * 1024 * 1024)
        let server = try startServer(TestHandler { _, responder in
            responder.respond(HTTPResponse(status: .ok, contentType: "application/octet-stream", bytes: big))
        }) {
            $0.limits.shutdownGracePeriod = .seconds(30)
            $0.limits.idleTimeout = .seconds(60)
        }
        let client = try client(server, timeout: 10)
        try client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
        // Let the response fill the socket buffers without reading it.
        XCTAssertTrue(client.isReadable(within: 2))
        usleep(200_000)
        let done = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown { done.signal() }
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.body.count, big.count)
        // Once the response is out, the connection is idle and must be closed now, not after
        // the idle timeout or the grace period.
        XCTAssertEqual(try client.readUntilClosed(timeout: 3), [])
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    }

    func testAnswerAfterClientLeftIsHarmless() throws {
        let gate = ResponderGate()
        let server = try startServer(TestHandler { request, responder in
            if request.path == "/wait" { gate.park(request, responder) } else { responder.respond(textResponse("ok")) }
        })
        let leaving = try client(server)
        try leaving.send("GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertTrue(gate.waitForArrival())
        leaving.close()
        gate.release(textResponse(String(repeating: "z", count: 200_000)))
        // The server goes on serving, and the abandoned connection is eventually counted out.
        let other = try client(server)
        try other.send("GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try other.readFinalResponse().text, "ok")
        _ = try other.readUntilClosed()
        let deadline = Date().addingTimeInterval(5)
        while server.openConnections > 0 && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(server.openConnections, 0, "a connection whose client left must be closed")
    }

    func testShutdownCalledTwiceCallsBothCompletions() throws {
        let server = try startServer(TestHandler { _, responder in responder.respond(textResponse("x")) })
        let first = DispatchSemaphore(value: 0)
        let second = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown { first.signal() }
        server.shutdown { second.signal() }
        XCTAssertEqual(first.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(second.wait(timeout: .now() + 5), .success, "a second shutdown call must complete too")
    }

    func testShutdownWithNoConnectionsCompletes() throws {
        let server = try startServer(TestHandler { _, responder in responder.respond(textResponse("x")) })
        let done = DispatchSemaphore(value: 0)
        markShutDown(server)
        server.shutdown { done.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        // The listener is closed: a connection is refused, or (if it raced the close) dropped unanswered.
        do {
            let late = try TestClient(port: server.port, timeout: 2)
            try? late.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try late.readUntilClosed(timeout: 2), [])
        } catch ClientError.connectFailed {}
    }
}
