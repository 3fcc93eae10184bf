import XCTest
@testable import JSONSchema

final class JSONNumberTests: XCTestCase {
    private func n(_ s: String) -> JSONNumber { JSONNumber(s)! }

    func testOrdersExactly() {
        XCTAssertLessThan(n("18446744073709551615"), n("18446744073709551616"))
        XCTAssertLessThan(n("-18446744073709551616"), n("-18446744073709551615"))
        XCTAssertLessThan(n("972783798187987123879878123.18878136"), n("972783798187987123879878123.18878137"))
        XCTAssertLessThan(n("0.1"), n("0.10000000000000001"))
        XCTAssertEqual(JSONNumber.compare(n("1.50"), n("1.5")), 0)
        XCTAssertLessThan(n("-1"), n("0"))
        XCTAssertLessThan(n("99"), n("1e2"))
    }

    func testMultipleOfIsDecimal() {
        XCTAssertTrue(n("8750.50").isMultiple(of: n("0.01")))
        XCTAssertFalse(n("8750.505").isMultiple(of: n("0.01")))
        XCTAssertTrue(n("0.3").isMultiple(of: n("0.1")))  // 0.3 / 0.1 is not an integer in Double
        XCTAssertTrue(n("1e308").isMultiple(of: n("0.5")))
        XCTAssertFalse(n("0.0075").isMultiple(of: n("0.002")))
        XCTAssertTrue(n("0.0075").isMultiple(of: n("0.0025")))
        XCTAssertTrue(n("123456789012345678901234567890").isMultiple(of: n("10")))
        XCTAssertTrue(n("123456789012345678901234567890").isMultiple(of: n("3")))
        XCTAssertFalse(n("123456789012345678901234567891").isMultiple(of: n("3")))
        XCTAssertTrue(n("-12").isMultiple(of: n("4")))
        XCTAssertFalse(n("-13").isMultiple(of: n("4")))
    }

    func testDescribesAsJSON() {
        XCTAssertEqual(n("1.0").description, "1")
        XCTAssertEqual(n("-0.00125").description, "-0.00125")
        XCTAssertEqual(n("1e400").description, "1e+400")
        XCTAssertEqual(n("12345678901234567890123").description, "12345678901234567890123")
        XCTAssertEqual(n("1234.5").intValue, nil)
        XCTAssertEqual(n("12e3").intValue, 12000)
    }
}
