import Dispatch
import HTTPCore
import XCTest

@testable import HTTPServer

/// The router through a live server: path parameters, 404/405/OPTIONS, HEAD, errors as problem
/// responses, and correlation ids.
final class RouterTests: ServerTestCase {
    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "SECRET-INTERNAL-DETAIL db=/var/lib/klagebro" }
    }

    private let unexpected = Locked<[(String, String)]>([])

    private func routerServer() throws -> HTTPServer {
        var router = Router()
        router.add(.get, "/saker/{id}/vedlegg/{name}") { _, context in
            textResponse("id=\(context.parameters["id"] ?? "-") name=\(context.parameters["name"] ?? "-")")
        }
        router.add(.get, "/saker") { _, _ in textResponse("list") }
        router.add(.post, "/saker", body: .collect(maxBytes: 16)) { request, _ in
            HTTPResponse(status: .created, contentType: "text/plain", bytes: request.bodyBytes)
        }
        router.add(.get, "/conflict") { _, _ in
            throw Problem(
                status: .conflict, type: "https://klagebro.example/problems/duplicate", title: "Duplicate",
                detail: "The case exists.", extensions: [("saksnummer", "\"2026-42\"")])
        }
        router.add(.get, "/boom") { _, _ in throw InternalFailure() }
        router.add(.get, "/async") { _, context async throws in
            try await Task.sleep(for: .milliseconds(20))
            return textResponse("async \(context.correlationID)")
        }
        router.add(.get, "/async-boom") { _, _ async throws -> HTTPResponse in
            throw InternalFailure()
        }
        let unexpected = self.unexpected
        router.onUnexpectedError = { error, correlationID in
            unexpected.withLock { $0.append(("\(error)", correlationID)) }
        }
        return try startServer(router)
    }

    private func get(_ target: String, method: String = "GET", headers: String = "", on server: HTTPServer) throws
        -> TestResponse
    {
        let client = try client(server)
        try client.send("\(method) \(target) HTTP/1.1\r\nHost: a\r\n\(headers)\r\n")
        return try client.readFinalResponse(forHEAD: method == "HEAD")
    }

    /// A problem+json body with the RFC 9457 members and the correlation id of the header.
    private func assertProblem(
        _ response: TestResponse, status: Int, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Any] {
        XCTAssertEqual(response.status, status, file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json", file: file, line: line)
        let problem = try response.jsonObject()
        XCTAssertNotNil(problem["type"] as? String, file: file, line: line)
        XCTAssertNotNil(problem["title"] as? String, file: file, line: line)
        XCTAssertEqual(problem["status"] as? Int, status, file: file, line: line)
        XCTAssertNotNil(problem["detail"] as? String, file: file, line: line)
        let correlationID = try XCTUnwrap(problem["correlationId"] as? String, file: file, line: line)
        XCTAssertFalse(correlationID.isEmpty, file: file, line: line)
        XCTAssertEqual(response.header("X-Correlation-ID"), correlationID, file: file, line: line)
        return problem
    }

    func testPathParametersArePercentDecoded() throws {
        let server = try routerServer()
        let response = try get("/saker/2026%2F42/vedlegg/s%C3%B8knad%20nr%201.pdf?download=1", on: server)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "id=2026/42 name=søknad nr 1.pdf")
        XCTAssertEqual(try get("/saker/plain/vedlegg/x", on: server).text, "id=plain name=x")
    }

    func testMalformedPercentEscapeDoesNotMatch() throws {
        let server = try routerServer()
        _ = try assertProblem(try get("/saker/%zz/vedlegg/x", on: server), status: 404)
    }

    func testAbsoluteFormTargetIsRoutedByItsPath() throws {
        let server = try routerServer()
        // RFC 9112 §3.2.2: a server MUST accept the absolute-form; the route is its path.
        let response = try get("http://localhost/saker/9/vedlegg/c?x=1", on: server)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "id=9 name=c")
    }

    func testUnknownPathIs404Problem() throws {
        let server = try routerServer()
        let problem = try assertProblem(try get("/nowhere", on: server), status: 404)
        XCTAssertEqual(problem["type"] as? String, "about:blank")
        XCTAssertEqual(problem["title"] as? String, "Not Found")
    }

    func testWrongMethodIs405WithAllow() throws {
        let server = try routerServer()
        let response = try get("/saker/1/vedlegg/a", method: "DELETE", on: server)
        _ = try assertProblem(response, status: 405)
        XCTAssertEqual(response.header("Allow"), "GET, HEAD, OPTIONS")
        let collection = try get("/saker", method: "PUT", on: server)
        _ = try assertProblem(collection, status: 405)
        let allowed = Set((collection.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        XCTAssertEqual(allowed, ["GET", "HEAD", "POST", "OPTIONS"])
    }

    func testOptionsIs204WithAllow() throws {
        let server = try routerServer()
        let response = try get("/saker", method: "OPTIONS", on: server)
        XCTAssertEqual(response.status, 204)
        let allowed = Set((response.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        XCTAssertEqual(allowed, ["GET", "HEAD", "POST", "OPTIONS"])
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(try get("/nowhere", method: "OPTIONS", on: server).status, 404)
    }

    func testHeadIsServedByGetRouteWithoutBody() throws {
        let server = try routerServer()
        let client = try client(server)
        try client.send("HEAD /saker/7/vedlegg/b HTTP/1.1\r\nHost: a\r\n\r\nGET /saker/7/vedlegg/b HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try client.readFinalResponse(forHEAD: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), "\("id=7 name=b".utf8.count)")
        let get = try client.readFinalResponse()
        XCTAssertEqual(get.status, 200, "the HEAD response must carry no body")
        XCTAssertEqual(get.text, "id=7 name=b")
    }

    func testPostBodyAndRouteCollectLimit() throws {
        let server = try routerServer()
        let client = try client(server)
        try client.send("POST /saker HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde")
        let created = try client.readFinalResponse()
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(created.text, "abcde")
        try client.send("POST /saker HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n12345678901234567\r\n0\r\n\r\n")
        let tooLarge = try client.readFinalResponse()
        _ = try assertProblem(tooLarge, status: 413)
        XCTAssertTrue(tooLarge.connectionHas("close"))
    }

    func testThrownProblemBecomesItsProblemResponse() throws {
        let server = try routerServer()
        let problem = try assertProblem(try get("/conflict", on: server), status: 409)
        XCTAssertEqual(problem["type"] as? String, "https://klagebro.example/problems/duplicate")
        XCTAssertEqual(problem["title"] as? String, "Duplicate")
        XCTAssertEqual(problem["detail"] as? String, "The case exists.")
        XCTAssertEqual(problem["saksnummer"] as? String, "2026-42")
    }

    func testUnexpectedErrorIs500WithoutInternals() throws {
        let server = try routerServer()
        for path in ["/boom", "/async-boom"] {
            let response = try get(path, on: server)
            let problem = try assertProblem(response, status: 500)
            XCTAssertFalse(response.text.contains("SECRET"), "internals leaked: \(response.text)")
            XCTAssertFalse(response.text.contains("InternalFailure"), "internals leaked: \(response.text)")
            let correlationID = problem["correlationId"] as? String
            XCTAssertTrue(
                unexpected.value.contains { $0.0.contains("SECRET-INTERNAL-DETAIL") && $0.1 == correlationID },
                "onUnexpectedError must get the error with the response's correlation id")
        }
    }

    func testAsyncHandler() throws {
        let server = try routerServer()
        let response = try get("/async", headers: "X-Correlation-ID: async-1\r\n", on: server)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "async async-1")
        XCTAssertEqual(response.header("X-Correlation-ID"), "async-1")
    }

    func testCorrelationIDEchoedWhenSaneAndGeneratedOtherwise() throws {
        let server = try routerServer()
        let sane = "Abc-123_x.y"
        XCTAssertEqual(try get("/saker", headers: "X-Correlation-ID: \(sane)\r\n", on: server).header("X-Correlation-ID"), sane)
        let problem = try assertProblem(try get("/nowhere", headers: "X-Correlation-ID: \(sane)\r\n", on: server), status: 404)
        XCTAssertEqual(problem["correlationId"] as? String, sane)

        var generated: [String] = []
        for insane in ["", "has space", "semi;colon", "quote\"", String(repeating: "a", count: 65), "<script>"] {
            let response = try get("/saker", headers: "X-Correlation-ID: \(insane)\r\n", on: server)
            let id = try XCTUnwrap(response.header("X-Correlation-ID"))
            XCTAssertNotEqual(id, insane)
            XCTAssertFalse(id.isEmpty)
            XCTAssertTrue(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }, id)
            generated.append(id)
        }
        let none = try XCTUnwrap(try get("/saker", on: server).header("X-Correlation-ID"))
        generated.append(none)
        XCTAssertEqual(Set(generated).count, generated.count, "generated ids must differ: \(generated)")
        XCTAssertEqual(try get("/saker", headers: "X-Correlation-ID: \(String(repeating: "b", count: 64))\r\n", on: server)
            .header("X-Correlation-ID"), String(repeating: "b", count: 64))
    }
}
