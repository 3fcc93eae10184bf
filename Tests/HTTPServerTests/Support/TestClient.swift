import Foundation
import TLS

#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong on the client side of a test exchange.
enum ClientError: Error, CustomStringConvertible {
    case connectFailed(Int32)
    case timedOut(String)
    /// The server closed before a whole response arrived; `received` is what came before.
    case closedEarly(received: [UInt8])
    case reset
    case tls(String)
    case malformed(String)

    var description: String {
        switch self {
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .closedEarly(let received): "connection closed early after \(received.count) bytes: \(String(decoding: received.prefix(200), as: UTF8.self))"
        case .reset: "connection reset"
        case .tls(let what): "TLS: \(what)"
        case .malformed(let what): "malformed response: \(what)"
        }
    }
}

/// A response as it came over the wire.
struct TestResponse {
    var version: String
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Framing the server chose for the body.
    var framing: Framing

    enum Framing: Equatable { case none, contentLength, chunked, closeDelimited }

    /// The first value of the named field (case-insensitive), or nil.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (problem details).
    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ClientError.malformed("body is not a JSON object: \(text)")
        }
        return object
    }

    /// Whether the response's Connection field lists the token.
    func connectionHas(_ token: String) -> Bool {
        values("Connection").contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == token }
        }
    }
}

/// A test client on a real loopback socket that sends exact bytes and parses what comes back,
/// by hand, so that every byte the server writes is seen. Optionally speaks TLS through the
/// TLS module's client session. Not thread-safe: use it from one thread.
final class TestClient {
    let fd: Int32
    private var tls: TLSClientSession?
    /// Received and not yet consumed.
    private(set) var buffer: [UInt8] = []
    private(set) var sawEOF = false
    private var isClosed = false
    var timeout: TimeInterval

    /// Connects to 127.0.0.1:`port` (plain TCP).
    init(port: UInt16, timeout: TimeInterval = 5) throws {
        self.timeout = timeout
        fd = try Self.connect(port: port)
    }

    /// Connects and completes a TLS handshake (in TLS 1.3 the server may still refuse the client
    /// certificate after this returns; that shows up on the first read).
    init(port: UInt16, tls context: TLSClientContext, serverName: String? = "localhost", timeout: TimeInterval = 5) throws {
        self.timeout = timeout
        fd = try Self.connect(port: port)
        do {
            let session = try TLSClientSession(context: context, fileDescriptor: fd, serverName: serverName)
            tls = session
            let deadline = Date().addingTimeInterval(timeout)
            handshaking: while true {
                switch session.handshake() {
                case .complete: break handshaking
                case .wantRead: try wait(for: Int16(POLLIN), until: deadline, what: "TLS handshake")
                case .wantWrite: try wait(for: Int16(POLLOUT), until: deadline, what: "TLS handshake")
                case .failed(let error): throw ClientError.tls("handshake failed: \(error)")
                }
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    private static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError.connectFailed(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ClientError.connectFailed(code)
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        tls = nil
        Glibc.close(fd)
    }

    // MARK: Sending

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends every byte (waiting while the socket is full).
    func send(_ bytes: [UInt8]) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var offset = 0
        while offset < bytes.count {
            let sent: Int = try bytes.withUnsafeBytes { raw in
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                if let tls {
                    switch tls.write(rest) {
                    case .bytes(let count): return count
                    case .wantWrite: try wait(for: Int16(POLLOUT), until: deadline, what: "send"); return 0
                    case .wantRead: try wait(for: Int16(POLLIN), until: deadline, what: "send"); return 0
                    case .closed: throw ClientError.reset
                    case .failed(let error): throw ClientError.tls("write failed: \(error)")
                    }
                }
                let count = Glibc.send(fd, rest.baseAddress, rest.count, Int32(MSG_NOSIGNAL))
                if count >= 0 { return count }
                switch errno {
                case EAGAIN, EWOULDBLOCK, EINTR:
                    try wait(for: Int16(POLLOUT), until: deadline, what: "send")
                    return 0
                default:
                    throw ClientError.reset
                }
            }
            offset += sent
        }
    }

    /// Sends the bytes in pieces of `pieceSize`, pausing briefly between them so that they
    /// arrive in separate segments.
    func sendTrickled(_ bytes: [UInt8], pieceSize: Int, pauseMicroseconds: UInt32 = 500) throws {
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            try send(Array(bytes[offset..<end]))
            offset = end
            if offset < bytes.count { usleep(pauseMicroseconds) }
        }
    }

    /// Half-closes: no more bytes from the client.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    // MARK: Receiving

    private func wait(for events: Int16, until deadline: Date, what: String) throws {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw ClientError.timedOut(what) }
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let result = poll(&descriptor, 1, Int32(min(remaining, 60) * 1000) + 1)
        if result == 0 && deadline.timeIntervalSinceNow <= 0 { throw ClientError.timedOut(what) }
    }

