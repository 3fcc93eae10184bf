import Foundation
import XCTest
@testable import HTTPCore

/// The strict-mode request tests of nodejs/llhttp (converted to `../shared/conformance/http/llhttp_requests.jsonl`
/// relative to the repository root), replayed through our parser whole and one byte at a time.
///
/// How llhttp's outcomes map onto ours:
/// - `ok`: no error; exactly `messages_completed` requests end; methods, versions and field lines
///   (names and OWS-trimmed values, taken from the byte spans of llhttp's log) match.
/// - `incomplete`: no error and no request ends.
/// - `error`: we throw once all bytes are in, after exactly `messages_completed` requests.
/// - `error` "Pause on CONNECT/Upgrade" (and PRI): llhttp stops and hands the connection over after
///   `messages_completed` requests. We do not switch protocols, so we check those requests and ignore the rest.
/// - `error` "Data after `Connection: close`": llhttp refuses bytes after a non-persistent request.
///   For us that is the server's job (it closes after answering), so we check the requests up to there
///   and that the last one has `keepAlive == false`.
///
/// The Host rule (RFC 9112 §3.2) is off for these cases: most llhttp requests carry no Host, and
/// llhttp leaves that rule to the server. Our own tests cover it.
///
/// The converter (`tools/llhttp_to_jsonl.py`) strips a trailing newline twice where llhttp's
/// `md-test.ts` strips it once (Python's `\n$` also matches before a final newline), so a test whose
/// markdown block ends with an empty line lost its final CRLF. We restore it when llhttp's log refers
/// to bytes beyond the end of `raw`, and for every `error` case (where an extra CRLF after the error
/// point changes nothing but lets line-based checks see the line end llhttp saw).
final class LLHTTPConformanceTests: XCTestCase {
    enum Ours {
        case completes(Int)
        case rejects(Int)
    }

    /// Cases we decide differently from llhttp, on purpose.
    static let exclusions: [String: (reason: String, ours: Ours)] = [
        "llhttp/invalid#3": ("ANNOUNCE is an RTSP method to llhttp; to us any token is a method (RFC 9110 §9.1), the router answers 501", .completes(1)),
        "llhttp/invalid#13": ("MKCOLA is unknown to llhttp; to us any token is a method (RFC 9110 §9.1)", .completes(1)),
        "llhttp/method#4": ("M-SEARCH * (SSDP): the asterisk-form is only for OPTIONS (RFC 9112 §3.2.4)", .rejects(400)),
        "llhttp/method#11": ("ICE/1.0 is not HTTP", .rejects(400)),
        "llhttp/method#12": ("RTSP/1.0 is not HTTP", .rejects(400)),
        "llhttp/method#13": ("RTSP/1.0 is not HTTP", .rejects(400)),
        "llhttp/sample#9": ("HTTP/0.9 request line without a version: not HTTP/1.x (Http11Probe RFC9112-2.3-HTTP09-REQUEST wants 400)", .rejects(400)),
        "llhttp/transfer-encoding#19": ("target with a fragment (#hey): RFC 9112 §3.2 request-targets have none, 400; and deflate before chunked would be 501 (we implement no other coding, RFC 9112 §6.1)", .rejects(400)),
        "llhttp/transfer-encoding#20": ("as #19: fragment in the target (400); deflate then chunked would be 501", .rejects(400)),
        "llhttp/uri#7": ("target with a fragment (#posts-17408): RFC 9112 §3.2 request-targets have none (Http11Probe RFC9112-3.2-FRAGMENT-IN-TARGET prefers 400)", .rejects(400)),
    ]

    struct Case: Decodable {
        var id: String
        var title: String?
        var raw: String
        var outcome: String
        var error_reason: String?
        var messages_completed: Int
        var methods: [String]
        var versions: [String]
        var log: [String]
    }

