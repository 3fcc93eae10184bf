import Foundation
import HTTPCore
import HTTPServer
import JSONSchema
import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import API

/// The same API over a real socket on loopback: the server's framing, streaming and headers.
final class LiveServerTests: XCTestCase {
    typealias H = APITestHarness

    func testTransferUploadAndDownloadOverLoopback() async throws {
        let h = try APITestHarness()
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.log = { _ in }
        let server = try HTTPServer(configuration: configuration, handler: h.router)
        server.start()
        defer { server.shutdown {} }
        let port = server.port
        let nav = try await h.token(.nav, H.navBergenhus)
        let sf = try await h.token(.statsforvalter, H.vestland)

        let (message, files) = try H.transfer()
        let body = Array(JSONWriter.string(message).utf8)
        let created = try Self.exchange(port: port, "POST", "/api/v1/klagesaker", token: nav, type: "application/json", body: body)
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(created.json["klagesakId"]?.stringValue)
        for (dokumentId, bytes) in files {
            let r = try Self.exchange(port: port, "PUT", "/api/v1/klagesaker/\(id)/dokumenter/\(dokumentId)", token: nav,
                                      type: "application/pdf", body: bytes)
            XCTAssertEqual(r.status, 201, r.text)
        }
        let (dokumentId, bytes) = files.first!
        let download = try Self.exchange(port: port, "GET", "/api/v1/klagesaker/\(id)/dokumenter/\(dokumentId)", token: sf)
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.body, bytes)
        XCTAssertEqual(download.header("content-type"), "application/pdf")
        XCTAssertNotNil(download.header("x-correlation-id"))

        let problem = try Self.exchange(port: port, "POST", "/api/v1/klagesaker", token: nav, type: "application/json", body: Array("[]".utf8))
        XCTAssertEqual(problem.status, 422)
        XCTAssertEqual(problem.header("content-type"), "application/problem+json")
    }

    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONParser.parse(bytes: body)) ?? .null }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
    }

    /// One request on a fresh connection (`Connection: close`), reading to the end.
    static func exchange(port: UInt16, _ method: String, _ target: String, token: String, type: String? = nil, body: [UInt8] = []) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: test\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
        if let type { head += "Content-Type: \(type)\r\n" }
        if !body.isEmpty || method != "GET" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, received.count - 3)).first(where: { Array(received[$0..<$0 + 4]) == separator }) else {
            throw POSIXError(.EBADMSG)
        }
        let lines = String(decoding: received[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: headers, body: Array(received[(end + 4)...]))
    }
}