    /// Reads whatever arrives next into `buffer`. Returns false at EOF.
    @discardableResult
    func fill(until deadline: Date, what: String) throws -> Bool {
        if sawEOF { return false }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let tls {
                let result = chunk.withUnsafeMutableBytes { tls.read(into: $0) }
                switch result {
                case .bytes(let count):
                    buffer.append(contentsOf: chunk[0..<count])
                    return true
                case .wantRead: try wait(for: Int16(POLLIN), until: deadline, what: what)
                case .wantWrite: try wait(for: Int16(POLLOUT), until: deadline, what: what)
                case .closed:
                    sawEOF = true
                    return false
                case .failed:
                    // A refused client certificate arrives as an alert: the connection is over.
                    sawEOF = true
                    throw ClientError.reset
                }
                continue
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 {
                sawEOF = true
                return false
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR:
                try wait(for: Int16(POLLIN), until: deadline, what: what)
            default:
                sawEOF = true
                throw ClientError.reset
            }
        }
    }

    /// Whether data or EOF is ready to read within `seconds` (without consuming it).
    func isReadable(within seconds: TimeInterval) -> Bool {
        if !buffer.isEmpty || sawEOF { return true }
        if let tls, tls.hasBufferedPlaintext { return true }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(seconds * 1000)) > 0
    }

    /// Reads until the server closes; returns the bytes that came after what was already
    /// consumed. A reset counts as closed. Throws only on timeout.
    func readUntilClosed(timeout: TimeInterval? = nil) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout ?? self.timeout)
        do {
            while try fill(until: deadline, what: "the server to close") {}
        } catch ClientError.reset {}
        let rest = buffer
        buffer = []
        return rest
    }

    /// Reads one response (an interim 1xx is returned on its own). `forHEAD`: the response to a
    /// HEAD request, which has no body whatever its header says.
    func readResponse(forHEAD: Bool = false, timeout: TimeInterval? = nil) throws -> TestResponse {
        let deadline = Date().addingTimeInterval(timeout ?? self.timeout)
        // Head.
        var headEnd: Int?
        while true {
            if let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) { headEnd = end; break }
            if !(try fill(until: deadline, what: "a response head")) { throw ClientError.closedEarly(received: buffer) }
        }
        guard let headEnd else { throw ClientError.malformed("no head") }
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]), parts[1].count == 3 else {
            throw ClientError.malformed("status line \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed("field line \(line)") }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" ") else { throw ClientError.malformed("field name in \(line)") }
            headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = TestResponse(
            version: String(parts[0]), status: status, reason: parts.count > 2 ? String(parts[2]) : "",
            headers: headers, body: [], framing: .none)
        // Body (RFC 9112 §6.3).
        if forHEAD || (100..<200).contains(status) || status == 204 || status == 304 { return response }
        if let encoding = response.header("Transfer-Encoding") {
            guard encoding.lowercased() == "chunked" else { throw ClientError.malformed("Transfer-Encoding \(encoding)") }
            response.framing = .chunked
            response.body = try readChunkedBody(until: deadline)
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0, response.values("Content-Length").count == 1 else {
                throw ClientError.malformed("Content-Length \(response.values("Content-Length"))")
            }
            response.framing = .contentLength
            while buffer.count < length {
                if !(try fill(until: deadline, what: "a body of \(length) bytes")) {
                    throw ClientError.closedEarly(received: buffer)
                }
            }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            response.framing = .closeDelimited
            response.body = try readUntilClosed(timeout: deadline.timeIntervalSinceNow)
        }
        return response
    }

    /// Reads a final response, failing if an interim one comes first.
    func readFinalResponse(forHEAD: Bool = false) throws -> TestResponse {
        let response = try readResponse(forHEAD: forHEAD)
        guard response.status >= 200 else { throw ClientError.malformed("unexpected interim \(response.status)") }
        return response
    }

    private func readLine(until deadline: Date) throws -> String {
        while true {
            if let end = Self.find([0x0D, 0x0A], in: buffer) {
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            if !(try fill(until: deadline, what: "a chunk line")) { throw ClientError.closedEarly(received: buffer) }
        }
    }

    private func readChunkedBody(until deadline: Date) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine(until: deadline)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw ClientError.malformed("chunk size \(line)") }
            if size == 0 {
                while try !readLine(until: deadline).isEmpty {}  // trailers
                return body
            }
            while buffer.count < size + 2 {
                if !(try fill(until: deadline, what: "a chunk")) { throw ClientError.closedEarly(received: buffer) }
            }
            body.append(contentsOf: buffer[0..<size])
            guard buffer[size] == 0x0D, buffer[size + 1] == 0x0A else { throw ClientError.malformed("chunk not ended by CRLF") }
            buffer.removeFirst(size + 2)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
