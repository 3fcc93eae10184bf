/// The request head being scanned: where the scan stopped, where the request line's parts lie, the
/// field lines found so far, and what the framing fields said. Offsets are positions in the caller's
/// buffer, which keeps the whole head until the head is complete.
struct RequestHeadScan: Sendable {
    enum LineState: UInt8, Sendable {
        case start, startLF, method, target, version, lineLF, fields
    }

    var state: LineState = .start
    var scan = 0
    var emptyLines = 0
    var lineStart = 0
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var versionStart = 0
    var major: UInt8 = 0
    var version: HTTPVersion = .http11
    var fields = HTTPFieldSectionScanner(sectionStart: 0, maxBytes: 0, maxCount: 0)
    var spans: [HTTPFieldSpan] = []

    var contentLength: Int?
    var hostCount = 0
    var transferEncoding = false
    var chunkedSeen = false
    var otherCodingSeen = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectContinue = false

    /// How many bytes the scan has examined, request line and fields.
    var examined: Int { state == .fields ? fields.scanOffset : scan }

    mutating func reset() {
        var spans: [HTTPFieldSpan] = []
        swap(&spans, &self.spans)
        spans.removeAll(keepingCapacity: true)
        self = RequestHeadScan()
        self.spans = spans
    }
}

extension HTTPRequestParser {
    /// RFC 9112 §2.2 asks to ignore at least one empty line before a request line; we ignore this many.
    static let maxLeadingEmptyLines = 8
    /// A method longer than this is not a method but garbage: 400, not 414.
    static let maxMethodBytes = 64

    mutating func parseHead(_ p: UnsafePointer<UInt8>, count: Int) throws(HTTPParseError) -> Step {
        typealias B = HTTPByteClass
        if head.examined > count {
            // The caller broke the contract (dropped bytes it had not been told to drop). Start over
            // rather than read out of bounds.
            head.reset()
        }
        var i = head.scan
        while head.state != .fields {
            guard i < count else {
                head.scan = i
                return .needMore
            }
            switch head.state {
            case .start:
                let c = p[i]
                if c == B.cr {
                    head.state = .startLF
                } else if B.isToken(c) {
                    head.lineStart = i
                    head.state = .method
                } else if c == B.lf {
                    throw HTTPParseError(.badRequest, "bare LF before the request line")
                } else {
                    throw HTTPParseError(.badRequest, "not an HTTP request line")
                }
                i += 1

            case .startLF:
                guard p[i] == B.lf else { throw HTTPParseError(.badRequest, "bare CR before the request line") }
                i += 1
                head.emptyLines += 1
                guard head.emptyLines <= Self.maxLeadingEmptyLines else {
                    throw HTTPParseError(.badRequest, "too many empty lines before the request line")
                }
                head.state = .start

            case .method:
                while i < count && B.isToken(p[i]) { i += 1 }
                let length = i - head.lineStart
                if length > Self.maxMethodBytes { throw HTTPParseError(.badRequest, "method too long") }
                if length > limits.maxRequestLineBytes { throw HTTPParseError(.uriTooLong, "request line too long") }
                guard i < count else { continue }
                guard p[i] == B.sp else {
                    throw HTTPParseError(.badRequest, "the method must be a token followed by one space")
                }
                head.methodEnd = i
                i += 1
                head.targetStart = i
                head.state = .target

            case .target:
                while i < count && B.isTarget(p[i]) { i += 1 }
                if i - head.lineStart > limits.maxRequestLineBytes {
                    throw HTTPParseError(.uriTooLong, "request line too long")
                }
                guard i < count else { continue }
                let c = p[i]
                guard c == B.sp else {
                    if c == B.cr || c == B.lf {
                        throw HTTPParseError(.badRequest, "request line without an HTTP version")
                    }
                    throw HTTPParseError(.badRequest, "invalid character in the request target")
                }
                head.targetEnd = i
                guard head.targetEnd > head.targetStart else {
                    throw HTTPParseError(.badRequest, "empty request target or more than one space")
                }
                try checkTargetForm(p)
                i += 1
                head.versionStart = i
                head.state = .version

            case .version:
                try scanVersionByte(p[i], at: i - head.versionStart, offset: i)
                i += 1

            case .lineLF:
                guard p[i] == B.lf else { throw HTTPParseError(.badRequest, "bare CR after the request line") }
                i += 1
                head.fields = HTTPFieldSectionScanner(
                    sectionStart: i, maxBytes: limits.maxHeaderBytes, maxCount: limits.maxHeaderCount)
                head.state = .fields

            case .fields:
                break
            }
        }
        head.scan = i

        while true {
            switch try head.fields.next(p, count: count) {
            case .needMore:
                return .needMore
            case .field(let span):
                head.spans.append(span)
                try applyField(span, p)
            case .end(let end):
                let requestHead = try finishHead(p)
                return Step(event: .head(requestHead), consumed: end)
            }
        }
    }

