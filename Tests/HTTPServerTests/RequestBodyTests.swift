import Foundation
import HTTPCore
import Synchronization
import XCTest

@testable import HTTPServer

/// Request bodies: Content-Length and chunked framing, 100-continue, collect limits and
/// streaming into an `HTTPBodySink`.
final class RequestBodyTests: ServerTestCase {
    /// Echoes the collected body, or the failure the body ended with.
    private func echoServer(collectLimit: Int = 1 << 20) throws -> HTTPServer {
        try startServer(TestHandler(policy: { _, _ in .collect(maxBytes: collectLimit) }) { request, responder in
            switch request.body {
            case .collected(let bytes):
                responder.respond(HTTPResponse(status: .ok, contentType: "application/octet-stream", bytes: bytes))
            case .streamed:
                responder.respond(textResponse("unexpected stream", status: .internalServerError))
            case .failed(let error):
                responder.respond(textResponse("failed: \(error)", status: .contentTooLarge))
            }
        })
    }

    func testContentLengthBody() throws {
        let server = try echoServer()
        let client = try client(server)
        try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 13\r\n\r\nhello, world!")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "hello, world!")
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let server = try echoServer()
        let client = try client(server)
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "1;quoted=\"a b\";flag\r\n,\r\n"
                + "A\r\n chunked!!\r\n"
                + "0;last=1\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
                + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "hello, chunked!!")
        // The trailer section was consumed exactly: the next request parses.
        let after = try client.readFinalResponse()
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(after.text, "")
    }

    func testBodySplitAcrossManySmallWrites() throws {
        let server = try echoServer()
        let client = try client(server)
        let body = pseudoRandomBytes(3000)
        let request = Array("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n".utf8) + body
        try client.sendTrickled(request, pieceSize: 97, pauseMicroseconds: 200)
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, body)

        // Chunked framing split at awkward places (inside sizes, CRLFs and trailers).
        let chunked = Array("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1a;x=y\r\nabcdefghijklmnopqrstuvwxyz\r\n3\r\n123\r\n0\r\nT: v\r\n\r\n".utf8)
        try client.sendTrickled(chunked, pieceSize: 3, pauseMicroseconds: 200)
        let second = try client.readFinalResponse()
        XCTAssertEqual(second.status, 200)
        XCTAssertEqual(second.text, "abcdefghijklmnopqrstuvwxyz123")
    }

    func testExpectContinueGetsInterim100BeforeFinalResponse() throws {
        let server = try echoServer()
        let client = try client(server)
        try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        // The client waits for the 100 before sending its body: the server must send it unprompted.
        let interim = try client.readResponse()
        XCTAssertEqual(interim.status, 100)
        XCTAssertEqual(interim.version, "HTTP/1.1")
        try client.send("body")
        let final = try client.readResponse()
        XCTAssertEqual(final.status, 200)
        XCTAssertEqual(final.text, "body")
    }

    func testExpectContinueIgnoredForHTTP10() throws {
        let server = try echoServer()
        let client = try client(server)
        try client.send("POST /echo HTTP/1.0\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody")
        let first = try client.readResponse()
        XCTAssertEqual(first.status, 200, "no interim 100 to an HTTP/1.0 client")
        XCTAssertEqual(first.text, "body")
        XCTAssertEqual(try client.readUntilClosed(), [])
    }

    func testExpectContinueWithTooLargeBodyGets413WithoutInterim100() throws {
        let server = try echoServer(collectLimit: 10)
        let client = try client(server)
        try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        let first = try client.readResponse()
        XCTAssertEqual(first.status, 413, "the body must be refused before the client sends it, without a 100")
        XCTAssertTrue(first.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
    }

    func testCollectLimitRefusesLargerContentLengthWith413AndCloses() throws {
        let handled = RequestLog()
        let server = try startServer(TestHandler(policy: { _, _ in .collect(maxBytes: 10) }) { request, responder in
            handled.record(request)
            responder.respond(textResponse("handled"))
        })
        let client = try client(server)
        // Only the head: the server must answer without waiting for the body.
        try client.send("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        let problem = try response.jsonObject()
        XCTAssertEqual(problem["status"] as? Int, 413)
        XCTAssertEqual(problem["title"] as? String, "Content Too Large")
        XCTAssertNotNil(problem["detail"] as? String)
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
        XCTAssertEqual(handled.all, [], "the handler must not see a refused body")
    }

    func testCollectLimitExceededByChunkedBodyFailsTheBody() throws {
        let server = try echoServer(collectLimit: 10)
        let client = try client(server)
        try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(response.text.hasPrefix("failed: "), response.text)
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
    }

    func testStreamedBodyReachesSinkByteExactWithoutBuffering() throws {
        let sinks = Locked<[RecordingSink]>([])
        let server = try startServer(TestHandler(policy: { _, _ in
            let sink = RecordingSink()
            sinks.withLock { $0.append(sink) }
            return .stream(sink)
        }) { request, responder in
            guard case .streamed(let sink as RecordingSink) = request.body else {
                responder.respond(textResponse("not streamed", status: .internalServerError))
                return
            }
            let state = sink.snapshot
            responder.respond(textResponse("\(state.count) \(state.checksum.value) finished=\(state.finished)"))
        })
        let size = 4 * 1024 * 1024 + 17
        let body = pseudoRandomBytes(size)
        var expected = FNV1a()
        expected.update(body)

        let client = try client(server, timeout: 20)
        try client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: \(size)\r\n\r\n")
        try client.send(body)
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "\(size) \(expected.value) finished=true")

        let state = try XCTUnwrap(sinks.withLock { $0.first }).snapshot
        XCTAssertEqual(state.count, size)
        XCTAssertGreaterThan(state.writes, 1, "a 4 MB body must arrive in several writes")
        // One read's worth: the event loop's receive buffer is 64 KiB with the default limits.
        XCTAssertLessThanOrEqual(state.largestWrite, 64 * 1024, "the server buffered the body instead of streaming it")

        // Chunked framing into a sink: the same bytes arrive, without the framing.
        let chunkedClient = try self.client(server, timeout: 20)
        var chunked = Array("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var offset = 0
        let piece = 300_001
        while offset < 1_000_000 {
            let end = min(1_000_000, offset + piece)
            chunked += Array("\(String(end - offset, radix: 16))\r\n".utf8) + body[offset..<end] + [0x0D, 0x0A]
            offset = end
        }
        chunked += Array("0\r\n\r\n".utf8)
        var expectedChunked = FNV1a()
        expectedChunked.update(body[0..<1_000_000])
        try chunkedClient.send(chunked)
        let chunkedResponse = try chunkedClient.readFinalResponse()
        XCTAssertEqual(chunkedResponse.text, "1000000 \(expectedChunked.value) finished=true")
    }

    func testSinkThatThrowsFailsTheBodyAndClosesTheConnection() throws {
        let server = try startServer(TestHandler(policy: { _, _ in .stream(RecordingSink(failAfter: 100_000)) }) { request, responder in
            switch request.body {
            case .failed(let error as SinkRefusal):
                responder.respond(textResponse("refused after \(error.received)", status: .unprocessableContent))
            case .failed(let error):
                responder.respond(textResponse("other error \(error)", status: .internalServerError))
            default:
                responder.respond(textResponse("body accepted"))
            }
        })
        let client = try client(server, timeout: 10)
        let size = 1_000_000
        try client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: \(size)\r\n\r\n")
        // The server may stop reading once the sink refuses; a send error then is expected.
        do { try client.send(pseudoRandomBytes(size)) } catch ClientError.reset {}
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 422)
        XCTAssertTrue(response.text.hasPrefix("refused after "), response.text)
        XCTAssertTrue(response.connectionHas("close"))
        _ = try client.readUntilClosed()
        XCTAssertTrue(client.sawEOF)
    }

    func testSinkThatThrowsInFinishFailsTheBody() throws {
        let server = try startServer(TestHandler(policy: { _, _ in .stream(RecordingSink(failInFinish: true)) }) { request, responder in
            if case .failed(let error as SinkRefusal) = request.body {
                responder.respond(textResponse("refused at end after \(error.received)", status: .unprocessableContent))
            } else {
                responder.respond(textResponse("body accepted"))
            }
        })
        let client = try client(server)
        try client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 422)
        XCTAssertEqual(response.text, "refused at end after 5")
    }

    func testBodyStalledMidwayIsRefusedAtBodyTimeout() throws {
        let server = try startServer(TestHandler { request, responder in
            responder.respond(textResponse("handled \(request.bodyBytes.count)"))
        }) {
            $0.limits.bodyReadTimeout = .seconds(1)
            $0.limits.idleTimeout = .seconds(30)
        }
        let client = try client(server)
        try client.send("POST /stall HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertTrue(response.connectionHas("close"))
        XCTAssertEqual(try client.readUntilClosed(), [])
    }

    func testBodyOverServerMaximumIsRefusedWith413() throws {
        let sinks = Locked<[RecordingSink]>([])
        let server = try startServer(TestHandler(policy: { _, _ in
            let sink = RecordingSink()
            sinks.withLock { $0.append(sink) }
            return .stream(sink)
        }) { _, responder in
            responder.respond(textResponse("accepted"))
        }) {
            $0.limits.maxBodyBytes = 1000
        }
        let announced = try client(server)
        try announced.send("POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n")
        let refusal = try announced.readFinalResponse()
        XCTAssertEqual(refusal.status, 413)
        XCTAssertTrue(refusal.connectionHas("close"))
        XCTAssertEqual(try announced.readUntilClosed(), [])

        let chunked = try client(server)
        try chunked.send("POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        try chunked.send("3e8\r\n" + String(repeating: "x", count: 1000) + "\r\n1\r\ny\r\n0\r\n\r\n")
        let chunkedRefusal = try chunked.readFinalResponse()
        XCTAssertEqual(chunkedRefusal.status, 413)
        XCTAssertTrue(chunkedRefusal.connectionHas("close"))
        _ = try chunked.readUntilClosed()
        XCTAssertLessThanOrEqual(sinks.value.map(\.snapshot.count).max() ?? 0, 1000, "the sink got more than the maximum")
        XCTAssertFalse(sinks.value.contains { $0.snapshot.finished }, "an over-long body must not finish")
    }

    func testRejectPolicyAnswersAtOnceAndClosesWhenABodyWasAnnounced() throws {
        var router = Router()
        router.add(.put, "/vedlegg/{id}", body: .stream({ _, _ in
            throw Problem(status: .forbidden, detail: "No uploads for you.")
        })) { _, _ in textResponse("stored") }
        let server = try startServer(router)
        let client = try client(server)
        // Only the head: the answer must not wait for the body.
        try client.send("PUT /vedlegg/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(try response.jsonObject()["detail"] as? String, "No uploads for you.")
        XCTAssertTrue(response.connectionHas("close"), "the unread body makes the connection unusable")
        XCTAssertEqual(try client.readUntilClosed(), [])
    }
}

struct SinkRefusal: Error {
    var received: Int
}

/// A sink that keeps only a checksum and statistics. Its state sits behind a mutex because the
/// handler reads it from another thread.
final class RecordingSink: HTTPBodySink {
    struct State {
        var count = 0
        var writes = 0
        var largestWrite = 0
        var checksum = FNV1a()
        var finished = false
    }

    private let state = Mutex(State())
    private let failAfter: Int?
    private let failInFinish: Bool

    init(failAfter: Int? = nil, failInFinish: Bool = false) {
        self.failAfter = failAfter
        self.failInFinish = failInFinish
    }

    var snapshot: State { state.withLock { $0 } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            state.count += bytes.count
            state.writes += 1
            state.largestWrite = max(state.largestWrite, bytes.count)
            state.checksum.update(bytes)
            if let failAfter, state.count > failAfter { throw SinkRefusal(received: state.count) }
        }
    }

    func finish() throws {
        try state.withLock { state in
            if failInFinish { throw SinkRefusal(received: state.count) }
            state.finished = true
        }
    }
}
