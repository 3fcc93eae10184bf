/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), strict:
///
///     chunked-body = *chunk last-chunk trailer-section CRLF
///     chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///     chunk-size   = 1*HEXDIG                       (no sign, prefix or whitespace; overflow = 400)
///     chunk-ext    = *( ";" token [ "=" ( token / quoted-string ) ] )   (no whitespace at all)
///
/// Size lines (extensions included) are bounded by `maxChunkLineBytes`, the sum of chunk sizes by
/// `maxBodyBytes` (413), the trailer section like a header section. Bytes of size lines are consumed
/// as they are scanned; the trailer section is consumed only as a whole, so its fields can be kept.
struct ChunkedBodyDecoder: Sendable {
    enum Outcome: Equatable {
        /// Chunk data: this range of the buffer; everything up to its end is consumed.
        case body(Range<Int>)
        /// This many bytes were consumed (maybe none); the rest needs more input.
        case needMore(Int)
        /// The body ended (last chunk, trailers, final CRLF) with this many bytes consumed.
        case end(Int)
    }

    private enum State: UInt8, Sendable {
        case sizeStart, size, extNameStart, extName, extValueStart, extToken, extQuoted, extQuotedPair
        case extAfterQuoted, sizeLF, data, dataCR, dataLF, trailers
    }

    private var state: State = .sizeStart
    /// The chunk size being read, then the data bytes still to come.
    private var size = 0
    private var lineBytes = 0
    private var total = 0
    private var trailerScanner = HTTPFieldSectionScanner(sectionStart: 0, maxBytes: 0, maxCount: 0)
    private(set) var trailerSpans: [HTTPFieldSpan] = []

    mutating func reset() {
        state = .sizeStart
        size = 0
        lineBytes = 0
        total = 0
        trailerSpans.removeAll(keepingCapacity: true)
    }