    /// One byte of `HTTP/D.D` CR, `k` bytes after the version's start.
    private mutating func scanVersionByte(_ c: UInt8, at k: Int, offset: Int) throws(HTTPParseError) {
        typealias B = HTTPByteClass
        let malformed = HTTPParseError(.badRequest, "malformed HTTP version")
        switch k {
        case 0: guard c == 0x48 else { throw malformed }  // H
        case 1, 2: guard c == 0x54 else { throw malformed }  // T
        case 3: guard c == 0x50 else { throw malformed }  // P
        case 4: guard c == B.slash else { throw malformed }
        case 5:
            guard B.isDigit(c) else { throw malformed }
            head.major = c &- 0x30
        case 6: guard c == 0x2E else { throw malformed }  // .
        case 7:
            guard B.isDigit(c) else { throw malformed }
            let minor = c &- 0x30
            guard head.major == 1 else {
                throw HTTPParseError(.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are supported")
            }
            head.version = minor == 0 ? .http10 : .http11
        default:
            guard c == B.cr else {
                if c == B.lf { throw HTTPParseError(.badRequest, "bare LF after the request line") }
                throw malformed
            }
            if offset - head.lineStart > limits.maxRequestLineBytes {
                throw HTTPParseError(.uriTooLong, "request line too long")
            }
            head.state = .lineLF
        }
    }

    /// RFC 9112 §3.2: origin-form for most, absolute-form (`http://` or `https://`) for any method,
    /// asterisk-form only for OPTIONS, authority-form only (and always) for CONNECT.
    private func checkTargetForm(_ p: UnsafePointer<UInt8>) throws(HTTPParseError) {
        let start = head.targetStart
        let length = head.targetEnd - start
        let method = UnsafeBufferPointer(start: p + head.lineStart, count: head.methodEnd - head.lineStart)
        if Self.equals(method, "CONNECT") {
            guard Self.isAuthority(UnsafeBufferPointer(start: p + start, count: length)) else {
                throw HTTPParseError(.badRequest, "CONNECT needs an authority-form target (host:port)")
            }
            return
        }
        let first = p[start]
        if first == HTTPByteClass.slash { return }
        if first == HTTPByteClass.asterisk && length == 1 {
            guard Self.equals(method, "OPTIONS") else {
                throw HTTPParseError(.badRequest, "the asterisk-form target is only for OPTIONS")
            }
            return
        }
        let target = UnsafeBufferPointer(start: p + start, count: length)
        if Self.hasPrefixLowercased(target, "http://") && length > 7 { return }
        if Self.hasPrefixLowercased(target, "https://") && length > 8 { return }
        throw HTTPParseError(.badRequest, "invalid request target form")
    }

    /// `host ":" port` with a non-empty host of Host characters and a decimal port.
    static func isAuthority(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let colon = bytes.lastIndex(of: HTTPByteClass.colon), colon > 0, colon < bytes.count - 1 else {
            return false
        }
        for k in 0..<colon where !HTTPByteClass.isHost(bytes[k]) { return false }
        for k in (colon + 1)..<bytes.count where !HTTPByteClass.isDigit(bytes[k]) { return false }
        return true
    }

    /// Checks one complete field line of the head and records what it means for framing.
    private mutating func applyField(_ span: HTTPFieldSpan, _ p: UnsafePointer<UInt8>) throws(HTTPParseError) {
        typealias B = HTTPByteClass
        let name = UnsafeBufferPointer(start: p + span.nameStart, count: span.nameEnd - span.nameStart)
        let value = UnsafeBufferPointer(start: p + span.valueStart, count: span.valueEnd - span.valueStart)
        switch name.count {
        case 4 where Self.equalsLowercased(name, "host"):
            head.hostCount += 1
            guard head.hostCount == 1 else { throw HTTPParseError(.badRequest, "more than one Host") }
            guard !value.isEmpty, value.allSatisfy(B.isHost) else {
                throw HTTPParseError(.badRequest, "invalid Host")
            }

        case 6 where Self.equalsLowercased(name, "expect"):
            if Self.equalsLowercased(value, "100-continue") { head.expectContinue = true }

        case 10 where Self.equalsLowercased(name, "connection"):
            Self.forEachListElement(value) { element in
                if Self.equalsLowercased(element, "close") { head.connectionClose = true }
                if Self.equalsLowercased(element, "keep-alive") { head.connectionKeepAlive = true }
            }

        case 14 where Self.equalsLowercased(name, "content_length"),
            17 where Self.equalsLowercased(name, "transfer_encoding"):
            // Not the framing fields, but read as them by gateways that map "_" to "-": a smuggling probe.
            throw HTTPParseError(.badRequest, "framing field name spelled with an underscore")

        case 14 where Self.equalsLowercased(name, "content-length"):
            guard !head.transferEncoding else {
                throw HTTPParseError(.badRequest, "both Transfer-Encoding and Content-Length")
            }
            guard head.contentLength == nil else {
                throw HTTPParseError(.badRequest, "more than one Content-Length")
            }
            guard !value.isEmpty else { throw HTTPParseError(.badRequest, "empty Content-Length") }
            var length = 0
            for c in value {
                guard B.isDigit(c) else {
                    throw HTTPParseError(.badRequest, "Content-Length is not a decimal number")
                }
                let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(c &- 0x30))
                guard !overflow1 && !overflow2 else {
                    throw HTTPParseError(.badRequest, "Content-Length out of range")
                }
                length = sum
            }
            head.contentLength = length

        case 17 where Self.equalsLowercased(name, "transfer-encoding"):
            guard head.version == .http11 else {
                throw HTTPParseError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request")
            }
            guard head.contentLength == nil else {
                throw HTTPParseError(.badRequest, "both Transfer-Encoding and Content-Length")
            }
            head.transferEncoding = true
            try applyTransferCodings(value)

        default:
            break
        }
    }

