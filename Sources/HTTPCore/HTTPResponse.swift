/// A response to send: status, header fields and content. The server adds Date, Content-Length or
/// Transfer-Encoding, and Connection itself (a handler's own copies of those are not sent);
/// handlers set the rest.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with bytes and their media type.
    public init(status: HTTPStatus, contentType: String, bytes: [UInt8], headers: HTTPHeaders = HTTPHeaders()) {
        var headers = headers
        headers.set("Content-Type", contentType)
        self.init(status: status, headers: headers, body: .bytes(bytes))
    }

    /// A response with UTF-8 text and its media type.
    public init(status: HTTPStatus, contentType: String, text: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.init(status: status, contentType: contentType, bytes: Array(text.utf8), headers: headers)
    }
}

/// Response content: nothing, bytes in memory, or a stream produced piece by piece (large files).
public enum HTTPResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    /// Content produced on demand. With a known length the response carries Content-Length,
    /// otherwise it is sent chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0).
    case stream(length: Int?, producer: any HTTPBodyProducer)

    /// The length when it is known before sending.
    public var knownLength: Int? {
        switch self {
        case .empty: 0
        case .bytes(let bytes): bytes.count
        case .stream(let length, _): length
        }
    }
}

/// Produces response content in pieces, so a large document never sits whole in memory.
/// The server calls `next` from one connection's queue at a time, only when the socket can take more.
public protocol HTTPBodyProducer: Sendable {
    /// Up to `maxBytes` of the next content, or nil at the end. An error closes the connection
    /// (the status line is already sent, so it cannot become an error response).
    func next(maxBytes: Int) throws -> [UInt8]?
}