    mutating func decode(
        _ p: UnsafePointer<UInt8>, count: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Outcome {
        typealias B = HTTPByteClass
        var i = 0
        while true {
            switch state {
            case .data:
                let n = min(size, count - i)
                guard n > 0 else { return .needMore(i) }
                size -= n
                if size == 0 { state = .dataCR }
                return .body(i..<(i + n))

            case .trailers:
                return try scanTrailers(p, count: count, limits: limits)

            default:
                guard i < count else { return .needMore(i) }
                let c = p[i]
                i += 1
                try step(c, limits: limits)
                if state == .trailers {
                    trailerScanner = HTTPFieldSectionScanner(
                        sectionStart: i, maxBytes: limits.maxHeaderBytes, maxCount: limits.maxHeaderCount)
                }
            }
        }
    }

    /// One byte of a size line, or of the CRLF after chunk data.
    @inline(__always)
    private mutating func step(_ c: UInt8, limits: HTTPLimits) throws(HTTPParseError) {
        typealias B = HTTPByteClass
        switch state {
        case .sizeStart, .size:
            if let digit = B.hexValue(c) {
                guard size <= Int.max >> 4 else { throw HTTPParseError(.badRequest, "chunk size out of range") }
                size = size << 4 | digit
                state = .size
            } else if state == .size && c == B.semicolon {
                state = .extNameStart
            } else if state == .size && c == B.cr {
                state = .sizeLF
                return
            } else {
                throw HTTPParseError(.badRequest, "invalid chunk size")
            }
        case .extNameStart:
            guard B.isToken(c) else { throw HTTPParseError(.badRequest, "invalid chunk extension") }
            state = .extName
        case .extName, .extToken:
            if B.isToken(c) {
                // stays
            } else if c == B.semicolon {
                state = .extNameStart
            } else if c == B.equals && state == .extName {
                state = .extValueStart
            } else if c == B.cr {
                state = .sizeLF
                return
            } else {
                throw HTTPParseError(.badRequest, "invalid chunk extension")
            }
        case .extValueStart:
            if c == B.dquote {
                state = .extQuoted
            } else if B.isToken(c) {
                state = .extToken
            } else {
                throw HTTPParseError(.badRequest, "invalid chunk extension value")
            }
        case .extQuoted:
            if c == B.dquote {
                state = .extAfterQuoted
            } else if c == B.backslash {
                state = .extQuotedPair
            } else if !B.isQuotedText(c) {
                throw HTTPParseError(.badRequest, "invalid chunk extension value")
            }
        case .extQuotedPair:
            guard B.isQuotedPair(c) else { throw HTTPParseError(.badRequest, "invalid chunk extension value") }
            state = .extQuoted
        case .extAfterQuoted:
            if c == B.semicolon {
                state = .extNameStart
            } else if c == B.cr {
                state = .sizeLF
                return
            } else {
                throw HTTPParseError(.badRequest, "invalid chunk extension")
            }
        case .sizeLF:
            guard c == B.lf else { throw HTTPParseError(.badRequest, "chunk size line not ended by CRLF") }
            lineBytes = 0
            if size == 0 {
                state = .trailers
            } else {
                guard size <= limits.maxBodyBytes - total else {
                    throw HTTPParseError(.contentTooLarge, "request body too large")
                }
                total += size
                state = .data
            }
            return
        case .dataCR:
            guard c == B.cr else { throw HTTPParseError(.badRequest, "chunk data not followed by CRLF") }
            state = .dataLF
            return
        case .dataLF:
            guard c == B.lf else { throw HTTPParseError(.badRequest, "chunk data not followed by CRLF") }
            state = .sizeStart
            return
        case .data, .trailers:
            return
        }
        // A byte of the size line proper (not its CRLF).
        lineBytes += 1
        guard lineBytes <= limits.maxChunkLineBytes else {
            throw HTTPParseError(.badRequest, "chunk size line too long")
        }
    }

    private mutating func scanTrailers(
        _ p: UnsafePointer<UInt8>, count: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Outcome {
        if trailerScanner.scanOffset > count {
            // The caller broke the contract (fewer bytes than it was told to keep): start the
            // section over rather than read out of bounds.
            trailerScanner = HTTPFieldSectionScanner(
                sectionStart: 0, maxBytes: limits.maxHeaderBytes, maxCount: limits.maxHeaderCount)
            trailerSpans.removeAll(keepingCapacity: true)
        }
        while true {
            switch try trailerScanner.next(p, count: count) {
            case .field(let span):
                let name = UnsafeBufferPointer(start: p + span.nameStart, count: span.nameEnd - span.nameStart)
                if Self.isProhibitedTrailer(name) {
                    throw HTTPParseError(.badRequest, "a trailer field that must be in the header section")
                }
                trailerSpans.append(span)
            case .end(let end):
                return .end(end)
            case .needMore:
                // Keep the trailer section in the caller's buffer: consume only what precedes it.
                let delta = trailerScanner.sectionStart
                if delta > 0 {
                    trailerScanner.rebase(by: delta)
                    for k in trailerSpans.indices {
                        trailerSpans[k].nameStart -= delta
                        trailerSpans[k].nameEnd -= delta
                        trailerSpans[k].valueStart -= delta
                        trailerSpans[k].valueEnd -= delta
                    }
                }
                return .needMore(delta)
            }
        }
    }

    /// Fields that RFC 9110 §6.5.1 says cannot work as trailers and whose presence there is a
    /// smuggling or spoofing probe: framing, routing, connection control, authentication. 400.
    /// (Content-Type and the like are kept: harmless since trailers are never merged into the head.)
    static func isProhibitedTrailer(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        typealias P = HTTPRequestParser
        switch name.count {
        case 4: return P.equalsLowercased(name, "host")
        case 7: return P.equalsLowercased(name, "trailer")
        case 10: return P.equalsLowercased(name, "connection")
        case 13: return P.equalsLowercased(name, "authorization")
        case 14: return P.equalsLowercased(name, "content-length")
        case 17: return P.equalsLowercased(name, "transfer-encoding")
        default: return false
        }
    }
}
