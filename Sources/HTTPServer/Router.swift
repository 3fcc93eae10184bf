import Glibc
import HTTPCore
import Synchronization

/// Routes requests by method and path pattern (`/api/v1/klagesaker/{id}`), answers 404 and
/// 405 (with Allow) itself, and is the one place where thrown errors become RFC 9457 problem
/// responses. Built once at start-up, then immutable.
public struct Router: HTTPHandler {
    /// A handler that answers at once on the event loop: it must not block.
    public typealias SyncHandler = @Sendable (HTTPRequest, RouteContext) throws -> HTTPResponse
    /// A handler that may wait (database, disk); it runs as a task off the event loop.
    public typealias AsyncHandler = @Sendable (HTTPRequest, RouteContext) async throws -> HTTPResponse
    /// Makes the sink for a streamed body once the head is known; throwing refuses the request.
    public typealias SinkFactory = @Sendable (HTTPRequestHead, ConnectionInfo) throws -> any HTTPBodySink

    /// How a route receives its body.
    public enum BodyHandling: Sendable {
        /// In memory, up to this many bytes (413 beyond).
        case collect(maxBytes: Int)
        /// Streamed into a sink made per request.
        case stream(SinkFactory)
    }

    enum Handler: Sendable {
        case sync(SyncHandler)
        case async(AsyncHandler)
    }

    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: RoutePattern
        var body: BodyHandling
        var handler: Handler
    }

    private var routes: [Route] = []
    private let correlationIDs = CorrelationIDGenerator()
    /// The body handling of routes that do not name one.
    public var defaultBody: BodyHandling = .collect(maxBytes: 1024 * 1024)
    /// Receives every error that was not a `ProblemConvertible`, with its correlation id, before
    /// it is answered as a 500 without detail.
    public var onUnexpectedError: @Sendable (any Error, String) -> Void = { _, _ in }

    public init() {}

    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, body: BodyHandling? = nil, _ handler: @escaping SyncHandler
    ) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), body: body ?? defaultBody, handler: .sync(handler)))
    }

    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, body: BodyHandling? = nil, async handler: @escaping AsyncHandler
    ) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), body: body ?? defaultBody, handler: .async(handler)))
    }

    // MARK: HTTPHandler

    public func bodyPolicy(for head: HTTPRequestHead, connection: ConnectionInfo) -> HTTPBodyPolicy {
        switch match(head) {
        case .found(let route, _):
            switch route.body {
            case .collect(let maxBytes):
                return .collect(maxBytes: maxBytes)
            case .stream(let makeSink):
                do {
                    return .stream(try makeSink(head, connection))
                } catch {
                    let correlationID = correlationID(for: head)
                    return .reject(respond(to: error, correlationID: correlationID))
                }
            }
        case .notFound, .methodNotAllowed, .options:
            // Answered in `handle`; a body, if any, is read and dropped (bounded by this limit).
            return .collect(maxBytes: 64 * 1024)
        }
    }

    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let correlationID = correlationID(for: request.head)
        switch match(request.head) {
        case .notFound:
            responder.respond(
                respond(to: Problem(status: .notFound, detail: "No resource at \(request.path)."), correlationID: correlationID))
        case .methodNotAllowed(let allowed):
            var headers = HTTPHeaders()
            headers.add("Allow", allowed)
            let problem = Problem(
                status: .methodNotAllowed, detail: "\(request.method) is not allowed here; allowed: \(allowed).",
                headers: headers)
            responder.respond(respond(to: problem, correlationID: correlationID))
        case .options(let allowed):
            var response = HTTPResponse(status: .noContent)
            response.headers.add("Allow", allowed)
            response.headers.add("X-Correlation-ID", correlationID)
            responder.respond(response)
        case .found(let route, let parameters):
            let context = RouteContext(parameters: parameters, correlationID: correlationID)
            if case .failed(let error) = request.body {
                responder.respond(respond(to: error, correlationID: correlationID))
                return
            }
            switch route.handler {
            case .sync(let handler):
                do {
                    var response = try handler(request, context)
                    response.headers.add("X-Correlation-ID", correlationID)
                    responder.respond(response)
                } catch {
                    responder.respond(respond(to: error, correlationID: correlationID))
                }
            case .async(let handler):
                Task {
                    do {
                        var response = try await handler(request, context)
                        response.headers.add("X-Correlation-ID", correlationID)
                        responder.respond(response)
                    } catch {
                        responder.respond(respond(to: error, correlationID: correlationID))
                    }
                }
            }
        }
    }

    // MARK: Errors

    /// The one place where an error becomes a response.
    public func respond(to error: any Error, correlationID: String) -> HTTPResponse {
        var problem: Problem
        if let convertible = error as? any ProblemConvertible {
            problem = convertible.problem
        } else if let tooLarge = error as? BodyTooLarge {
            problem = Problem(status: .contentTooLarge, detail: tooLarge.description)
        } else {
            onUnexpectedError(error, correlationID)
            problem = Problem(
                status: .internalServerError,
                detail: "The server could not complete the request. Quote the correlation id when reporting it.")
        }
        problem.extensions.append(("correlationId", JSONText.quoted(correlationID)))
        problem.headers.add("X-Correlation-ID", correlationID)
        return ProblemResponse.make(
            status: problem.status, type: problem.type, title: problem.title, detail: problem.detail,
            extensions: problem.extensions, headers: problem.headers)
    }

    /// The caller's `X-Correlation-ID` when it is a sane token, otherwise a new one.
    func correlationID(for head: HTTPRequestHead) -> String {
        if let given = head.headers["X-Correlation-ID"], !given.isEmpty, given.utf8.count <= 64,
            given.utf8.allSatisfy({ Self.isCorrelationByte($0) })
        {
            return given
        }
        return correlationIDs.next()
    }

    private static func isCorrelationByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }

    // MARK: Matching

    enum Match {
        case found(Route, PathParameters)
        case notFound
        case methodNotAllowed(allowed: String)
        case options(allowed: String)
    }

    func match(_ head: HTTPRequestHead) -> Match {
        // Fast path: most requests name a literal route exactly; no splitting, no allocation.
        let path = head.path
        for route in routes where route.method == head.method {
            if let literal = route.pattern.literalPath, RoutePattern.sameBytes(path, literal) {
                return .found(route, PathParameters())
            }
        }
        let segments = RoutePattern.segments(of: path)
        var allowed: [HTTPMethod] = []
        var headFallback: (Route, PathParameters)?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.method == head.method { return .found(route, parameters) }
            if head.method == .head && route.method == .get { headFallback = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = headFallback { return .found(route, parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        allowed.append(.options)
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return head.method == .options ? .options(allowed: list) : .methodNotAllowed(allowed: list)
    }
}

/// Correlation ids that are unique across restarts without a random draw per request: a random
/// prefix chosen once, then a sequence number.
final class CorrelationIDGenerator: Sendable {
    private let prefix: String
    private let sequence = Atomic<UInt64>(0)

    init() {
        var generator = SystemRandomNumberGenerator()
        let random = generator.next() as UInt64
        let digits = String(random, radix: 16)
        prefix = String(repeating: "0", count: 16 - digits.count) + digits + "-"
    }

    func next() -> String {
        prefix + String(sequence.add(1, ordering: .relaxed).newValue, radix: 16)
    }
}

/// What the router found for a request: its path parameters and its correlation id.
public struct RouteContext: Sendable {
    public var parameters: PathParameters
    /// Carried by the response (`X-Correlation-ID`) and by every problem body.
    public var correlationID: String
}

/// Path parameters by name, percent-decoded.
public struct PathParameters: Sendable {
    var values: [(String, String)] = []

    public subscript(name: String) -> String? {
        values.first { $0.0 == name }?.1
    }
}

/// A path pattern of literal segments and `{name}` parameters.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    /// The whole path when the pattern has no parameters, for an exact comparison.
    let literalPath: String?

    init(_ pattern: String) {
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        let literals = segments.compactMap { segment -> String? in
            if case .literal(let text) = segment { return text }
            return nil
        }
        literalPath = literals.count == segments.count ? "/" + literals.joined(separator: "/") : nil
    }

    /// Split on the bytes: "/" is ASCII, and splitting Characters costs grapheme breaking per byte.
    static func segments(of path: Substring) -> [Substring] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Substring($0) }
    }

    /// Byte equality of a piece of the request path and a route's text. The generic
    /// `elementsEqual` of two UTF-8 views walks them by index, and profiles of the status read
    /// showed it near the top (every request is compared with every route until one matches);
    /// both are contiguous UTF-8 here, so this is one length test and a `memcmp`.
    @inline(__always)
    static func sameBytes(_ piece: Substring, _ text: String) -> Bool {
        let a = piece.utf8
        let b = text.utf8
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        let compared = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
        return compared.flatMap { $0 } ?? a.elementsEqual(b)
    }

    func match(_ path: [Substring]) -> PathParameters? {
        guard path.count == segments.count else { return nil }
        // Literals first, byte for byte: most routes a path is tried against differ in a literal, and
        // must be rejected before any parameter is decoded into a new string.
        for (segment, part) in zip(segments, path) {
            if case .literal(let literal) = segment, !Self.sameBytes(part, literal) { return nil }
        }
        var parameters = PathParameters()
        for (segment, part) in zip(segments, path) {
            guard case .parameter(let name) = segment else { continue }
            guard let decoded = PercentDecoding.decode(part), !decoded.isEmpty else { return nil }
            parameters.values.append((name, decoded))
        }
        return parameters
    }
}

enum PercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    static func decode(_ text: Substring) -> String? {
        guard text.utf8.contains(0x25) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
