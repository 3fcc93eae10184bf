/// Why a request could not be parsed, and the status to answer with. After any parse error the
/// framing of the connection can no longer be trusted: the server answers and closes.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400, 413, 414, 431, 501 or 505.
    public var status: HTTPStatus
    /// A short plain explanation, safe to show to the client.
    public var reason: String

    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.code): \(reason)" }
}
