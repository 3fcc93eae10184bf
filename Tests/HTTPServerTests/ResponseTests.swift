import Dispatch
import Foundation
import HTTPCore
import XCTest

@testable import HTTPServer

/// How responses are framed on the wire: bytes, streams of known and unknown length, 204, Date,
/// and answers that come from another thread.
final class ResponseTests: ServerTestCase {
    static let streamed = pseudoRandomBytes(200_003, seed: 42)

    private func responseServer() throws -> HTTPServer {
        try startServer(TestHandler { request, responder in
            switch request.path {
            case "/bytes":
                responder.respond(HTTPResponse(status: .ok, contentType: "application/octet-stream", bytes: [0, 1, 2, 255]))
            case "/known":
                responder.respond(HTTPResponse(
                    status: .ok, body: .stream(length: Self.streamed.count, producer: PieceProducer(Self.streamed))))
            case "/unknown":
                responder.respond(HTTPResponse(status: .ok, body: .stream(length: nil, producer: PieceProducer(Self.streamed))))
            case "/empty-stream":
                responder.respond(HTTPResponse(status: .ok, body: .stream(length: nil, producer: PieceProducer([]))))
            case "/no-content":
                responder.respond(HTTPResponse(status: .noContent))
            case "/later":
                DispatchQueue(label: "test.later").asyncAfter(deadline: .now() + .milliseconds(50)) {
                    responder.respond(textResponse("answered later"))
                }
            case "/twice":
                responder.respond(textResponse("first answer"))
                responder.respond(textResponse("second answer"))
            default:
                responder.respond(textResponse("default"))
            }
        })
    }

