import XCTest
@testable import JSONSchema

final class ECMARegexTests: XCTestCase {
    private func matches(_ pattern: String, _ s: String) throws -> Bool { try ECMARegex(pattern).matches(s) }

    func testClassEscapesAreECMANotUnicode() throws {
        XCTAssertTrue(try matches(#"^\d+$"#, "0123"))
        XCTAssertFalse(try matches(#"^\d+$"#, "৪২"))        // Bengali digits are not \d in ECMA-262
        XCTAssertTrue(try matches(#"^\p{Nd}+$"#, "৪২"))
        XCTAssertFalse(try matches(#"^\w$"#, "é"))
        XCTAssertTrue(try matches(#"^\p{Letter}+$"#, "Æøå"))
        XCTAssertTrue(try matches(#"^\s$"#, "\u{FEFF}"))
        XCTAssertFalse(try matches(#"^[\D]$"#, "5"))
        XCTAssertTrue(try matches(#"^[\D]$"#, "é"))
    }

    func testAnchorsAndDot() throws {
        XCTAssertFalse(try matches("^abc$", "abc\n"))       // $ is only the very end
        XCTAssertTrue(try matches("b", "abc"))              // unanchored search
        XCTAssertFalse(try matches("^.$", "\n"))
        XCTAssertTrue(try matches("^.$", "🐲"))             // one code point, four UTF-8 bytes
        XCTAssertTrue(try matches("^🐲*$", "🐲🐲"))
    }

    func testGroupsQuantifiersAndLookaround() throws {
        XCTAssertTrue(try matches("^(ab|cd){2,3}$", "abcdab"))
        XCTAssertFalse(try matches("^(ab|cd){2,3}$", "ab"))
        XCTAssertTrue(try matches("^a+?b$", "aaab"))
        XCTAssertTrue(try matches("^(?=.*[0-9])[a-z0-9]+$", "abc1"))
        XCTAssertFalse(try matches("^(?!x)", "xyz"))
        XCTAssertTrue(try matches("(?<=a)b", "ab"))
        XCTAssertFalse(try matches("(?<=a)b", "cb"))
        XCTAssertTrue(try matches(#"^(a)\1$"#, "aa"))
        XCTAssertTrue(try matches(#"^(?<n>a)\k<n>$"#, "aa"))
        XCTAssertTrue(try matches(#"^[0-9]{11}$"#, "12345678901"))
        XCTAssertFalse(try matches(#"^[0-9]{11}$"#, "1234567890"))
        XCTAssertTrue(try matches("^(a*)*$", "aaa"))       // empty iterations terminate
    }

    func testRefusesWhatUnicodeModeRefuses() {
        for bad in [#"\a"#, "(", "[z-a]", "a**", #"\p{NoSuchProperty}"#, "(?P<n>x)", #"\1"#] {
            XCTAssertThrowsError(try ECMARegex(bad), bad)
        }
    }

    func testDeeplyNestedGroupsAreRefusedNotOverflowingTheStack() {
        // Found by the fuzzer: thousands of "(" overflowed the parser's recursion.
        XCTAssertThrowsError(try ECMARegex(String(repeating: "(", count: 5_000) + "a" + String(repeating: ")", count: 5_000)))
        XCTAssertNoThrow(try ECMARegex(String(repeating: "(", count: 20) + "a" + String(repeating: ")", count: 20)))
    }

    func testPathologicalPatternIsBoundedNotHung() throws {
        // Exponential backtracking: the step budget ends it (as "no match") instead of hanging.
        let r = try ECMARegex("^(a+)+$")
        XCTAssertFalse(r.matches(String(repeating: "a", count: 40) + "!"))
    }

    func testLongInputDoesNotOverflowTheStack() throws {
        XCTAssertTrue(try matches("^a*$", String(repeating: "a", count: 500_000)))
    }
}
