import Dispatch
import Foundation
import HTTPCore
import XCTest

@testable import HTTPServer

/// Several requests in one write are answered one at a time, in order (RFC 9112 §9.3.2).
final class PipeliningTests: ServerTestCase {
    /// Echoes method, target and body; `/slow` answers late from another queue, so an answer
    /// sent out of order would overtake it.
    private func pipelineServer() throws -> HTTPServer {
        try startServer(TestHandler { request, responder in
            let text = "\(request.method) \(request.head.target) body=\(String(decoding: request.bodyBytes, as: UTF8.self))"
            if request.path == "/slow" {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) {
                    responder.respond(textResponse(text))
                }
            } else {
                responder.respond(textResponse(text))
            }
        })
    }

    func testThreeRequestsInOneWriteAnsweredInOrder() throws {
        let server = try pipelineServer()
        let client = try client(server)
        try client.send(
            "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /two HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /three HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "GET /slow body=")
        XCTAssertEqual(try client.readFinalResponse().text, "GET /two body=")
        XCTAssertEqual(try client.readFinalResponse().text, "GET /three body=")
        XCTAssertFalse(client.isReadable(within: 0.1), "exactly three responses")
    }

    func testChunkedPostFollowedByGetInOneWrite() throws {
        let server = try pipelineServer()
        let client = try client(server)
        try client.send(
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"
                + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "POST /upload body=Wikipedia")
        XCTAssertEqual(try client.readFinalResponse().text, "GET /after body=")
    }

    func testContentLengthPostFollowedByGetInOneWrite() throws {
        let server = try pipelineServer()
        let client = try client(server)
        try client.send(
            "POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "POST /cl body=hello world")
        XCTAssertEqual(try client.readFinalResponse().text, "GET /after body=")
    }

    func testHeadThenGetInOneWrite() throws {
        let server = try pipelineServer()
        let client = try client(server)
        try client.send("HEAD /doc HTTP/1.1\r\nHost: a\r\n\r\nGET /doc HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try client.readFinalResponse(forHEAD: true)
        XCTAssertEqual(head.status, 200)
        // The handler's body for HEAD would be "HEAD /doc body=" (15 bytes); it must not be sent.
        XCTAssertEqual(head.header("Content-Length"), "15")
        let get = try client.readFinalResponse()
        XCTAssertEqual(get.status, 200, "a HEAD body on the wire would corrupt this status line")
        XCTAssertEqual(get.text, "GET /doc body=")
    }

    /// More pipelined requests than one read holds: heads split across reads and across the
    /// carried-over input, with answers given at once and from another thread.
    func testManyPipelinedRequestsAcrossReadBoundaries() throws {
        let server = try startServer(TestHandler { request, responder in
            let answer = textResponse("answer \(request.head.target) \(request.bodyBytes.count)")
            if request.headers["X-Later"] != nil {
                DispatchQueue.global().async { responder.respond(answer) }
            } else {
                responder.respond(answer)
            }
        })
        for later in [false, true] {
            let client = try client(server, timeout: 15)
            let padding = String(repeating: "p", count: 120)
            var requests = ""
            for index in 0..<600 {
                if index % 3 == 0 {
                    requests += "POST /\(index) HTTP/1.1\r\nHost: a\r\nX-Pad: \(padding)\r\n\(later ? "X-Later: 1\r\n" : "")Content-Length: 7\r\n\r\nsomebod"
                } else {
                    requests += "GET /\(index) HTTP/1.1\r\nHost: a\r\nX-Pad: \(padding)\r\n\(later ? "X-Later: 1\r\n" : "")\r\n"
                }
            }
            XCTAssertGreaterThan(requests.utf8.count, 64 * 1024)
            try client.send(requests)
            for index in 0..<600 {
                let response = try client.readFinalResponse()
                XCTAssertEqual(response.text, "answer /\(index) \(index % 3 == 0 ? 7 : 0)", "later=\(later)")
                if response.text != "answer /\(index) \(index % 3 == 0 ? 7 : 0)" { break }
            }
        }
    }

    func testStreamedBodyFollowedByGetInOneWrite() throws {
        let server = try startServer(TestHandler(policy: { head, _ in
            head.method == .post ? .stream(RecordingSink()) : .collect(maxBytes: 0)
        }) { request, responder in
            if case .streamed(let sink as RecordingSink) = request.body {
                responder.respond(textResponse("streamed \(sink.snapshot.count) finished=\(sink.snapshot.finished)"))
            } else {
                responder.respond(textResponse("get \(request.head.target)"))
            }
        })
        let client = try client(server)
        try client.send(
            "POST /s HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nwxyz"
                + "GET /g HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "streamed 3 finished=true")
        XCTAssertEqual(try client.readFinalResponse().text, "streamed 4 finished=true")
        XCTAssertEqual(try client.readFinalResponse().text, "get /g")
    }

    /// A client that pipelines many requests and reads nothing must not make the server queue
    /// every answer in memory: once the socket is full, the server stops taking requests.
    func testPipelinedRequestsWaitWhileClientDoesNotRead() throws {
        let handled = Locked(0)
        let answer = [UInt8](repeating: 0x61, count: 256 * 1024)
        let server = try startServer(TestHandler { _, responder in
            handled.withLock { $0 += 1 }
            DispatchQueue.global().async {
                responder.respond(HTTPResponse(status: .ok, contentType: "text/plain", bytes: answer))
            }
        })
        let client = try client(server)
        let count = 200
        try client.send(String(repeating: "GET /big HTTP/1.1\r\nHost: a\r\n\r\n", count: count))
        // Wait (bounded) to see whether the server answers everything into its own memory.
        let deadline = Date().addingTimeInterval(3)
        while handled.value < count && Date() < deadline { usleep(20_000) }
        let handledWhileBlocked = handled.value
        // Read everything; all answers must still arrive in full.
        for _ in 0..<count { XCTAssertEqual(try client.readFinalResponse().body.count, answer.count) }
        XCTAssertLessThan(
            handledWhileBlocked, count, "pipelined requests must wait while the answers before them cannot be written")
    }

    func testPipelinedRequestsAfterConnectionCloseAreNotAnswered() throws {
        let log = RequestLog()
        let server = try startServer(TestHandler { request, responder in
            log.record(request)
            responder.respond(textResponse("ok"))
        })
        let client = try client(server)
        try client.send(
            "GET /first HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
        XCTAssertEqual(log.all, ["/first"])
    }
}
