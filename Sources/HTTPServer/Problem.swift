import HTTPCore

/// An error that is meant for the client: it becomes an RFC 9457 problem response in the
/// router's one error-mapping place. Application errors either are a `Problem` or convert to one.
public struct Problem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    public var type: String
    public var title: String
    public var detail: String?
    /// Extra members, each already encoded as a JSON value.
    public var extensions: [(String, String)]
    public var headers: HTTPHeaders

    public init(
        status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        extensions: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.status = status
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public var description: String { "\(status.code) \(title)" + (detail.map { ": \($0)" } ?? "") }
}

/// An error type that knows which problem it is.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}
