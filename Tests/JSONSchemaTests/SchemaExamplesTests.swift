import Foundation
import XCTest
import JSONSchema

/// Validates every example message in Schemas/examples against the schemas in Schemas/:
/// `valid/` examples must pass; each `invalid/` example must fail with an error at the location
/// (and keyword, if given) that Schemas/examples/expected-errors.json names for it.
final class SchemaExamplesTests: XCTestCase {
    private let idPrefix = "https://klagebro.no/schemas/"

    func testExamplesValidateAsExpected() throws {
        let schemasDir = TestPaths.schemas
        let examplesDir = schemasDir.appendingPathComponent("examples")
        let fm = FileManager.default
        var registry = SchemaRegistry()
        let registered = try registry.registerDirectory(atPath: schemasDir.path)
        XCTAssertFalse(registered.isEmpty, "no schemas with $id in Schemas/")

        let expectedDoc = try readJSON(examplesDir.appendingPathComponent("expected-errors.json"))
        guard case .object(let expected) = expectedDoc else { return XCTFail("expected-errors.json is not an object") }

        let types = try fm.contentsOfDirectory(atPath: examplesDir.path).filter {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: examplesDir.appendingPathComponent($0).path, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        var validCount = 0
        var invalidCount = 0
        var checkedExpectations: Set<String> = []
        for type in types {
            // The examples' folder names the message type; its schema is version 1.
            let schema = try registry.compile(uri: "\(idPrefix)\(type).v1.schema.json", options: SchemaOptions(assertFormat: true))
            for kind in ["valid", "invalid"] {
                let dir = examplesDir.appendingPathComponent(type).appendingPathComponent(kind)
                guard let files = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
                for file in files.sorted() where file.hasSuffix(".json") {
                    let relative = "\(type)/\(kind)/\(file)"
                    let instance = try readJSON(dir.appendingPathComponent(file))
                    let result = schema.validate(instance)
                    if kind == "valid" {
                        validCount += 1
                        XCTAssertTrue(result.isValid, "\(relative) should be valid: \(result.errors)")
                        continue
                    }
                    invalidCount += 1
                    XCTAssertFalse(result.isValid, "\(relative) should be invalid")
                    guard let want = expected[relative] else {
                        XCTFail("\(relative) has no entry in expected-errors.json")
                        continue
                    }
                    checkedExpectations.insert(relative)
                    let location = want["instanceLocation"]?.stringValue ?? ""
                    let keyword = want["keyword"]?.stringValue
                    let hit = result.errors.contains {
                        $0.instanceLocation == location && (keyword == nil || $0.keyword == keyword)
                    }
                    XCTAssertTrue(hit, "\(relative): no error at \(location.isEmpty ? "/" : location) for \(keyword ?? "any keyword"); got \(result.errors)")
                }
            }
        }
        XCTAssertGreaterThan(validCount, 0, "no valid examples found")
        XCTAssertGreaterThan(invalidCount, 0, "no invalid examples found")
        XCTAssertEqual(Set(expected.keys).subtracting(checkedExpectations), [], "expected-errors.json names files that were not checked")
    }
}
