import HTTPCore
import XCTest

@testable import HTTPServer

/// Persistent connections (RFC 9112 §9.3): which requests keep the connection and which close it.
final class KeepAliveTests: ServerTestCase {
    private func echoTargetServer() throws -> HTTPServer {
        try startServer(TestHandler { request, responder in
            responder.respond(textResponse("target=\(request.head.target)"))
        })
    }

    func testSeveralRequestsOnOneHTTP11Connection() throws {
        let server = try echoTargetServer()
        let client = try client(server)
        for index in 1...5 {
            try client.send("GET /r\(index) HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = try client.readFinalResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.version, "HTTP/1.1")
            XCTAssertEqual(response.text, "target=/r\(index)")
            XCTAssertFalse(response.connectionHas("close"), "request \(index) must keep the connection")
        }
        XCTAssertFalse(client.isReadable(within: 0.1), "nothing may follow the last response on an open connection")
    }

    func testHTTP10ClosesByDefault() throws {
        let server = try echoTargetServer()
        let client = try client(server)
        try client.send("GET /old HTTP/1.0\r\nHost: localhost\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.version, "HTTP/1.0")
        XCTAssertEqual(response.text, "target=/old")
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [], "the server must close after an HTTP/1.0 response")
    }

    func testHTTP10KeepAliveStaysOpen() throws {
        let server = try echoTargetServer()
        let client = try client(server)
        for index in 1...3 {
            try client.send("GET /k\(index) HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
            let response = try client.readFinalResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "target=/k\(index)")
            XCTAssertTrue(response.connectionHas("keep-alive"), "HTTP/1.0 keep-alive must be confirmed")
            XCTAssertEqual(response.header("Content-Length"), "\(response.body.count)")
        }
        try client.send("GET /last HTTP/1.0\r\nHost: localhost\r\n\r\n")
        let last = try client.readFinalResponse()
        XCTAssertTrue(last.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
    }

    func testConnectionCloseFromClientClosesAfterResponse() throws {
        let server = try echoTargetServer()
        let client = try client(server)
        try client.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertFalse(try client.readFinalResponse().connectionHas("close"))
        try client.send("GET /b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "target=/b")
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [], "the server must close after Connection: close")
    }

    func testClientHalfCloseAfterRequestStillGetsResponse() throws {
        let server = try echoTargetServer()
        let client = try client(server)
        try client.send("GET /half HTTP/1.1\r\nHost: localhost\r\n\r\n")
        client.shutdownWrite()
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "target=/half")
        XCTAssertEqual(try client.readUntilClosed(), [])
    }
}
