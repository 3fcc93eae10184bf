import Foundation
import HTTPCore
import XCTest

@testable import HTTPServer

/// Slow heads, idle connections and the connection cap, with short limits so the suite stays fast.
final class TimeoutAndLimitTests: ServerTestCase {
    private func server(configure: (inout HTTPServerConfiguration) -> Void) throws -> HTTPServer {
        try startServer(TestHandler { request, responder in
            responder.respond(textResponse("served \(request.head.target)"))
        }, configure: configure)
    }

    func testTrickledHeadIsRefusedAtHeaderTimeoutWhileOthersAreServed() throws {
        let server = try server {
            $0.limits.headerReadTimeout = .seconds(1)
            $0.limits.idleTimeout = .seconds(20)
        }
        let slow = try client(server)
        let started = Date()
        try slow.send("GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: ")

        // Meanwhile another connection is served at once.
        let other = try client(server, timeout: 0.9)
        try other.send("GET /other HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try other.readFinalResponse().text, "served /other")

        // Keep trickling: later bytes must not extend the header timeout.
        var outcome: TestResponse?
        var sentAfterStart = 0
        while Date().timeIntervalSince(started) < 6 {
            if slow.isReadable(within: 0.2) { break }
            do {
                try slow.send("x")
                sentAfterStart += 1
            } catch ClientError.reset { break }
        }
        XCTAssertGreaterThan(sentAfterStart, 2, "the head was not trickled")
        do {
            outcome = try slow.readResponse(timeout: 1)
        } catch ClientError.closedEarly(let received) {
            XCTAssertEqual(received, [], "closed in the middle of a response")
        } catch ClientError.reset {}
        let elapsed = Date().timeIntervalSince(started)
        if let outcome {
            XCTAssertEqual(outcome.status, 408)
            XCTAssertEqual(outcome.header("Content-Type"), "application/problem+json")
            XCTAssertTrue(outcome.connectionHas("close"))
            XCTAssertEqual(try slow.readUntilClosed(), [])
        }
        XCTAssertGreaterThanOrEqual(elapsed, 0.9, "refused before the header timeout")
        XCTAssertLessThan(elapsed, 6, "the trickled head was never refused")
    }

    func testIdleKeepAliveConnectionIsClosedAtIdleTimeout() throws {
        let server = try server { $0.limits.idleTimeout = .seconds(1) }
        let client = try client(server)
        try client.send("GET /once HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertFalse(response.connectionHas("close"))
        let idleFrom = Date()
        XCTAssertEqual(try client.readUntilClosed(timeout: 5), [], "idle connection closed without a response")
        XCTAssertTrue(client.sawEOF)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(idleFrom), 0.9, "closed before the idle timeout")
    }

    func testConnectionWithoutAnyRequestIsClosedAtIdleTimeout() throws {
        let server = try server { $0.limits.idleTimeout = .seconds(1) }
        let client = try client(server)
        XCTAssertEqual(try client.readUntilClosed(timeout: 5), [])
        XCTAssertTrue(client.sawEOF)
    }

    func testConnectionsBeyondMaxConnectionsAreClosedAtOnce() throws {
        let server = try server { $0.limits.maxConnections = 2 }
        let first = try client(server)
        let second = try client(server)
        // Requests on both make sure the server has accepted them before the third arrives.
        for (client, name) in [(first, "first"), (second, "second")] {
            try client.send("GET /\(name) HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readFinalResponse().text, "served /\(name)")
        }
        XCTAssertEqual(server.openConnections, 2)

        let third = try client(server)
        try? third.send("GET /third HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try third.readUntilClosed(timeout: 3), [], "connection over the cap must be closed without an answer")
        XCTAssertTrue(third.sawEOF)

        for (client, name) in [(first, "first-again"), (second, "second-again")] {
            try client.send("GET /\(name) HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readFinalResponse().text, "served /\(name)")
        }

        // Once one closes, a new connection is served again.
        first.close()
        let deadline = Date().addingTimeInterval(3)
        var servedAgain = false
        while !servedAgain && Date() < deadline {
            let next = try client(server)
            do {
                try next.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
                servedAgain = try next.readFinalResponse().text == "served /next"
            } catch ClientError.closedEarly, ClientError.reset {
                // The server had not yet noticed the close; try again.
            }
        }
        XCTAssertTrue(servedAgain, "a slot freed by a closed connection must be usable")
    }
}
