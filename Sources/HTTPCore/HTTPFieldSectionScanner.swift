/// Where one field line lies in the caller's buffer: `name` and `value` are byte offsets, the value
/// already stripped of leading and trailing whitespace (OWS).
struct HTTPFieldSpan: Sendable, Equatable {
    var nameStart: Int
    var nameEnd: Int
    var valueStart: Int
    var valueEnd: Int
}

/// An incremental scanner for a field section (RFC 9112 §5: `*( field-line CRLF ) CRLF`), used for
/// the header section and for the trailer section of a chunked body. It resumes where the last call
/// stopped, so every byte is examined once however the input is split, and it enforces the size and
/// count limits while the section is still incomplete.
///
/// Offsets are positions in the buffer passed to `next`; the caller keeps the section's bytes in
/// place (or calls `rebase`) until the section is complete.
struct HTTPFieldSectionScanner: Sendable {
    enum Outcome: Equatable {
        /// A complete field line.
        case field(HTTPFieldSpan)
        /// The empty line that ends the section was found; the payload is the offset right after it.
        case end(Int)
        /// The bytes given end inside the section.
        case needMore
    }

    private enum State: UInt8, Sendable {
        case lineStart, name, valueStart, value, lineLF, endLF
    }

    private var state: State = .lineStart
    private(set) var sectionStart: Int
    private var scan: Int
    private var nameStart = 0
    private var nameEnd = 0
    private var valueStart = 0
    private var valueEnd = 0
    private(set) var fieldCount = 0
    private let maxBytes: Int
    private let maxCount: Int

    init(sectionStart: Int, maxBytes: Int, maxCount: Int) {
        self.sectionStart = sectionStart
        self.scan = sectionStart
        self.maxBytes = maxBytes
        self.maxCount = maxCount
    }

    /// How far the scan got: the caller's next buffer must hold at least this many bytes.
    var scanOffset: Int { scan }

    /// Shifts every stored offset after the caller dropped `delta` bytes from the buffer's front
    /// (all of them before `sectionStart`).
    mutating func rebase(by delta: Int) {
        sectionStart -= delta
        scan -= delta
        nameStart -= delta
        nameEnd -= delta
        valueStart -= delta
        valueEnd -= delta
    }

    /// Scans on from where the last call stopped. `p` holds `count` bytes.
    mutating func next(_ p: UnsafePointer<UInt8>, count: Int) throws(HTTPParseError) -> Outcome {
        typealias B = HTTPByteClass
        var i = scan
        defer { scan = i }
        while i < count {
            switch state {
            case .lineStart:
                let c = p[i]
                if c == B.cr {
                    state = .endLF
                    i += 1
                } else if B.isToken(c) {
                    guard fieldCount < maxCount else {
                        throw HTTPParseError(.requestHeaderFieldsTooLarge, "too many header fields")
                    }
                    nameStart = i
                    state = .name
                    i += 1
                } else if B.isOWS(c) {
                    throw HTTPParseError(.badRequest, "obsolete line folding or whitespace before a field name")
                } else if c == B.lf {
                    throw HTTPParseError(.badRequest, "bare LF in the field section")
                } else {
                    throw HTTPParseError(.badRequest, "invalid character in a field name")
                }

            case .name:
                while i < count && B.isToken(p[i]) { i += 1 }
                try checkSize(i)
                guard i < count else { return .needMore }
                let c = p[i]
                if c == B.colon {
                    nameEnd = i
                    i += 1
                    state = .valueStart
                } else if B.isOWS(c) {
                    throw HTTPParseError(.badRequest, "whitespace between a field name and the colon")
                } else if c == B.cr || c == B.lf {
                    throw HTTPParseError(.badRequest, "field line without a colon")
                } else {
                    throw HTTPParseError(.badRequest, "invalid character in a field name")
                }

            case .valueStart:
                while i < count && B.isOWS(p[i]) { i += 1 }
                try checkSize(i)
                guard i < count else { return .needMore }
                valueStart = i
                state = .value

            case .value:
                while i < count && B.isFieldValue(p[i]) { i += 1 }
                try checkSize(i)
                guard i < count else { return .needMore }
                let c = p[i]
                guard c == B.cr else {
                    if c == B.lf { throw HTTPParseError(.badRequest, "bare LF in the field section") }
                    throw HTTPParseError(.badRequest, "invalid character in a field value")
                }
                var end = i
                while end > valueStart && B.isOWS(p[end - 1]) { end -= 1 }
                valueEnd = end
                state = .lineLF
                i += 1

            case .lineLF:
                guard p[i] == B.lf else {
                    throw HTTPParseError(.badRequest, "bare CR in the field section")
                }
                i += 1
                try checkSize(i)
                state = .lineStart
                fieldCount += 1
                return .field(HTTPFieldSpan(
                    nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd))

            case .endLF:
                guard p[i] == B.lf else {
                    throw HTTPParseError(.badRequest, "bare CR in the field section")
                }
                i += 1
                return .end(i)
            }
        }
        return .needMore
    }

    @inline(__always)
    private func checkSize(_ i: Int) throws(HTTPParseError) {
        if i - sectionStart > maxBytes {
            throw HTTPParseError(.requestHeaderFieldsTooLarge, "field section too large")
        }
    }
}
