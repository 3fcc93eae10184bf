import HTTPCore

/// The contract between the server and the application, kept small (like Go's `http.Handler`).
///
/// Both methods are called on the connection's event-loop queue. `handle` must not block that
/// queue: work that waits (disk sync, database) goes elsewhere and answers through the responder.
public protocol HTTPHandler: Sendable {
    /// Decides, once the head is read, how the request body is received.
    func bodyPolicy(for head: HTTPRequestHead, connection: ConnectionInfo) -> HTTPBodyPolicy

    /// Handles a complete request. Call `responder.respond` exactly once, from any thread.
    func handle(_ request: HTTPRequest, responder: HTTPResponder)
}

/// How the server receives a request body.
public enum HTTPBodyPolicy: Sendable {
    /// Keep the body in memory, refusing (413) one larger than `maxBytes`.
    case collect(maxBytes: Int)
    /// Hand the body to the sink as it arrives; it never sits whole in memory.
    case stream(any HTTPBodySink)
    /// Answer at once without reading the body (the connection closes if one was announced).
    case reject(HTTPResponse)
}

/// Receives a streamed request body. Called only on the connection's queue, one call at a time,
/// so an implementation may keep unsynchronised state if it documents that confinement.
public protocol HTTPBodySink: AnyObject, Sendable {
    /// The next bytes of the body. Throwing stops the upload; the error reaches the handler.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// The body ended completely. Throwing here also reaches the handler as a failed body.
    func finish() throws
}

/// Answers one request. Cheap to copy; answering twice is ignored.
public struct HTTPResponder: Sendable {
    let deliver: @Sendable (HTTPResponse) -> Void

    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.deliver = deliver
    }

    public func respond(_ response: HTTPResponse) {
        deliver(response)
    }
}
