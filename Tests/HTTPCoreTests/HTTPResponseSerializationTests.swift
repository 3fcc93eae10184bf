import Foundation
import XCTest
@testable import HTTPCore

final class HTTPResponseSerializationTests: XCTestCase {
    private func serialize(_ response: HTTPResponse, version: HTTPVersion = .http11, contentLength: Int?,
                           chunked: Bool = false, connection: String? = nil) -> String {
        var buffer: [UInt8] = []
        response.serializeHead(
            into: &buffer, version: version, date: Array("Mon, 23 Nov 2026 04:00:00 GMT".utf8),
            contentLength: contentLength, chunked: chunked, connectionHeader: connection)
        return String(decoding: buffer, as: UTF8.self)
    }

    func testHeadHasStatusDateFieldsLengthAndEmptyLine() {
        var response = HTTPResponse(status: .created)
        response.headers.add("Content-Type", "application/json")
        XCTAssertEqual(
            serialize(response, contentLength: 12),
            "HTTP/1.1 201 Created\r\nDate: Mon, 23 Nov 2026 04:00:00 GMT\r\nContent-Type: application/json\r\n"
                + "Content-Length: 12\r\n\r\n")
    }

    func testChunkedAndConnectionFields() {
        let head = serialize(HTTPResponse(status: .ok), version: .http10, contentLength: nil, chunked: true, connection: "close")
        XCTAssertTrue(head.hasPrefix("HTTP/1.0 200 OK\r\n"))
        XCTAssertTrue(head.contains("\r\nTransfer-Encoding: chunked\r\n"))
        XCTAssertTrue(head.hasSuffix("Connection: close\r\n\r\n"))
    }

    func testHandlerCopiesOfFramingFieldsAreNotWritten() {
        var response = HTTPResponse(status: .ok)
        response.headers.add("content-length", "999")
        response.headers.add("Transfer-Encoding", "chunked")
        response.headers.add("CONNECTION", "keep-alive")
        response.headers.add("Date", "yesterday")
        response.headers.add("X-Kept", "yes")
        let head = serialize(response, contentLength: 3)
        XCTAssertEqual(head.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("content-length") }, ["Content-Length: 3"])
        XCTAssertFalse(head.lowercased().contains("transfer-encoding"))
        XCTAssertFalse(head.lowercased().contains("connection"))
        XCTAssertFalse(head.contains("yesterday"))
        XCTAssertTrue(head.contains("\r\nX-Kept: yes\r\n"))
    }

    func testDecimalAndChunkSizeDigits() {
        for value in [0, 7, 10, 99, 100, 12345, Int(Int32.max)] {
            var buffer: [UInt8] = []
            appendDecimal(value, to: &buffer)
            XCTAssertEqual(String(decoding: buffer, as: UTF8.self), String(value))
            buffer = []
            appendChunkSize(value, to: &buffer)
            XCTAssertEqual(String(decoding: buffer, as: UTF8.self), String(value, radix: 16) + "\r\n")
        }
    }

    func testIMFFixdate() {
        XCTAssertEqual(String(decoding: HTTPDate.imfFixdate(secondsSince1970: 784_111_777), as: UTF8.self),
                       "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(String(decoding: HTTPDate.imfFixdate(secondsSince1970: 0), as: UTF8.self),
                       "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(String(decoding: HTTPDate.imfFixdate(secondsSince1970: 951_782_400), as: UTF8.self),
                       "Tue, 29 Feb 2000 00:00:00 GMT")
    }
}