    static func casesFile() -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/conformance/http/llhttp_requests.jsonl")
            .standardizedFileURL
    }

    func loadCases() throws -> [Case] {
        let url = Self.casesFile()
        guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path) else {
            throw XCTSkip("conformance material not present at \(url.deletingLastPathComponent().path)")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Case.self, from: Data($0.utf8)) }
    }

    /// llhttp's input bytes: md-test feeds the test text as UTF-8.
    static func input(of testCase: Case) -> [UInt8] {
        var bytes = Array(testCase.raw.utf8)
        let offsets = testCase.log.compactMap { line -> Int? in
            guard line.hasPrefix("off="), let end = line.firstIndex(of: " ") else { return nil }
            return Int(line[line.index(line.startIndex, offsetBy: 4)..<end])
        }
        if testCase.outcome == "error" || (offsets.max() ?? 0) > bytes.count {
            bytes += [0x0D, 0x0A]
        }
        return bytes
    }

    /// The field lines llhttp reported for its first `messages` messages, read from the input at the
    /// offsets of the log's spans, values trimmed of OWS as ours are.
    static func expectedFields(of testCase: Case, input: [UInt8], messages: Int) -> [[String]] {
        var fields: [[String]] = []
        var completed = 0
        for line in testCase.log {
            if line.hasSuffix("message complete") { completed += 1 }
            if completed >= messages { break }
            let isName = line.contains("span[header_field]")
            let isValue = line.contains("span[header_value]")
            guard isName || isValue else { continue }
            let parts = line.split(separator: " ")
            guard let off = Int(parts[0].dropFirst(4)), let len = Int(parts[1].dropFirst(4)) else { continue }
            var bytes = ArraySlice(input[off..<min(off + len, input.count)])
            while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            let text = String(decoding: bytes, as: UTF8.self)
            if isName { fields.append([text]) } else if !fields.isEmpty { fields[fields.count - 1].append(text) }
        }
        return fields
    }

    func testLLHTTPStrictRequestCases() throws {
        let cases = try loadCases()
        XCTAssertGreaterThanOrEqual(cases.count, 100)
        var checked = 0
        var excluded = 0
        for testCase in cases {
            let bytes = Self.input(of: testCase)
            let whole = feedCollectingFields(bytes)
            let bytewise = feedCollectingFields(bytes, piece: 1)
            XCTAssertEqual(whole.result.events, bytewise.result.events, "\(testCase.id): whole vs byte-at-a-time")
            XCTAssertEqual(whole.result.error?.status, bytewise.result.error?.status, "\(testCase.id): whole vs byte-at-a-time")
            let result = whole.result

            if let exclusion = Self.exclusions[testCase.id] {
                excluded += 1
                switch exclusion.ours {
                case .completes(let n):
                    XCTAssertNil(result.error, "\(testCase.id) (excluded: \(exclusion.reason))")
                    XCTAssertEqual(result.completed, n, "\(testCase.id) (excluded: \(exclusion.reason))")
                case .rejects(let status):
                    XCTAssertEqual(result.error?.status.code, status, "\(testCase.id) (excluded: \(exclusion.reason))")
                }
                continue
            }
            checked += 1

            let n = testCase.messages_completed
            let reason = testCase.error_reason ?? ""
            let context = "\(testCase.id) \(testCase.title ?? "") [\(testCase.outcome) \(reason)] \(String(decoding: bytes.prefix(120), as: UTF8.self).debugDescription)"
            var comparedMessages = result.heads.count
            switch testCase.outcome {
            case "ok":
                XCTAssertNil(result.error, "\(context): \(result.error?.description ?? "")")
                XCTAssertEqual(result.completed, n, context)
            case "incomplete":
                XCTAssertNil(result.error, "\(context): \(result.error?.description ?? "")")
                XCTAssertEqual(result.completed, 0, context)
            case "error" where reason.hasPrefix("Pause on"):
                XCTAssertGreaterThanOrEqual(result.completed, n, "\(context): \(result.error?.description ?? "")")
                comparedMessages = n
            case "error" where reason == "Data after `Connection: close`":
                XCTAssertGreaterThanOrEqual(result.completed, n, "\(context): \(result.error?.description ?? "")")
                if result.heads.count >= n && n > 0 {
                    XCTAssertFalse(result.heads[n - 1].keepAlive, context)
                }
                comparedMessages = n
            case "error":
                XCTAssertNotNil(result.error, context)
                XCTAssertEqual(result.completed, n, "\(context): \(result.error?.description ?? "")")
                comparedMessages = n
            default:
                XCTFail("\(context): unknown outcome")
            }

            let heads = Array(result.heads.prefix(comparedMessages))
            XCTAssertEqual(heads.map(\.method.rawValue), Array(testCase.methods.prefix(heads.count)), "\(context): methods")
            XCTAssertEqual(heads.map { $0.version == .http10 ? "1.0" : "1.1" }, Array(testCase.versions.prefix(heads.count)), "\(context): versions")
            let expected = Self.expectedFields(of: testCase, input: bytes, messages: comparedMessages)
            let ours = whole.fields.prefix(comparedMessages).flatMap { $0 }.map { [$0.name, $0.value] }
            XCTAssertEqual(ours, expected, "\(context): field lines")
        }
        XCTAssertEqual(excluded, Self.exclusions.count, "every exclusion names an existing case")
        print("llhttp strict request cases: \(cases.count) total, \(checked) checked, \(excluded) excluded")
    }

    /// `feed`, plus each request's field lines (head fields, then trailer fields) in order.
    func feedCollectingFields(_ bytes: [UInt8], piece: Int? = nil) -> (result: FeedResult, fields: [[HTTPHeaders.Field]]) {
        let result = feed(bytes, piece: piece, requiresHost: false)
        return (result, result.messageFields)
    }
}
