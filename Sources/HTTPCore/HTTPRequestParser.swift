/// An incremental, strict HTTP/1.1 request parser (RFC 9112). It holds no buffer of its own:
/// the caller keeps the received bytes and hands over the unconsumed part on every call.
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
    }

    public let limits: HTTPLimits

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Parses from the start of `bytes` (the unconsumed input). Throws on any syntax or framing
    /// error; the connection must then be answered with the error's status and closed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Step {
        fatalError("not yet implemented")
    }
}