    /// `Transfer-Encoding = #transfer-coding`, strictly: every element a bare token (no parameters,
    /// no empty elements), OWS only around commas, `chunked` at most once and nothing after it.
    private mutating func applyTransferCodings(_ value: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        typealias B = HTTPByteClass
        let invalid = HTTPParseError(.badRequest, "invalid Transfer-Encoding")
        var k = 0
        let end = value.count
        while true {
            let start = k
            while k < end && B.isToken(value[k]) { k += 1 }
            guard k > start else { throw invalid }
            let coding = UnsafeBufferPointer(rebasing: value[start..<k])
            if Self.equalsLowercased(coding, "chunked") {
                guard !head.chunkedSeen else { throw HTTPParseError(.badRequest, "chunked applied more than once") }
                head.chunkedSeen = true
            } else {
                guard !head.chunkedSeen else {
                    throw HTTPParseError(.badRequest, "chunked is not the final transfer coding")
                }
                head.otherCodingSeen = true
            }
            while k < end && B.isOWS(value[k]) { k += 1 }
            if k == end { return }
            guard value[k] == B.comma else { throw invalid }
            k += 1
            while k < end && B.isOWS(value[k]) { k += 1 }
        }
    }

    /// The checks that need the whole head, then the head itself.
    private mutating func finishHead(_ p: UnsafePointer<UInt8>) throws(HTTPParseError) -> HTTPRequestHead {
        if head.version == .http11 && requiresHost && head.hostCount == 0 {
            throw HTTPParseError(.badRequest, "missing Host")
        }
        let framing: HTTPBodyFraming
        if head.transferEncoding {
            guard head.chunkedSeen else {
                throw HTTPParseError(.badRequest, "the final transfer coding is not chunked")
            }
            guard !head.otherCodingSeen else {
                throw HTTPParseError(.notImplemented, "transfer codings other than chunked are not supported")
            }
            framing = .chunked
        } else if let length = head.contentLength {
            guard length <= limits.maxBodyBytes else {
                throw HTTPParseError(.contentTooLarge, "request body too large")
            }
            framing = length == 0 ? .none : .contentLength(length)
        } else {
            framing = .none
        }

        let keepAlive = head.version == .http11
            ? !head.connectionClose
            : head.connectionKeepAlive && !head.connectionClose
        let requestHead = HTTPRequestHead(
            method: Self.method(UnsafeBufferPointer(start: p + head.lineStart, count: head.methodEnd - head.lineStart)),
            target: String(decoding: UnsafeBufferPointer(start: p + head.targetStart, count: head.targetEnd - head.targetStart), as: UTF8.self),
            version: head.version,
            headers: HTTPHeaders(Self.fields(head.spans, in: p)),
            framing: framing,
            keepAlive: keepAlive,
            expectsContinue: head.version == .http11 && head.expectContinue)

        trailers = HTTPHeaders()
        switch framing {
        case .none: phase = .endPending
        case .contentLength(let length): phase = .fixedBody(length)
        case .chunked: phase = .chunked
        }
        head.reset()
        return requestHead
    }
}

