import XCTest
@testable import HTTPCore

/// What came out of the parser, with body bytes copied out and adjacent body pieces joined, so that
/// the same input split differently can be compared.
enum Collected: Equatable, CustomStringConvertible {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end

    var description: String {
        switch self {
        case .head(let head): "head(\(head.method) \(head.target) \(head.version))"
        case .body(let bytes): "body(\(String(decoding: bytes, as: UTF8.self).debugDescription))"
        case .end: "end"
        }
    }
}

struct FeedResult {
    var events: [Collected] = []
    var error: HTTPParseError?
    /// Bytes left unconsumed in the buffer when the input ran out.
    var leftover = 0
    /// Calls made to `parse`.
    var calls = 0
    /// Each request's field lines: its head's, then its trailers'.
    var messageFields: [[HTTPHeaders.Field]] = []

    var heads: [HTTPRequestHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    var completed: Int { events.filter { $0 == .end }.count }

    /// The body of the n-th request (joined).
    func body(_ n: Int) -> [UInt8] {
        var request = -1
        var bytes: [UInt8] = []
        for event in events {
            switch event {
            case .head: request += 1
            case .body(let piece) where request == n: bytes += piece
            default: break
            }
        }
        return bytes
    }
}

/// Bytes from a string whose scalars are all below 256 (so "\u{FF}" is the byte 0xFF).
func latin1(_ string: String) -> [UInt8] {
    string.unicodeScalars.map { scalar in
        precondition(scalar.value < 256, "not a byte: \(scalar)")
        return UInt8(scalar.value)
    }
}

/// Runs the caller's loop of the parser API over `input`, delivering it `piece` bytes at a time
/// (all at once when nil), and checks the API's invariants on every step.
func feed(
    _ input: [UInt8], piece: Int? = nil, limits: HTTPLimits = HTTPLimits(), requiresHost: Bool = true,
    file: StaticString = #filePath, line: UInt = #line
) -> FeedResult {
    var parser = HTTPRequestParser(limits: limits)
    parser.requiresHost = requiresHost
    var buffer: [UInt8] = []
    var delivered = 0
    var result = FeedResult()
    if piece == nil {
        buffer = input
        delivered = input.count
    }
    while true {
        result.calls += 1
        let outcome: Result<(HTTPRequestParser.Step, [UInt8]?), HTTPParseError> = buffer.withUnsafeBytes { raw in
            do throws(HTTPParseError) {
                let step = try parser.parse(raw)
                XCTAssert(step.consumed >= 0 && step.consumed <= raw.count, "consumed out of range", file: file, line: line)
                if case .body(let range)? = step.event {
                    XCTAssert(range.lowerBound >= 0 && range.upperBound <= raw.count, "body range outside", file: file, line: line)
                    XCTAssert(!range.isEmpty, "empty body event", file: file, line: line)
                    XCTAssert(range.upperBound <= step.consumed, "body range not consumed", file: file, line: line)
                    return .success((step, Array(raw[range])))
                }
                return .success((step, nil))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            result.error = error
            result.leftover = buffer.count
            return result
        case .success(let (step, bodyBytes)):
            buffer.removeFirst(step.consumed)
            switch step.event {
            case .head(let head)?:
                result.events.append(.head(head))
                result.messageFields.append(head.headers.fields)
            case .body?:
                if case .body(let previous)? = result.events.last {
                    result.events[result.events.count - 1] = .body(previous + bodyBytes!)
                } else {
                    result.events.append(.body(bodyBytes!))
                }
            case .end?:
                result.events.append(.end)
                if !result.messageFields.isEmpty {
                    result.messageFields[result.messageFields.count - 1] += parser.trailers.fields
                }
            case nil:
                if step.consumed == 0 {
                    guard delivered < input.count else {
                        result.leftover = buffer.count
                        return result
                    }
                    let next = min(input.count, delivered + (piece ?? input.count))
                    buffer += input[delivered..<next]
                    delivered = next
                }
            }
        }
        if result.calls > 10 * input.count + 1000 {
            XCTFail("parser does not make progress", file: file, line: line)
            return result
        }
    }
}
