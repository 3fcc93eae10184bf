import XCTest
@testable import JSONSchema

/// `isExactlyEqual` trusts the standard library's inline (small) string flag to tell two short
/// strings apart by their bits; these tests pin that assumption down.
final class ExactStringTests: XCTestCase {
    func testShortStringsAreStoredInlineAndLongOnesAreNot() throws {
        guard String.smallFlagIsKnown else { throw XCTSkip("no small-string flag on this platform") }
        let short = String(decoding: Array("dokumenttype".utf8), as: UTF8.self)
        let fifteen = String(decoding: Array("æøå-12345678".utf8), as: UTF8.self)
        let long = String(decoding: Array("a-string-of-more-than-fifteen-bytes".utf8), as: UTF8.self)
        XCTAssertTrue(short.isStoredInline)
        XCTAssertTrue(fifteen.isStoredInline)
        XCTAssertTrue("".isStoredInline)
        XCTAssertFalse(long.isStoredInline)
        XCTAssertFalse("a-string-literal-of-more-than-fifteen-bytes".isStoredInline)
    }

    func testExactEqualityIsByCodePoints() throws {
        let keys = try JSONParser.parse(text: #"{"navn": 1, "nav": 2, "e\u0301": 3, "é": 4, "Kelvin\u212A": 5}"#)
        guard case .object(let o) = keys else { return XCTFail("not an object") }
        XCTAssertTrue(o.keys[0].isExactlyEqual(to: "navn"))
        XCTAssertFalse(o.keys[0].isExactlyEqual(to: "nav"))
        XCTAssertFalse(o.keys[1].isExactlyEqual(to: "navn"))
        XCTAssertFalse(o.keys[2].isExactlyEqual(to: "é"))
        XCTAssertTrue(o.keys[3].isExactlyEqual(to: "é"))
        XCTAssertFalse(o.keys[4].isExactlyEqual(to: "KelvinK"))
        // The same content as an inline and as a heap string is equal.
        var heap = String(repeating: "x", count: 40)
        heap.removeLast(35)
        XCTAssertTrue(heap.isExactlyEqual(to: "xxxxx"))
        XCTAssertTrue("xxxxx".isExactlyEqual(to: heap))
    }
}