    func testBytesBodyHasContentLength() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.reason, "OK")
        XCTAssertEqual(response.framing, .contentLength)
        XCTAssertEqual(response.header("Content-Length"), "4")
        XCTAssertEqual(response.header("Content-Type"), "application/octet-stream")
        XCTAssertEqual(response.body, [0, 1, 2, 255])
    }

    func testStreamWithKnownLengthUsesContentLength() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /known HTTP/1.1\r\nHost: a\r\n\r\nGET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.framing, .contentLength)
        XCTAssertEqual(response.header("Content-Length"), "\(Self.streamed.count)")
        XCTAssertNil(response.header("Transfer-Encoding"))
        XCTAssertEqual(response.body, Self.streamed)
        XCTAssertEqual(try client.readFinalResponse().body, [0, 1, 2, 255], "the connection goes on after the stream")
    }

    func testStreamWithUnknownLengthIsChunkedOnHTTP11() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /unknown HTTP/1.1\r\nHost: a\r\n\r\nGET /empty-stream HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.framing, .chunked)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(response.body, Self.streamed)
        XCTAssertFalse(response.connectionHas("close"))
        let empty = try client.readFinalResponse()
        XCTAssertEqual(empty.framing, .chunked)
        XCTAssertEqual(empty.body, [])
        try client.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().body, [0, 1, 2, 255])
    }

    func testStreamWithUnknownLengthIsCloseDelimitedOnHTTP10() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /unknown HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.framing, .closeDelimited)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertNil(response.header("Transfer-Encoding"))
        XCTAssertTrue(response.connectionHas("close"), "a close-delimited body cannot keep the connection")
        XCTAssertEqual(response.body, Self.streamed)
        XCTAssertTrue(client.sawEOF)
    }

    func testHeadOfStreamedResponseSendsNoBody() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("HEAD /known HTTP/1.1\r\nHost: a\r\n\r\nHEAD /unknown HTTP/1.1\r\nHost: a\r\n\r\nGET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        let known = try client.readFinalResponse(forHEAD: true)
        XCTAssertEqual(known.header("Content-Length"), "\(Self.streamed.count)")
        let unknown = try client.readFinalResponse(forHEAD: true)
        XCTAssertEqual(unknown.status, 200)
        let get = try client.readFinalResponse()
        XCTAssertEqual(get.status, 200, "a body after a HEAD response corrupts the stream")
        XCTAssertEqual(get.body, [0, 1, 2, 255])
    }

    func testNoContentHasNoContentLength() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /no-content HTTP/1.1\r\nHost: a\r\n\r\nGET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertNil(response.header("Transfer-Encoding"))
        XCTAssertEqual(try client.readFinalResponse().body, [0, 1, 2, 255], "nothing may follow a 204 head")
    }

    func testDateIsIMFFixdateNearNow() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.values("Date").count, 1)
        let date = try XCTUnwrap(response.header("Date"))
        let pattern = #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$"#
        XCTAssertNotNil(date.range(of: pattern, options: .regularExpression), "not IMF-fixdate: \(date)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let parsed = try XCTUnwrap(formatter.date(from: date), "unparseable Date \(date)")
        XCTAssertLessThan(abs(parsed.timeIntervalSinceNow), 120, "Date \(date) is not the current time")
    }

    func testAnswerFromAnotherThreadOnKeepAliveConnection() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.text, "answered later")
        XCTAssertFalse(response.connectionHas("close"))
        try client.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "answered later")
        try client.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().body, [0, 1, 2, 255])
    }

    func testSecondAnswerIsIgnored() throws {
        let server = try responseServer()
        let client = try client(server)
        try client.send("GET /twice HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().text, "first answer")
        try client.send("GET /bytes HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readFinalResponse().body, [0, 1, 2, 255])
    }

    func testLargeResponseToSlowReaderThenPipelinedRequest() throws {
        let big = pseudoRandomBytes(8 * 1024 * 1024, seed: 9)
        let server = try startServer(TestHandler { request, responder in
            if request.path == "/big" {
                responder.respond(HTTPResponse(status: .ok, contentType: "application/octet-stream", bytes: big))
            } else {
                responder.respond(textResponse("after"))
            }
        })
        let client = try client(server, timeout: 20)
        try client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        // Not reading yet: the server's writes must block and resume later.
        XCTAssertTrue(client.isReadable(within: 2))
        usleep(200_000)
        let response = try client.readFinalResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body.count, big.count)
        XCTAssertTrue(response.body == big, "the body differs")
        XCTAssertEqual(try client.readFinalResponse().text, "after")
    }

    func testProducerFailureCutsTheResponseShort() throws {
        let server = try startServer(TestHandler { request, responder in
            let length: Int? = request.path == "/known" ? 300_000 : nil
            responder.respond(HTTPResponse(status: .ok, body: .stream(length: length, producer: FailingProducer(failAfter: 100_000))))
        })
        for path in ["/known", "/unknown"] {
            let client = try client(server)
            try client.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertThrowsError(try client.readFinalResponse(), "\(path): a failed stream must not look complete") { error in
                switch error {
                case ClientError.closedEarly, ClientError.reset: break
                default: XCTFail("\(path): \(error)")
                }
            }
        }
    }

    func testStreamShorterThanDeclaredLengthClosesTheConnection() throws {
        let server = try startServer(TestHandler { _, responder in
            responder.respond(HTTPResponse(status: .ok, body: .stream(length: 5000, producer: PieceProducer(Array(repeating: 65, count: 4000)))))
        })
        let client = try client(server)
        try client.send("GET /short HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertThrowsError(try client.readFinalResponse()) { error in
            switch error {
            case ClientError.closedEarly, ClientError.reset: break
            default: XCTFail("\(error)")
            }
        }
    }
}

/// Hands out a byte array in pieces of varying size, never more than asked for.
final class PieceProducer: HTTPBodyProducer {
    private let bytes: [UInt8]
    private let offset = Locked(0)

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func next(maxBytes: Int) throws -> [UInt8]? {
        offset.withLock { offset in
            guard offset < bytes.count else { return nil }
            // Pieces of 1, 1000, 7777 ... bytes, so piece boundaries fall anywhere.
            let sizes = [1, 1000, 7777, 65536, 3]
            let size = min(maxBytes, sizes[(offset / 7) % sizes.count], bytes.count - offset)
            let piece = Array(bytes[offset..<(offset + size)])
            offset += size
            return piece
        }
    }
}

/// Produces zeros, then throws.
final class FailingProducer: HTTPBodyProducer {
    struct Failure: Error {}
    private let failAfter: Int
    private let produced = Locked(0)

    init(failAfter: Int) { self.failAfter = failAfter }

    func next(maxBytes: Int) throws -> [UInt8]? {
        try produced.withLock { produced in
            if produced >= failAfter { throw Failure() }
            let size = min(maxBytes, 10_000)
            produced += size
            return [UInt8](repeating: 0, count: size)
        }
    }
}
