import Foundation
import XCTest
import JSONSchema

/// Runs the official JSON-Schema-Test-Suite (draft 2020-12, in ../shared/conformance/jsts)
/// in-process: much faster than the process-per-test runner, same expectations.
final class JSONSchemaTestSuiteTests: XCTestCase {
    private static let remoteBase = "http://localhost:1234/"

    private func suiteRoot() throws -> URL {
        let root = TestPaths.conformance.appendingPathComponent("jsts")
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw XCTSkip("JSON-Schema-Test-Suite not found at ../shared/conformance/jsts")
        }
        return root
    }

    /// Every remote document plus the 2020-12 meta-schemas, as the suite's runner serves them.
    private func registry(_ root: URL) throws -> SchemaRegistry {
        var registry = SchemaRegistry()
        for (dir, prefix) in [("remotes", Self.remoteBase), ("metaschemas", nil)] {
            let base = root.appendingPathComponent(dir)
            let files = FileManager.default.enumerator(atPath: base.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
            for rel in files {
                let doc = try readJSON(base.appendingPathComponent(rel))
                if let prefix {
                    try registry.register(doc, uri: prefix + rel)
                } else if doc["$id"] != nil {
                    try registry.register(doc)
                }
            }
        }
        return registry
    }

    /// Runs the files and returns a description of every failing test.
    private func run(files: [String], assertFormat: Bool) throws -> (failures: [String], count: Int) {
        let root = try suiteRoot()
        let registry = try registry(root)
        let testsDir = root.appendingPathComponent("tests/draft2020-12")
        var failures: [String] = []
        var count = 0
        for file in files {
            guard case .array(let groups) = try readJSON(testsDir.appendingPathComponent(file)) else {
                failures.append("\(file): not an array")
                continue
            }
            for group in groups {
                let description = group["description"]?.stringValue ?? "?"
                let compiled: CompiledSchema
                do {
                    compiled = try registry.compile(schema: group["schema"]!, options: SchemaOptions(assertFormat: assertFormat))
                } catch {
                    failures.append("\(file) / \(description): compile error \(error)")
                    continue
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    count += 1
                    guard case .bool(let expected)? = test["valid"], let data = test["data"] else { continue }
                    let fast = compiled.isValid(data)
                    let full = compiled.validate(data)
                    if fast != expected || full.isValid != expected || (!expected && full.errors.isEmpty) {
                        failures.append("\(file) / \(description) / \(test["description"]?.stringValue ?? "?"): expected \(expected)")
                    }
                }
            }
        }
        return (failures, count)
    }

    private func files(in subdirectory: String) throws -> [String] {
        let dir = try suiteRoot().appendingPathComponent("tests/draft2020-12").appendingPathComponent(subdirectory)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { subdirectory.isEmpty ? $0 : subdirectory + "/" + $0 }
    }

    func testRequiredTestsAllPass() throws {
        let (failures, count) = try run(files: try files(in: ""), assertFormat: false)
        XCTAssertGreaterThan(count, 1000)
        XCTAssertEqual(failures, [])
    }

    /// The optional files whose behaviour this validator claims: exact numbers, ECMA-262 regex, ids.
    func testClaimedOptionalTestsPass() throws {
        let claimed = ["bignum", "float-overflow", "ecmascript-regex", "non-bmp-regex", "id", "anchor", "no-schema",
                       "refOfUnknownKeyword", "unknownKeyword", "dynamicRef", "format-assertion"]
        let (failures, count) = try run(files: claimed.map { "optional/\($0).json" }, assertFormat: false)
        XCTAssertGreaterThan(count, 100)
        XCTAssertEqual(failures, [])
    }

    /// The formats this validator asserts when asked.
    func testAssertedFormatsPass() throws {
        let claimed = ["date", "date-time", "time", "email", "uuid", "uri", "uri-reference", "ipv4", "ipv6",
                       "json-pointer", "relative-json-pointer", "regex", "unknown", "ecmascript-regex"]
        let (failures, count) = try run(files: claimed.map { "optional/format/\($0).json" }, assertFormat: true)
        XCTAssertGreaterThan(count, 400)
        XCTAssertEqual(failures, [])
    }
}
