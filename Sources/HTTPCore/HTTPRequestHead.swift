/// How a request's body is delimited (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body at all (no Content-Length, no Transfer-Encoding, or Content-Length: 0).
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// A chunked body follows; its size is known only at its end.
    case chunked
}

/// A parsed request line and header section. Built only by `HTTPRequestParser`, so every value
/// here has already passed the RFC 9112 syntax and framing checks.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target exactly as sent (origin-form `/path?query`, asterisk-form `*`, absolute-form).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: HTTPBodyFraming
    /// Whether the connection may stay open after this exchange: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool
    /// The client sent `Expect: 100-continue` and waits for a 100 before sending its body.
    public var expectsContinue: Bool

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders,
        framing: HTTPBodyFraming, keepAlive: Bool, expectsContinue: Bool
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    /// The path of the target without the query (still percent-encoded). For the absolute-form
    /// (`http://host/path?q`, RFC 9112 §3.2.2) it is the path part; for `*` it is `*`.
    /// (Found on the bytes: every delimiter is ASCII, and a Character search costs grapheme breaking.)
    public var path: Substring {
        let bytes = target.utf8
        var start = bytes.startIndex
        if bytes.first != UInt8(ascii: "/"), let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[colon...].starts(with: "://".utf8)
        {
            let authority = bytes.index(colon, offsetBy: 3)
            guard let pathStart = bytes[authority...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }),
                bytes[pathStart] == UInt8(ascii: "/")
            else { return "/" }
            start = pathStart
        }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        return target[start..<end]
    }

    /// The query of the target without the `?`, or nil.
    public var query: Substring? {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: q)...]
    }
}
