/// An incremental, strict HTTP/1.1 request parser (RFC 9112). It holds no buffer of its own:
/// the caller keeps the received bytes and hands over the unconsumed part on every call.
///
/// The caller's loop:
///
///     while true {
///         let step = try parser.parse(unconsumed)   // on throw: answer error.status, then close
///         drop step.consumed bytes from the front of the buffer
///         handle step.event (.head, .body(range into the bytes just passed), .end)
///         if step.event == nil && step.consumed == 0 { read more bytes }
///     }
///
/// Between calls the bytes passed must start with the bytes not yet consumed, unchanged, with new
/// bytes appended after them: the parser resumes scanning where it stopped (a head arriving one byte
/// at a time costs linear time), and a request head is consumed only as a whole, with its `.head`.
///
/// What it enforces, and with which status (`HTTPParseError.status`):
/// - 400: request-line and field syntax (single SP, token method, CRLF only: a bare CR or LF is an
///   error, no obs-fold, no whitespace before the colon, no CTL in values), target forms (origin,
///   absolute `http(s)://`, `*` only for OPTIONS, authority only for CONNECT; visible ASCII, no
///   fragment), Host (exactly one on HTTP/1.1, well-formed), Content-Length (`1*DIGIT`, at most one,
///   never with Transfer-Encoding), Transfer-Encoding (no HTTP/1.0, `chunked` once and last),
///   `Content_Length`/`Transfer_Encoding` names, chunked syntax, framing/routing/auth fields in trailers.
/// - 413: a Content-Length or a chunked body total above `maxBodyBytes`.
/// - 414: a request line longer than `maxRequestLineBytes`.
/// - 431: a header (or trailer) section above `maxHeaderBytes`, or more than `maxHeaderCount` fields.
/// - 501: a transfer coding other than `chunked` before a final `chunked` (e.g. `gzip, chunked`).
/// - 505: a well-formed version other than HTTP/1.x (HTTP/1.2 and up are read as HTTP/1.1, RFC 9112 §2.3).
/// After a throw the parser stays failed: every later call throws the same error.
public struct HTTPRequestParser: Sendable {
    /// What one call found.
    public enum Event: Sendable, Equatable {
        /// A complete request head.
        case head(HTTPRequestHead)
        /// Body bytes: this range of the buffer passed to `parse` (already de-chunked).
        case body(Range<Int>)
        /// The request (head and body) is complete; the parser is ready for the next one.
        case end
    }

    public struct Step: Sendable, Equatable {
        /// The event found, or nil when nothing complete was found in the bytes given.
        public var event: Event?
        /// How many bytes from the start of the buffer were consumed and may be dropped.
        /// `event == nil && consumed == 0` means: more input is needed.
        public var consumed: Int

        public init(event: Event?, consumed: Int) {
            self.event = event
            self.consumed = consumed
        }

        static let needMore = Step(event: nil, consumed: 0)
    }

    public let limits: HTTPLimits

    /// The trailer fields that ended the last chunked body (RFC 9112 §7.1.2), syntax-checked like
    /// headers; empty otherwise. Set with that request's `.end`, cleared by the next `.head`.
    /// Never merge them into the head: they may name fields that are not allowed in trailers.
    public internal(set) var trailers = HTTPHeaders()

    /// RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host is a 400. Only tests that replay
    /// another parser's suite (whose requests mostly lack Host) turn this off.
    var requiresHost = true

    enum Phase: Sendable {
        case head
        /// The request has no more body: the next call returns `.end`.
        case endPending
        /// This many Content-Length body bytes are still to come.
        case fixedBody(Int)
        case chunked
    }

    var phase: Phase = .head
    var head = RequestHeadScan()
    var chunked = ChunkedBodyDecoder()
    var failure: HTTPParseError?

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Parses from the start of `bytes` (the unconsumed input). Throws on any syntax or framing
    /// error; the connection must then be answered with the error's status and closed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Step {
        if let failure { throw failure }
        do {
            return try parseStep(bytes)
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func parseStep(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Step {
        switch phase {
        case .endPending:
            resetForNextRequest()
            return Step(event: .end, consumed: 0)

        case .fixedBody(let remaining):
            let n = min(remaining, bytes.count)
            guard n > 0 else { return .needMore }
            phase = n == remaining ? .endPending : .fixedBody(remaining - n)
            return Step(event: .body(0..<n), consumed: n)

        case .head:
            guard let base = bytes.baseAddress, bytes.count > 0 else { return .needMore }
            return try parseHead(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)

        case .chunked:
            guard let base = bytes.baseAddress, bytes.count > 0 else { return .needMore }
            let p = base.assumingMemoryBound(to: UInt8.self)
            let outcome = try chunked.decode(p, count: bytes.count, limits: limits)
            switch outcome {
            case .body(let range):
                return Step(event: .body(range), consumed: range.upperBound)
            case .needMore(let consumed):
                return Step(event: nil, consumed: consumed)
            case .end(let consumed):
                if !chunked.trailerSpans.isEmpty {
                    trailers = HTTPHeaders(Self.fields(chunked.trailerSpans, in: p))
                }
                resetForNextRequest()
                return Step(event: .end, consumed: consumed)
            }
        }
    }

    /// Ready for the next request on the connection; buffers keep their capacity.
    mutating func resetForNextRequest() {
        phase = .head
        head.reset()
        chunked.reset()
    }
}
