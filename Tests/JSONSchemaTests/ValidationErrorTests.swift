import Foundation
import XCTest
@testable import JSONSchema

final class ValidationErrorTests: XCTestCase {
    func testErrorsCarryInstanceAndKeywordLocations() throws {
        let schema = try compile(##"""
            {"$id": "https://example.test/person.json",
             "type": "object", "required": ["name", "age"],
             "properties": {
               "name": {"type": "string", "minLength": 2},
               "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}}
             },
             "$defs": {"tag": {"pattern": "^[a-z]+$"}}}
            """##)
        let result = schema.validate(try parse(#"{"name": "A", "tags": ["ok", "Not ok"]}"#))
        XCTAssertFalse(result.isValid)
        let summary = Set(result.errors.map { "\($0.instanceLocation) \($0.keyword) \($0.keywordLocation)" })
        XCTAssertEqual(summary, [
            " required /required",
            "/name minLength /properties/name/minLength",
            "/tags/1 pattern /properties/tags/items/$ref/pattern",
        ])
        let pattern = result.errors.first { $0.keyword == "pattern" }!
        XCTAssertEqual(pattern.absoluteKeywordLocation, "https://example.test/person.json#/$defs/tag/pattern")
        XCTAssertTrue(result.errors.first { $0.keyword == "required" }!.message.contains("age"))
    }

    func testCollectsAllErrorsUpToTheBound() throws {
        let schema = try compile(#"{"items": {"type": "integer"}}"#)
        let instance = JSONValue.array((0..<50).map { _ in .string("x") })
        XCTAssertEqual(schema.validate(instance, maxErrors: 1000).errors.count, 50)
        let bounded = schema.validate(instance, maxErrors: 7)
        XCTAssertEqual(bounded.errors.count, 7)
        XCTAssertTrue(bounded.isTruncated)
        XCTAssertEqual(bounded.errors.map(\.instanceLocation), (0..<7).map { "/\($0)" })
    }

    func testPointerEscapesKeys() throws {
        let schema = try compile(#"{"additionalProperties": false}"#)
        let result = schema.validate(try parse(#"{"a/b~c": 1}"#))
        XCTAssertEqual(result.errors.map(\.instanceLocation), ["/a~1b~0c"])
        XCTAssertEqual(result.errors.map(\.keyword), ["additionalProperties"])
    }

    func testFormatIsAnAnnotationUnlessAsked() throws {
        let text = #"{"format": "date"}"#
        let instance = JSONValue.string("2024-02-30")
        XCTAssertTrue(try compile(text).isValid(instance))
        XCTAssertFalse(try compile(text, assertFormat: true).isValid(instance))
        XCTAssertTrue(try compile(text, assertFormat: true).isValid(.string("2024-02-29")))
    }

    /// Members checked in place (leaf subschemas, string enum/const compared as strings) give
    /// the same answers as the general evaluation.
    func testLeafMembersWithStringEnumAndConst() throws {
        let schema = try compile(#"""
            {"$defs": {"kode": {"type": "string", "enum": ["A", "B", "lang-verdi-over-femten"]}},
             "properties": {"k": {"$ref": "#/$defs/kode"}, "c": {"const": "x", "enum": ["x", "y"]},
                            "none": {"const": "x", "enum": ["y"]}, "mixed": {"enum": ["x", 1]},
                            "e": {"enum": ["\u00e9"]}}}
            """#)
        let cases: [(String, Bool)] = [
            (#"{"k": "A"}"#, true), (#"{"k": "lang-verdi-over-femten"}"#, true), (#"{"k": "C"}"#, false),
            (#"{"k": 1}"#, false), (#"{"c": "x"}"#, true), (#"{"c": "y"}"#, false), (#"{"none": "x"}"#, false),
            (#"{"none": "y"}"#, false), (#"{"mixed": "x"}"#, true), (#"{"mixed": 1.0}"#, true),
            (#"{"mixed": "1"}"#, false), (#"{"e": "\u00e9"}"#, true), (#"{"e": "e\u0301"}"#, false),
        ]
        for (text, valid) in cases {
            XCTAssertEqual(schema.isValid(try parse(text)), valid, text)
            XCTAssertEqual(schema.validate(try parse(text)).isValid, valid, text)
        }
    }

    func testNumbersKeepJSONMeaningInKeywords() throws {
        XCTAssertTrue(try compile(#"{"type": "integer", "const": 1}"#).isValid(try parse("1.0")))
        XCTAssertTrue(try compile(#"{"multipleOf": 0.01}"#).isValid(try parse("19.99")))
        XCTAssertFalse(try compile(#"{"maximum": 18446744073709551615}"#).isValid(try parse("18446744073709551616")))
        XCTAssertTrue(try compile(#"{"enum": [1, 2, 3, 4, 5, 6]}"#).isValid(try parse("6.0")))
    }

    func testDeepInstanceIsBoundedNotCrashing() throws {
        let schema = try compile(##"{"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}"##)
        var value = JSONValue.null
        for _ in 0..<2_000 { value = .array([value]) }
        XCTAssertFalse(schema.isValid(value))  // deeper than maxEvaluationDepth
        let result = schema.validate(value)
        XCTAssertTrue(result.errors.contains { $0.message.contains("deeper") })
    }

    func testUnresolvableReferenceIsACompileError() {
        XCTAssertThrowsError(try compile(#"{"$ref": "https://nowhere.test/x.json"}"#)) { error in
            XCTAssertTrue((error as! SchemaError).message.contains("unresolvable"))
        }
    }

    func testCompiledSchemaIsSharedAcrossThreads() throws {
        let schema = try compile(#"{"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}"#)
        let good = try parse(#"{"n": 5}"#)
        let bad = try parse(#"{"n": -5}"#)
        let failures = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let ok = schema.isValid(good) && !schema.isValid(bad)
                && schema.validate(bad).errors.first?.instanceLocation == "/n"
            if !ok || i < 0 { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

/// A tiny thread-safe counter for the concurrency test.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Threads may have small stacks. Parsing uses no recursion at all; evaluation recursion is
/// bounded by `SchemaOptions.maxEvaluationDepth`.
final class StackBoundTests: XCTestCase {
    private func onThread(stackSize: Int, _ body: @escaping @Sendable () -> Bool) -> Bool {
        let done = expectation(description: "work on a small stack")
        let outcome = ManagedAtomicCounter()
        let thread = Thread {
            if body() { outcome.increment() }
            done.fulfill()
        }
        thread.stackSize = stackSize
        thread.start()
        wait(for: [done], timeout: 60)
        return outcome.value == 1
    }

    func testNestingBeyondTheDefaultBoundParsesOnA256KiBStack() {
        // 400 levels, over three times the default bound. (Freeing a nested value is recursive
        // in the Swift runtime, which is one reason the parser bounds depth at all.)
        let depth = 200
        let text = String(repeating: #"{"a":["#, count: depth) + String(repeating: "]}", count: depth)
        XCTAssertTrue(onThread(stackSize: 256 * 1024) {
            (try? JSONParser.parse(text: text, options: .init(maxDepth: 2 * depth))) != nil
        })
    }

    func testEvaluationAtTheDefaultBoundFitsA4MiBStackInDebug() throws {
        let schema = try compile(##"{"$defs": {"n": {"type": ["array", "object"], "items": {"$ref": "#/$defs/n"}, "additionalProperties": {"$ref": "#/$defs/n"}, "unevaluatedProperties": false}}, "$ref": "#/$defs/n"}"##)
        // 300 levels of JSON need more evaluation levels than the default bound of 256 allows:
        // evaluation stops with an error, not a crash.
        let text = String(repeating: #"{"a":["#, count: 150) + String(repeating: "]}", count: 150)
        let value = try JSONParser.parse(text: text, options: .init(maxDepth: 400))
        XCTAssertTrue(onThread(stackSize: 4 * 1024 * 1024) {
            let result = schema.validate(value)
            return !result.isValid && result.errors.contains { $0.message.contains("deeper") }
        })
    }
}
