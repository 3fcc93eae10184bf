import XCTest
@testable import HTTPCore

/// The parser's rules, each with the status it answers. Every input is fed whole, one byte at a
/// time and in a few other splits, and all feeds must agree (events, body bytes, error).
final class HTTPRequestParserTests: XCTestCase {
    // MARK: Helpers

    /// Feeds `raw` in several splits, checks they agree, and returns the whole-buffer result.
    @discardableResult
    func parse(
        _ raw: [UInt8], limits: HTTPLimits = HTTPLimits(), requiresHost: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) -> FeedResult {
        let whole = feed(raw, limits: limits, requiresHost: requiresHost, file: file, line: line)
        for piece in [1, 2, 3, 7, 64] {
            let split = feed(raw, piece: piece, limits: limits, requiresHost: requiresHost, file: file, line: line)
            XCTAssertEqual(split.events, whole.events, "split into \(piece)-byte pieces", file: file, line: line)
            XCTAssertEqual(split.error?.status, whole.error?.status, "split into \(piece)-byte pieces: \(split.error?.reason ?? "-") vs \(whole.error?.reason ?? "-")", file: file, line: line)
        }
        return whole
    }

    @discardableResult
    func parse(
        _ raw: String, limits: HTTPLimits = HTTPLimits(), requiresHost: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) -> FeedResult {
        parse(latin1(raw), limits: limits, requiresHost: requiresHost, file: file, line: line)
    }

    /// Parses one complete request and returns its head.
    func head(_ raw: String, limits: HTTPLimits = HTTPLimits(), file: StaticString = #filePath, line: UInt = #line) -> HTTPRequestHead? {
        let result = parse(raw, limits: limits, file: file, line: line)
        XCTAssertNil(result.error, "unexpected \(result.error.map(String.init(describing:)) ?? "")", file: file, line: line)
        XCTAssertEqual(result.completed, 1, "requests completed", file: file, line: line)
        return result.heads.first
    }

    func assertRejects(
        _ raw: String, _ status: Int, limits: HTTPLimits = HTTPLimits(),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let result = parse(raw, limits: limits, file: file, line: line)
        XCTAssertEqual(result.error?.status.code, status, "\(raw.debugDescription): \(result.error?.reason ?? "no error")", file: file, line: line)
    }

    func get(_ extra: String = "", version: String = "HTTP/1.1") -> String {
        "GET / \(version)\r\nHost: example.com\r\n\(extra)\r\n"
    }

    func post(_ fields: String, body: String) -> String {
        "POST /upload HTTP/1.1\r\nHost: example.com\r\n\(fields)\r\n\(body)"
    }

    // MARK: Request line