// MARK: - Strings from bytes, and byte comparisons

extension HTTPRequestParser {
    static func fields(_ spans: [HTTPFieldSpan], in p: UnsafePointer<UInt8>) -> [HTTPHeaders.Field] {
        var fields: [HTTPHeaders.Field] = []
        fields.reserveCapacity(spans.count)
        for span in spans {
            let name = UnsafeBufferPointer(start: p + span.nameStart, count: span.nameEnd - span.nameStart)
            let value = UnsafeBufferPointer(start: p + span.valueStart, count: span.valueEnd - span.valueStart)
            fields.append((name: fieldName(name), value: String(decoding: value, as: UTF8.self)))
        }
        return fields
    }

    /// Common field names as shared strings (names up to 15 bytes are stored inline by String anyway).
    private static func fieldName(_ name: UnsafeBufferPointer<UInt8>) -> String {
        switch name.count {
        case 15:
            if equals(name, "Accept-Encoding") { return "Accept-Encoding" }
            if equals(name, "Accept-Language") { return "Accept-Language" }
        case 16:
            if equals(name, "Content-Encoding") { return "Content-Encoding" }
        case 17:
            if equals(name, "Transfer-Encoding") { return "Transfer-Encoding" }
            if equals(name, "If-Modified-Since") { return "If-Modified-Since" }
        case 19:
            if equals(name, "Content-Disposition") { return "Content-Disposition" }
        default:
            break
        }
        return String(decoding: name, as: UTF8.self)
    }

    static func method(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if equals(bytes, "GET") { return .get }
            if equals(bytes, "PUT") { return .put }
        case 4:
            if equals(bytes, "POST") { return .post }
            if equals(bytes, "HEAD") { return .head }
        case 5:
            if equals(bytes, "PATCH") { return .patch }
            if equals(bytes, "TRACE") { return .trace }
        case 6:
            if equals(bytes, "DELETE") { return .delete }
        case 7:
            if equals(bytes, "OPTIONS") { return .options }
            if equals(bytes, "CONNECT") { return .connect }
        default:
            break
        }
        return HTTPMethod(String(decoding: bytes, as: UTF8.self))
    }

    /// Byte-exact equality with an ASCII literal.
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for k in 0..<bytes.count where bytes[k] != l[k] { return false }
        return true
    }

    /// ASCII case-insensitive equality with a lower-case literal.
    static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        return hasPrefixLowercased(bytes, literal)
    }

    static func hasPrefixLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count >= literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for k in 0..<literal.utf8CodeUnitCount where HTTPByteClass.lower(bytes[k]) != l[k] { return false }
        return true
    }

    /// Calls `body` with each non-empty element of a comma-separated list, OWS trimmed.
    static func forEachListElement(
        _ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var k = 0
        while k < value.count {
            var start = k
            while k < value.count && value[k] != HTTPByteClass.comma { k += 1 }
            var end = k
            while start < end && HTTPByteClass.isOWS(value[start]) { start += 1 }
            while end > start && HTTPByteClass.isOWS(value[end - 1]) { end -= 1 }
            if end > start { body(UnsafeBufferPointer(rebasing: value[start..<end])) }
            k += 1
        }
    }
}
