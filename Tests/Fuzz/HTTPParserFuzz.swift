// libFuzzer target for HTTPRequestParser, compiled together with Sources/HTTPCore/*.swift by plain
// swiftc (see Tests/Scripts/fuzz-http.sh); not a SwiftPM target.
//
// Each input is fed through the caller's loop of the parser API several ways: whole, split at a
// point derived from the input, and (for short inputs) one byte at a time, under the default limits
// and under small ones. It traps when an API invariant breaks (consumed beyond the bytes given, a
// body range outside them or not consumed, no progress) or when two splits of the same input give
// different events, bodies or error statuses.

/// What one feed produced, normalised so different splits compare equal.
private struct FuzzOutcome: Equatable {
    var heads: [HTTPRequestHead] = []
    var bodies: [[UInt8]] = []
    var ends = 0
    var errorStatus: Int?
}

private func fuzzCheck(_ condition: Bool, _ message: StaticString) {
    if !condition { fatalError("\(message)") }
}

/// The caller's loop: `pieces` gives the sizes in which the input arrives (the last one repeats).
private func run(_ input: UnsafeRawBufferPointer, limits: HTTPLimits, pieces: [Int]) -> FuzzOutcome {
    var parser = HTTPRequestParser(limits: limits)
    // Under the small limits, let requests without Host through so bodies get fuzzed more often.
    parser.requiresHost = limits == HTTPLimits()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(input.count)
    var delivered = 0
    var pieceIndex = 0
    var outcome = FuzzOutcome()
    var calls = 0
    while true {
        calls += 1
        fuzzCheck(calls <= 4 * input.count + 64, "parser makes no progress")
        let result: Result<(HTTPRequestParser.Step, [UInt8]), HTTPParseError> = buffer.withUnsafeBytes { raw in
            do throws(HTTPParseError) {
                let step = try parser.parse(raw)
                fuzzCheck(step.consumed >= 0 && step.consumed <= raw.count, "consumed outside the bytes given")
                if case .body(let range)? = step.event {
                    fuzzCheck(range.lowerBound >= 0 && range.upperBound <= raw.count, "body range outside the bytes given")
                    fuzzCheck(!range.isEmpty, "empty body range")
                    fuzzCheck(range.upperBound <= step.consumed, "body range not consumed")
                    return .success((step, Array(raw[range])))
                }
                return .success((step, []))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .failure(let error):
            fuzzCheck([400, 413, 414, 431, 501, 505].contains(error.status.code), "unexpected status")
            outcome.errorStatus = error.status.code
            // A failed parser stays failed.
            let again: HTTPParseError? = buffer.withUnsafeBytes { raw in
                do throws(HTTPParseError) { _ = try parser.parse(raw); return nil } catch { return error }
            }
            fuzzCheck(again == error, "parser did not stay failed")
            return outcome
        case .success(let (step, body)):
            buffer.removeFirst(step.consumed)
            switch step.event {
            case .head(let head)?:
                fuzzCheck(!head.method.rawValue.isEmpty && !head.target.isEmpty, "empty method or target")
                if case .contentLength(let n) = head.framing {
                    fuzzCheck(n > 0 && n <= limits.maxBodyBytes, "content length outside the limits")
                }
                outcome.heads.append(head)
                outcome.bodies.append([])
            case .body?:
                fuzzCheck(!outcome.bodies.isEmpty, "body before a head")
                outcome.bodies[outcome.bodies.count - 1] += body
            case .end?:
                outcome.ends += 1
                fuzzCheck(outcome.ends == outcome.heads.count, "end without a head")
            case nil:
                if step.consumed == 0 {
                    guard delivered < input.count else { return outcome }
                    let size = pieces[min(pieceIndex, pieces.count - 1)]
                    pieceIndex += 1
                    let next = min(input.count, delivered + max(1, size))
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[delivered..<next]))
                    delivered = next
                }
            }
        }
    }
}

private let smallLimits: HTTPLimits = {
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = 64
    limits.maxHeaderBytes = 128
    limits.maxHeaderCount = 4
    limits.maxBodyBytes = 256
    limits.maxChunkLineBytes = 16
    return limits
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let all = [max(size, 1)]
    // A split point and a piece size derived from the input's first bytes.
    let split = size > 0 ? Int(data[0]) % (size + 1) : 0
    let piece = size > 1 ? 1 + Int(data[1]) % 17 : 1

    for limits in [HTTPLimits(), smallLimits] {
        let whole = run(input, limits: limits, pieces: all)
        let halves = run(input, limits: limits, pieces: [max(split, 1), max(size, 1)])
        fuzzCheck(halves == whole, "split at one point differs from whole")
        let pieces = run(input, limits: limits, pieces: [piece])
        fuzzCheck(pieces == whole, "split into pieces differs from whole")
        if size <= 1024 {
            let bytewise = run(input, limits: limits, pieces: [1])
            fuzzCheck(bytewise == whole, "byte at a time differs from whole")
        }
    }
    return 0
}
