import HTTPCore
import XCTest

@testable import HTTPServer

/// Representative malformed and ambiguous requests (the probe script covers the rest): each is
/// refused with a problem response, the connection closes, and nothing after it is answered.
final class StrictnessTests: ServerTestCase {
    private let seen = RequestLog()

    private func strictServer(configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        let seen = self.seen
        return try startServer(TestHandler { request, responder in
            seen.record(request)
            responder.respond(textResponse("handled \(request.head.target)"))
        }, configure: configure)
    }

    /// Sends `request`, expects one problem response with `status`, then the server's close with
    /// nothing more; and the handler never saw a request.
    private func assertRefused(
        _ request: String, status: Int, server: HTTPServer, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let client = try client(server)
        try client.send(request)
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json", file: file, line: line)
        XCTAssertEqual(try response.jsonObject()["status"] as? Int, status, file: file, line: line)
        XCTAssertTrue(response.connectionHas("close"), file: file, line: line)
        let rest = try client.readUntilClosed()
        XCTAssertEqual(String(decoding: rest, as: UTF8.self), "", "nothing may follow the refusal", file: file, line: line)
        XCTAssertEqual(seen.all, [], "the handler must not see a refused request", file: file, line: line)
    }

    func testContentLengthWithTransferEncodingIsRefused() throws {
        let server = try strictServer()
        try assertRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, server: server)
        try assertRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            status: 400, server: server)
    }

    func testDuplicateContentLengthIsRefused() throws {
        let server = try strictServer()
        try assertRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", status: 400, server: server)
        try assertRefused(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", status: 400, server: server)
        try assertRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", status: 400, server: server)
    }

    func testObsFoldIsRefused() throws {
        let server = try strictServer()
        try assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n", status: 400, server: server)
    }

    func testSmuggledRequestAfterBadOneIsNeverAnswered() throws {
        let server = try strictServer()
        let client = try client(server)
        try client.send(
            "POST /front HTTP/1.1\r\nHost: a\r\nContent-Length: 45\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /also-smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 400)
        let rest = try client.readUntilClosed()
        XCTAssertEqual(String(decoding: rest, as: UTF8.self), "", "a second response means a request was smuggled")
        XCTAssertEqual(seen.all, [])
    }

    func testBadRequestAfterGoodOneInOnePipelineClosesAfterRefusal() throws {
        let server = try strictServer()
        let client = try client(server)
        try client.send(
            "GET /good HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /bad HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n"
                + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "handled /good")
        let refusal = try client.readFinalResponse()
        XCTAssertEqual(refusal.status, 400)
        XCTAssertTrue(refusal.connectionHas("close"))
        XCTAssertEqual(String(decoding: try client.readUntilClosed(), as: UTF8.self), "")
        XCTAssertEqual(seen.all, ["/good"])
    }

    func testRequestLineOverTheLimitIs414() throws {
        let server = try strictServer { $0.limits.maxRequestLineBytes = 1024 }
        let target = "/" + String(repeating: "a", count: 1100)
        try assertRefused("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", status: 414, server: server)
        // Just under the limit is served.
        let client = try client(server)
        let fitting = "/" + String(repeating: "b", count: 1024 - "GET  HTTP/1.1".count - 1)
        try client.send("GET \(fitting) HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().status, 200)
    }

    func testTooManyHeadersIs431() throws {
        let server = try strictServer { $0.limits.maxHeaderCount = 20 }
        var request = "GET / HTTP/1.1\r\nHost: a\r\n"
        for index in 0..<25 { request += "X-Field-\(index): \(index)\r\n" }
        try assertRefused(request + "\r\n", status: 431, server: server)
    }

    func testHeaderSectionOverTheLimitIs431() throws {
        let server = try strictServer { $0.limits.maxHeaderBytes = 2048 }
        try assertRefused(
            "GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "x", count: 3000))\r\n\r\n", status: 431, server: server)
    }

    func testMissingOrRepeatedHostIsRefused() throws {
        let server = try strictServer()
        try assertRefused("GET / HTTP/1.1\r\n\r\n", status: 400, server: server)
        try assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400, server: server)
    }

    func testTransferEncodingInHTTP10RequestClosesTheConnection() throws {
        let server = try strictServer()
        let client = try client(server)
        // RFC 9112 §6.1: faulty framing; the server must close after responding (if it responds).
        try client.send(
            "POST / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "GET /after HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        var texts: [String] = []
        do {
            let response = try client.readFinalResponse()
            XCTAssertTrue(response.connectionHas("close"), "status \(response.status) kept the connection")
            texts.append(response.text)
        } catch ClientError.closedEarly(let received) {
            XCTAssertEqual(received, [])
        }
        XCTAssertEqual(String(decoding: try client.readUntilClosed(), as: UTF8.self), "")
        XCTAssertFalse(seen.all.contains("/after"), "a request after faulty framing was answered")
    }

    func testConnectIs501() throws {
        let server = try strictServer()
        let client = try client(server)
        try client.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 501)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertTrue(response.connectionHas("close"), "after a refused CONNECT the connection must not become a tunnel")
        XCTAssertEqual(try client.readUntilClosed(), [])
        XCTAssertEqual(seen.all, [])
    }

    func testUnsupportedExpectationIs417() throws {
        let server = try strictServer()
        let client = try client(server)
        try client.send("GET / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 417)
        XCTAssertEqual(seen.all, [])
    }
}
