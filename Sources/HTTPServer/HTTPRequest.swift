import HTTPCore

/// A complete request as a handler sees it: the parsed head, its body as chosen by the handler's
/// `HTTPBodyPolicy`, and the connection it came on.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: HTTPRequestBody
    public var connection: ConnectionInfo

    public init(head: HTTPRequestHead, body: HTTPRequestBody, connection: ConnectionInfo) {
        self.head = head
        self.body = body
        self.connection = connection
    }

    public var method: HTTPMethod { head.method }
    public var headers: HTTPHeaders { head.headers }
    public var path: Substring { head.path }

    /// The collected body bytes; empty for streamed or absent bodies.
    public var bodyBytes: [UInt8] {
        if case .collected(let bytes) = body { return bytes }
        return []
    }
}

/// How the body reached the handler.
public enum HTTPRequestBody: Sendable {
    /// The whole body, in memory (at most the policy's limit).
    case collected([UInt8])
    /// The body went, piece by piece, into this sink; it holds whatever the sink made of it.
    case streamed(any HTTPBodySink)
    /// Receiving the body failed (the sink threw, or the collect limit was exceeded). The handler
    /// answers with the error; the server then closes the connection, since the rest of the body
    /// was not read.
    case failed(any Error)
}
