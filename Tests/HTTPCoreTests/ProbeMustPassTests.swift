import Foundation
import XCTest
@testable import HTTPCore

/// The must-pass cases of the black-box probe (`../shared/conformance/http/must_pass.txt`, cases from
/// `cases_http11probe.json` and `cases_local.json`), checked at the parser level: the request bytes
/// of all steps, expanded as `http_probe.py` does, fed whole and one byte at a time.
///
/// A case passes here when what the parser decides leads to a passing answer:
/// - it throws status S, and a `pass` rule is `status:…` (or `s1.status:…`) listing S;
/// - it completes N ≥ 1 requests without error, and a `pass` rule expects 2xx answers
///   (the server then answers them; the black-box probe checks the rest);
/// - it completes nothing and waits for more bytes, and `noresp` (timeout or close) is a `pass`;
/// - or `any` is a `pass` (such as COMP-NO-1XX-HTTP10, which only forbids a 1xx answer).
final class ProbeMustPassTests: XCTestCase {
    struct ProbeCase: Decodable {
        var id: String
        var steps: [String]
        var rules: [[String]]
    }

    static let conformance = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/conformance/http").standardizedFileURL

    /// `{HOST}` and the innermost `{LEN:x}` / `{HEXLEN:x}` first, until none is left.
    static func expand(_ template: String) -> [UInt8] {
        var s = template.replacingOccurrences(of: "{HOST}", with: "127.0.0.1:8080")
        let pattern = try! NSRegularExpression(pattern: "\\{(LEN|HEXLEN):([^{}]*)\\}")
        while let match = pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) {
            let kind = String(s[Range(match.range(at: 1), in: s)!])
            let inner = s[Range(match.range(at: 2), in: s)!]
            let length = inner.unicodeScalars.count
            s.replaceSubrange(Range(match.range, in: s)!, with: kind == "LEN" ? String(length) : String(length, radix: 16))
        }
        return latin1(s)
    }

    func testMustPassCasesAtTheParserLevel() throws {
        guard FileManager.default.fileExists(atPath: Self.conformance.path) else {
            throw XCTSkip("conformance material not present at \(Self.conformance.path)")
        }
        let ids = try String(contentsOf: Self.conformance.appendingPathComponent("must_pass.txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        var cases: [String: ProbeCase] = [:]
        for file in ["cases_http11probe.json", "cases_local.json"] {
            let data = try Data(contentsOf: Self.conformance.appendingPathComponent(file))
            for probeCase in try JSONDecoder().decode([ProbeCase].self, from: data) { cases[probeCase.id] = probeCase }
        }
        XCTAssertGreaterThanOrEqual(ids.count, 90)
        var tally: [String: Int] = [:]
        for id in ids {
            guard let probeCase = cases[id] else {
                XCTFail("\(id): not in the case files")
                continue
            }
            let bytes = probeCase.steps.flatMap(Self.expand)
            let result = feed(bytes)
            let bytewise = feed(bytes, piece: 1)
            XCTAssertEqual(result.events, bytewise.events, "\(id): whole vs byte-at-a-time")
            XCTAssertEqual(result.error?.status, bytewise.error?.status, "\(id): whole vs byte-at-a-time")

            let passes = probeCase.rules.filter { $0.count == 2 && $0[1] == "pass" }.map { $0[0] }
            let verdict: String
            if passes.contains("any") {
                verdict = "anything passes"
            } else if let error = result.error {
                let accepted = passes.contains { condition in
                    for prefix in ["status:", "s1.status:"] where condition.hasPrefix(prefix) && !condition.contains("&") {
                        let list = condition.dropFirst(prefix.count).split(separator: ",")
                        return list.contains { $0 == String(error.status.code) || $0 == "\(error.status.code / 100)xx" }
                    }
                    return false
                }
                XCTAssertTrue(accepted, "\(id): parser answers \(error) but the passing rules are \(passes)")
                verdict = "rejects \(error.status.code)"
            } else if result.completed > 0 {
                XCTAssertTrue(passes.contains { $0.contains("2xx") }, "\(id): parser accepts \(result.completed) request(s) but the passing rules are \(passes)")
                verdict = "accepts"
            } else {
                XCTAssertTrue(passes.contains("noresp"), "\(id): parser waits for more bytes but the passing rules are \(passes)")
                verdict = "waits"
            }
            tally[verdict, default: 0] += 1
        }
        print("must-pass cases at the parser level: \(ids.count);", tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
    }
}