    func testSimpleGet() throws {
        let result = parse("GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        XCTAssertNil(result.error)
        XCTAssertEqual(result.events.count, 2)
        let head = try XCTUnwrap(result.heads.first)
        XCTAssertEqual(head.method, .get)
        XCTAssertEqual(head.target, "/path?q=1")
        XCTAssertEqual(head.path, "/path")
        XCTAssertEqual(head.query, "q=1")
        XCTAssertEqual(head.version, .http11)
        XCTAssertEqual(head.headers, ["Host": "example.com", "Accept": "*/*"])
        XCTAssertEqual(head.framing, .none)
        XCTAssertTrue(head.keepAlive)
        XCTAssertFalse(head.expectsContinue)
        XCTAssertEqual(result.events.last, .end)
        XCTAssertEqual(result.leftover, 0)
    }

    func testMethodsAreCaseSensitiveTokens() {
        XCTAssertEqual(head("get / HTTP/1.1\r\nHost: a\r\n\r\n")?.method.rawValue, "get")
        XCTAssertEqual(head("M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n")?.method.rawValue, "M-SEARCH")
        for name in ["PUT", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"] {
            XCTAssertEqual(head("\(name) / HTTP/1.1\r\nHost: a\r\n\r\n")?.method, HTTPMethod(name))
        }
        assertRejects("GE@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("   \r\n\r\n", 400)
        assertRejects(String(repeating: "A", count: 100_000) + " / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    func testLeadingEmptyLinesAreIgnoredButBounded() {
        XCTAssertEqual(head("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")?.target, "/")
        XCTAssertEqual(head("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")?.target, "/")
        assertRejects(String(repeating: "\r\n", count: 9) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("\r\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    func testRequestLineSpacing() {
        assertRejects("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400)
        assertRejects("GET HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /pa th HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /\r\n", 400)  // HTTP/0.9
        assertRejects("GET / HTTP/1.1\rHost: a\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\nHost: a\r\n\r\n", 400)
    }

    func testRequestTargets() {
        XCTAssertEqual(head("GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n")?.target, "http://example.com/x?y")
        XCTAssertEqual(head("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n")?.target, "HTTPS://example.com")
        XCTAssertEqual(head("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")?.target, "*")
        XCTAssertEqual(head("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")?.target, "example.com:443")
        XCTAssertEqual(head("GET /a|\"q\"{}^`\\ HTTP/1.1\r\nHost: a\r\n\r\n")?.target, "/a|\"q\"{}^`\\")
        assertRejects("GET /path#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400)  // no fragment in a request-target
        assertRejects("GET http://a/#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400)
        assertRejects("GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("CONNECT example.com:x HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET foo HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET ftp://example.com/ HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET http:// HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /\u{0}test HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /caf\u{C3}\u{A9} HTTP/1.1\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET /\u{C0}\u{AF} HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    func testVersions() {
        XCTAssertEqual(head("GET / HTTP/1.0\r\n\r\n")?.version, .http10)
        XCTAssertEqual(head(get())?.version, .http11)
        // RFC 9112 §2.3: a higher minor version of a major we implement is read as the highest we know.
        XCTAssertEqual(head(get(version: "HTTP/1.2"))?.version, .http11)
        assertRejects(get(version: "HTTP/2.0"), 505)
        assertRejects(get(version: "HTTP/0.9"), 505)
        assertRejects(get(version: "HTTP/9.9"), 505)
        assertRejects(get(version: "HTTP/1"), 400)
        assertRejects(get(version: "HTTP/01.01"), 400)
        assertRejects(get(version: "HTTP/ 1.1"), 400)
        assertRejects(get(version: "http/1.1"), 400)
        assertRejects(get(version: "HTTP/1.1.1"), 400)
        assertRejects(get(version: "HTTP/1.10"), 400)
        assertRejects(get(version: "HTTP/1.x"), 400)
        assertRejects(get(version: "HTTPS/1.1"), 400)
        assertRejects(get(version: "RTSP/1.0"), 400)
    }

    func testRequestLineLimit() {
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 30
        // "GET " + target + " HTTP/1.1" is exactly 30 bytes: allowed.
        let fits = "/" + String(repeating: "a", count: 16)
        XCTAssertEqual(head("GET \(fits) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits)?.target, fits)
        assertRejects("GET \(fits)a HTTP/1.1\r\nHost: a\r\n\r\n", 414, limits: limits)
        assertRejects("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, limits: limits)
        // Default limit: a 100 KB URL is refused with 414 long before it is complete.
        let result = feed(latin1("GET /" + String(repeating: "A", count: 100_000)), piece: 1024)
        XCTAssertEqual(result.error?.status.code, 414)
        XCTAssertLessThanOrEqual(result.leftover, HTTPLimits().maxRequestLineBytes + 1024)
    }

    func testGarbageIsRefusedAt400() {
        assertRejects("9\u{0C}\u{8C}}rG4,\u{D8}\u{10}\u{0F}/ow\re", 400)
        assertRejects("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}", 400)  // a TLS ClientHello on the plain port
        assertRejects("{\"json\": true}", 400)
    }

    // MARK: Field lines

    func testFieldValuesAreTrimmedAndKept() throws {
        let h = try XCTUnwrap(head("GET / HTTP/1.1\r\nHost: a\r\nX-A:  \t value with  spaces \t \r\nX-Empty:\r\nX-B:v\r\nx-a: second\r\n\r\n"))
        XCTAssertEqual(h.headers["X-A"], "value with  spaces")
        XCTAssertEqual(h.headers["X-Empty"], "")
        XCTAssertEqual(h.headers["X-B"], "v")
        XCTAssertEqual(h.headers.values(for: "x-a"), ["value with  spaces", "second"])
        XCTAssertEqual(h.headers.fields.map(\.name), ["Host", "X-A", "X-Empty", "X-B", "x-a"])
    }

    func testObsTextInValuesIsAllowed() throws {
        let h = try XCTUnwrap(head("GET / HTTP/1.1\r\nHost: a\r\nTest: D\u{C3}\u{BC}sseldorf\r\n\r\n"))
        XCTAssertEqual(h.headers["Test"], "Düsseldorf")
        XCTAssertNotNil(head("GET / HTTP/1.1\r\nHost: a\r\nX: \u{FF}value\r\n\r\n")?.headers["X"])
    }

    func testFieldSyntaxErrors() {
        assertRejects(get("X-Test: value\r\n continued\r\n"), 400)  // obs-fold
        assertRejects(get("X-Test: value\r\n\tcontinued\r\n"), 400)
        assertRejects("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400)  // whitespace before the first field
        assertRejects("GET / HTTP/1.1\r\n \r\nHost: a\r\n\r\n", 400)
        assertRejects(get("X-Test : value\r\n"), 400)
        assertRejects(get("X-Test\t: value\r\n"), 400)
        assertRejects(get(": empty-name\r\n"), 400)
        assertRejects(get("NoColonHere\r\n"), 400)
        assertRejects(get("Bad[Name: value\r\n"), 400)
        assertRejects(get("Fo@: value\r\n"), 400)
        assertRejects(get("X-T\u{C3}\u{AB}st: value\r\n"), 400)
        assertRejects(get("X-Test: val\u{0}ue\r\n"), 400)
        assertRejects(get("X-Test: abc\u{07}\u{08}?f\r\n"), 400)
        assertRejects(get("X-Test: abc\u{7F}\r\n"), 400)
        assertRejects(get("X-Test: abc\u{0B}\r\n"), 400)
        assertRejects(get("X-Test: hello\u{0C}world\r\n"), 400)
        assertRejects(get("X-Test: val\rue\r\n"), 400)
        assertRejects(get("X-Test: value\n"), 400)
        assertRejects(get("X-Test: value\r\r\n"), 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a\r\n\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a\r\n\rX", 400)
    }

    func testHeaderCountLimit() {
        var limits = HTTPLimits()
        limits.maxHeaderCount = 3
        XCTAssertNotNil(head(get("A: 1\r\nB: 2\r\n"), limits: limits))
        assertRejects(get("A: 1\r\nB: 2\r\nC: 3\r\n"), 431, limits: limits)
        let many = (0..<10_000).map { "X-H-\($0): value\r\n" }.joined()
        assertRejects(get(many), 431)
    }

    func testHeaderSectionLimit() {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 40
        // "Host: a\r\n" (9) + "X: " + 26 + "\r\n" = 40 bytes of field lines: allowed.
        XCTAssertNotNil(head("GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 26))\r\n\r\n", limits: limits))
        assertRejects("GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 27))\r\n\r\n", 431, limits: limits)
        assertRejects(get("X-Big: " + String(repeating: "B", count: 100_000) + "\r\n"), 431)
        assertRejects(get(String(repeating: "A", count: 100_000) + ": v\r\n"), 431)
        // An endless header is refused once it passes the limit, without waiting for its end.
        let result = feed(latin1("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 200_000)), piece: 4096)
        XCTAssertEqual(result.error?.status.code, 431)
        XCTAssertLessThanOrEqual(result.leftover, HTTPLimits().maxRequestLineBytes + HTTPLimits().maxHeaderBytes + 4096)
    }

    // MARK: Host

    func testHost() {
        XCTAssertEqual(head("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")?.headers["host"], "example.com:8080")
        XCTAssertNotNil(head("GET / HTTP/1.1\r\nhost: [::1]:80\r\n\r\n"))
        XCTAssertNotNil(head("GET / HTTP/1.0\r\n\r\n"), "HTTP/1.0 needs no Host")
        assertRejects("GET / HTTP/1.1\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: user@example.com\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: example.com/path\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400)
        assertRejects("GET / HTTP/1.1\r\nHost: a\u{FF}\r\n\r\n", 400)
    }

    // MARK: Content-Length

    func testContentLengthBody() throws {
        let result = parse(post("Content-Length: 5\r\n", body: "hello"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.heads.first?.framing, .contentLength(5))
        XCTAssertEqual(result.body(0), Array("hello".utf8))
        XCTAssertEqual(result.completed, 1)
        XCTAssertEqual(result.events.map(\.description), ["head(POST /upload HTTP/1.1)", "body(\"hello\")", "end"])

        XCTAssertEqual(parse(post("Content-Length: 003\r\n", body: "abc")).body(0), Array("abc".utf8))
        XCTAssertEqual(head(post("Content-Length: 0\r\n", body: ""))?.framing, HTTPBodyFraming.none)
        XCTAssertEqual(head(post("Content-Length:\t5\t\r\n", body: "hello"))?.framing, .contentLength(5))
    }

    func testContentLengthErrors() {
        for bad in ["abc", "+5", "-1", "0x5", "1 0", "1_0", "0o5", "5, 10", "5,5", "", "5.0", "\u{FF}5"] {
            assertRejects(post("Content-Length: \(bad)\r\n", body: "hello"), 400)
        }
        assertRejects(post("Content-Length: 99999999999999999999\r\n", body: ""), 400)
        assertRejects(post("Content-Length: 5\r\nContent-Length: 10\r\n", body: "helloworld"), 400)
        assertRejects(post("Content-Length: 5\r\nContent-Length: 5\r\n", body: "hello"), 400)
        var limits = HTTPLimits()
        limits.maxBodyBytes = 4
        assertRejects(post("Content-Length: 5\r\n", body: "hello"), 413, limits: limits)
        XCTAssertEqual(head(post("Content-Length: 4\r\n", body: "hell"), limits: limits)?.framing, .contentLength(4))
    }

    func testContentLengthUndersentBodyIsIncomplete() {
        let result = parse(post("Content-Length: 10\r\n", body: "hello"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.completed, 0)
        XCTAssertEqual(result.body(0), Array("hello".utf8))
    }

    // MARK: Transfer-Encoding

    func testTransferEncodingChunkedVariants() {
        for value in ["chunked", "Chunked", "CHUNKED", " chunked ", "chunked\t"] {
            let result = parse(post("Transfer-Encoding: \(value)\r\n", body: "5\r\nhello\r\n0\r\n\r\n"))
            XCTAssertNil(result.error, value)
            XCTAssertEqual(result.heads.first?.framing, .chunked)
            XCTAssertEqual(result.body(0), Array("hello".utf8))
            XCTAssertEqual(result.completed, 1)
        }
    }

    func testTransferEncodingErrors() {
        let body = "5\r\nhello\r\n0\r\n\r\n"
        // Not chunked last: the length cannot be known (RFC 9112 §6.3): 400.
        for value in ["gzip", "identity", "chunked, gzip", "xchunked", "chunkedchunked", "pigeons"] {
            assertRejects(post("Transfer-Encoding: \(value)\r\n", body: body), 400)
        }
        // chunked last after a coding we do not implement (RFC 9112 §6.1): 501.
        assertRejects(post("Transfer-Encoding: gzip, chunked\r\n", body: body), 501)
        assertRejects(post("Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n", body: body), 501)
        // Malformed lists and duplicates: 400.
        for value in ["", ", chunked", "chunked,", "chunked, chunked", "chunked;q=1", "chunked , , gzip", "\u{0B}chunked", "\u{0C}chunked", "chunked\u{0}", "chun ked"] {
            assertRejects(post("Transfer-Encoding: \(value)\r\n", body: body), 400)
        }
        assertRejects(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", body: body), 400)
        assertRejects(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", body: body), 400)
        assertRejects(post("Transfer-Encoding : chunked\r\n", body: body), 400)
        assertRejects(post("Transfer_Encoding: chunked\r\nContent-Length: 5\r\n", body: "hello"), 400)
        assertRejects(post("content_length: 5\r\n", body: "hello"), 400)
        assertRejects(post("Transfer-Encoding:\r\n chunked\r\n", body: body), 400)
        assertRejects("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body, 400)
    }

    func testContentLengthWithTransferEncodingIsRefused() {
        assertRejects(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", body: "0\r\n\r\n"), 400)
        assertRejects(post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", body: "0\r\n\r\n"), 400)
        assertRejects(post("Transfer-Encoding: chunked \r\nContent-Length: 5\r\n", body: "hello"), 400)
        assertRejects(post("Transfer-Encoding: identity\r\nContent-Length: 5\r\n", body: "hello"), 400)
        assertRejects(post("Content-Length: 10\r\nTransfer-Encoding:\r\n", body: "2\r\nAA\r\n0"), 400)
    }

    // MARK: Chunked bodies

    func testChunkedBodies() throws {
        let cases: [(String, String)] = [
            ("5\r\nhello\r\n0\r\n\r\n", "hello"),
            ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
            ("A\r\nhelloworld\r\n0\r\n\r\n", "helloworld"),
            ("a\r\n0123456789\r\n000\r\n\r\n", "0123456789"),
            ("0\r\n\r\n", ""),
            ("5;ext=value\r\nhello\r\n0\r\n\r\n", "hello"),
            ("5;a;b=c;d=\"q \\\"x\\\" ;\"\r\nhello\r\n0;last\r\n\r\n", "hello"),
            ("0000000000000000005\r\nhello\r\n0\r\n\r\n", "hello"),
        ]
        for (body, expected) in cases {
            let result = parse(post("Transfer-Encoding: chunked\r\n", body: body))
            XCTAssertNil(result.error, "\(body.debugDescription): \(result.error?.reason ?? "")")
            XCTAssertEqual(result.completed, 1, body.debugDescription)
            XCTAssertEqual(String(decoding: result.body(0), as: UTF8.self), expected)
        }
    }

    func testChunkedBodyRangeIsIntoThisCallsBytes() throws {
        var parser = HTTPRequestParser()
        let raw = Array(post("Transfer-Encoding: chunked\r\n", body: "").utf8)
        let step = try raw.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step.consumed, raw.count)
        let body = Array("5\r\nhello\r\n0\r\n\r\n".utf8)
        let step2 = try body.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step2, .init(event: .body(3..<8), consumed: 8))
        let rest = Array(body[8...])
        let step3 = try rest.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step3, .init(event: .end, consumed: rest.count))
    }

    func testChunkedTrailers() throws {
        var parser = HTTPRequestParser()
        let raw = Array(post("Transfer-Encoding: chunked\r\n", body: "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-B:  b \r\n\r\n").utf8)
        var offset = 0
        var sawEnd = false
        while offset < raw.count {
            let step = try raw[offset...].withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
            offset += step.consumed
            if step.event == .end {
                sawEnd = true
                break
            }
        }
        XCTAssertTrue(sawEnd)
        XCTAssertEqual(offset, raw.count)
        XCTAssertEqual(parser.trailers, ["X-Checksum": "abc", "X-B": "b"])
        XCTAssertNil(parse(post("Transfer-Encoding: chunked\r\n", body: "0\r\nContent-Type: text/plain\r\nVary: *\r\n\r\n")).error)
        // Byte-at-a-time gives the same body and completion.
        let result = parse(raw)
        XCTAssertEqual(result.completed, 1)
        XCTAssertEqual(result.body(0), Array("hello".utf8))
    }

    func testChunkedSyntaxErrors() {
        let bodies = [
            "5;\r\nhello\r\n0\r\n\r\n",  // bare semicolon
            "5;bad[=x\r\nhello\r\n0\r\n\r\n",
            "5;a=\r\nhello\r\n0\r\n\r\n",
            "5;a=\"x\r\nhello\r\n0\r\n\r\n",  // unterminated quoted string
            "5;a=\"x\"y\r\nhello\r\n0\r\n\r\n",
            "5; a\r\nhello\r\n0\r\n\r\n",  // no whitespace in extensions
            "5 ;a\r\nhello\r\n0\r\n\r\n",
            "0x5\r\nhello\r\n0\r\n\r\n",
            "+5\r\nhello\r\n0\r\n\r\n",
            "-1\r\nhello\r\n0\r\n\r\n",
            "5 \r\nhello\r\n0\r\n\r\n",
            " 5\r\nhello\r\n0\r\n\r\n",
            "1_0\r\nhello world!!!!!\r\n0\r\n\r\n",
            "\r\nhello\r\n0\r\n\r\n",  // empty size
            "5\r\nhello0\r\n\r\n",  // data not followed by CRLF
            "5\r\nhello!!\r\n0\r\n\r\n",
            "5\r\nhello\n0\r\n\r\n",
            "5;\u{0}ext\r\nhello\r\n0\r\n\r\n",
            "5;a\rX\r\nhello\r\n0\r\n\r\n",
            "5\rhello\r\n0\r\n\r\n",
            "5\nhello\r\n0\r\n\r\n",
            "5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n",
            "FFFFFFFFFFFFFFFF0\r\nhello\r\n0\r\n\r\n",  // overflow
            "10000000000000005\r\nhello\r\n0\r\n\r\n",
            "5\r\nhello\r\n0\r\nX : y\r\n\r\n",  // trailer syntax like headers
            "5\r\nhello\r\n0\r\nX: y\r\n z\r\n\r\n",
            "5\r\nhello\r\n0\r\nX: y\n\r\n",
            "5\r\nhello\r\n0\r\n\n",
            // Fields that cannot be trailers (RFC 9110 §6.5.1).
            "5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n",
            "5\r\nhello\r\n0\r\ntransfer-encoding: chunked\r\n\r\n",
            "5\r\nhello\r\n0\r\nHost: evil.example.com\r\n\r\n",
            "5\r\nhello\r\n0\r\nAuthorization: Bearer evil\r\n\r\n",
            "5\r\nhello\r\n0\r\nConnection: close\r\n\r\n",
            "5\r\nhello\r\n0\r\nX-Ok: 1\r\nTrailer: X-Ok\r\n\r\n",
        ]
        for body in bodies {
            assertRejects(post("Transfer-Encoding: chunked\r\n", body: body), 400)
        }
    }

    func testChunkedLimits() {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 8
        limits.maxChunkLineBytes = 10
        limits.maxHeaderBytes = 64
        let te = "Transfer-Encoding: chunked\r\n"
        XCTAssertNil(parse(post(te, body: "8\r\n12345678\r\n0\r\n\r\n"), limits: limits).error)
        assertRejects(post(te, body: "9\r\n123456789\r\n0\r\n\r\n"), 413, limits: limits)
        assertRejects(post(te, body: "5\r\n12345\r\n4\r\n1234\r\n0\r\n\r\n"), 413, limits: limits)
        assertRejects(post(te, body: "FFFFFFFF\r\n"), 413, limits: limits)
        XCTAssertNil(parse(post(te, body: "1;abcdefgh\r\nx\r\n0\r\n\r\n"), limits: limits).error)
        assertRejects(post(te, body: "1;abcdefghi\r\nx\r\n0\r\n\r\n"), 400, limits: limits)
        assertRejects(post(te, body: "0\r\nX: " + String(repeating: "v", count: 100) + "\r\n\r\n"), 431, limits: limits)
        assertRejects(post(te, body: "1;a=" + String(repeating: "v", count: 100_000)), 400)
    }

    func testChunkedWithoutLastChunkIsIncomplete() {
        let result = parse(post("Transfer-Encoding: chunked\r\n", body: "5\r\nhello\r\n"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.completed, 0)
        XCTAssertEqual(result.body(0), Array("hello".utf8))
    }

    // MARK: Connection and Expect

    func testKeepAlive() {
        XCTAssertEqual(head(get())?.keepAlive, true)
        XCTAssertEqual(head(get("Connection: close\r\n"))?.keepAlive, false)
        XCTAssertEqual(head(get("Connection: Close\r\n"))?.keepAlive, false)
        XCTAssertEqual(head(get("Connection: keep-alive, close\r\n"))?.keepAlive, false)
        XCTAssertEqual(head(get("Connection: upgrade\r\nConnection: close\r\n"))?.keepAlive, false)
        XCTAssertEqual(head(get("Connection: closed\r\n"))?.keepAlive, true)
        XCTAssertEqual(head(get(version: "HTTP/1.0"))?.keepAlive, false)
        XCTAssertEqual(head(get("Connection: keep-alive\r\n", version: "HTTP/1.0"))?.keepAlive, true)
        XCTAssertEqual(head(get("Connection: Keep-Alive\r\n", version: "HTTP/1.0"))?.keepAlive, true)
        XCTAssertEqual(head(get("Connection: keep-alive, close\r\n", version: "HTTP/1.0"))?.keepAlive, false)
    }

    func testExpectContinue() {
        XCTAssertEqual(head(post("Content-Length: 5\r\nExpect: 100-continue\r\n", body: "hello"))?.expectsContinue, true)
        XCTAssertEqual(head(post("Content-Length: 5\r\nExpect: 100-Continue\r\n", body: "hello"))?.expectsContinue, true)
        let other = head(get("Expect: 200-ok\r\n"))
        XCTAssertEqual(other?.expectsContinue, false)
        XCTAssertEqual(other?.headers["Expect"], "200-ok")
        XCTAssertEqual(head("POST / HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello")?.expectsContinue, false)
    }

    // MARK: Pipelining and incremental input

    func testPipelinedRequests() throws {
        let host = "Host: a\r\n"
        let raw = "GET /1 HTTP/1.1\r\n\(host)\r\n"
            + "POST /2 HTTP/1.1\r\n\(host)Content-Length: 5\r\n\r\nhello"
            + "POST /3 HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "\r\n"  // a stray CRLF after a body, as old clients send
            + "HEAD /4 HTTP/1.1\r\n\(host)\r\n"
            + "GET /5 HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"
        let result = parse(raw)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.heads.map(\.target), ["/1", "/2", "/3", "/4", "/5"])
        XCTAssertEqual(result.completed, 5)
        XCTAssertEqual(result.body(1), Array("hello".utf8))
        XCTAssertEqual(result.body(2), Array("abc".utf8))
        XCTAssertEqual(result.heads.map(\.keepAlive), [true, true, true, true, false])
        XCTAssertEqual(result.leftover, 0)
        XCTAssertEqual(result.events.map(\.description), [
            "head(GET /1 HTTP/1.1)", "end",
            "head(POST /2 HTTP/1.1)", "body(\"hello\")", "end",
            "head(POST /3 HTTP/1.1)", "body(\"abc\")", "end",
            "head(HEAD /4 HTTP/1.1)", "end",
            "head(GET /5 HTTP/1.1)", "end",
        ])
    }

    func testErrorInSecondPipelinedRequestComesAfterTheFirst() {
        let result = parse("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n")
        XCTAssertEqual(result.completed, 1)
        XCTAssertEqual(result.error?.status.code, 400)
    }

    func testHeadIsNotRescannedWhenBytesArriveOneByOne() throws {
        var parser = HTTPRequestParser()
        let raw = Array("GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n".utf8)
        for n in 1..<raw.count {
            let step = try raw[..<n].withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
            XCTAssertEqual(step, .init(event: nil, consumed: 0))
            // The resume point moves with the input: bytes already examined are not examined again.
            if parser.head.state != .fields {
                XCTAssertEqual(parser.head.scan, n)
            }
        }
        let step = try raw.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step.consumed, raw.count)
        guard case .head(let head)? = step.event else { return XCTFail("no head") }
        XCTAssertEqual(head.headers["accept"], "*/*")
    }

    func testParserStaysFailed() {
        var parser = HTTPRequestParser()
        let raw = Array("GET / HTTP/1.1\r\nHost : a\r\n\r\n".utf8)
        for _ in 0..<2 {
            XCTAssertThrowsError(try raw.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }) { error in
                XCTAssertEqual((error as? HTTPParseError)?.status, .badRequest)
            }
        }
    }

    func testShrunkenBufferRestartsTheScanInsteadOfReadingPastIt() throws {
        var parser = HTTPRequestParser()
        let partial = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Long: abcdef".utf8)
        XCTAssertEqual(try partial.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }, .init(event: nil, consumed: 0))
        // Contract broken: fewer bytes than already examined. The parser starts over.
        let shorter = Array("GET / HTTP/1.1\r\nHo".utf8)
        XCTAssertEqual(try shorter.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }, .init(event: nil, consumed: 0))
        let whole = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let step = try whole.withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step.consumed, whole.count)
    }

    func testEmptyInputNeedsMore() throws {
        var parser = HTTPRequestParser()
        let step = try [UInt8]().withUnsafeBytes { raw throws(HTTPParseError) in try parser.parse(raw) }
        XCTAssertEqual(step, .init(event: nil, consumed: 0))
        let result = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Test: value")
        XCTAssertNil(result.error)
        XCTAssertEqual(result.events, [])
    }
}
