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

    /// The automaton (and its fixed-shape form) must give the backtracking machine's answer on
    /// every input, including the non-ASCII ones it hands back and lengths that only look wrong.
    func testAutomatonAndFixedShapeAgreeWithTheMachine() throws {
        let hash = String(repeating: "0123456789abcdef", count: 8)
        let cases: [(pattern: String, shaped: Bool, samples: [String])] = [
            (#"^[0-9]{11}$"#, true, ["12345678901", "1234567890", "123456789012", "1234567890a"]),
            (#"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#, true,
             ["3f2b8c1e-9d4a-4c6b-8e7f-1a2b3c4d5e6f", "3f2b8c1e-9d4a-4c6b-8e7f-1a2b3c4d5e6F", "3f2b8c1e9d4a-4c6b-8e7f-1a2b3c4d5e6f0"]),
            (#"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"#, true,
             ["2024-03-01T12:00:00.000Z", "2024-03-01T12:00:00,000Z", "2024-03-01T12:00:00.000"]),
            (#"^[0-9a-f]{128}$"#, true, [hash, String(hash.dropLast()) + "g", hash + "0", String(hash.dropLast())]),
            (#"^.{3}$"#, true, ["abc", "æøå", "ab", "a🐲", "abcd", "a\nb"]),
            (#"^[^x]{2}$"#, true, ["ab", "xa", "é!", "🐲🐲", "abc"]),
            (#"^(a|ab)$"#, false, ["a", "ab", "abb", ""]),
            (#"^(ab|cd)$"#, false, ["ab", "cd", "ad", "abcd"]),
            (#"^1\."#, false, ["1.0", "1", "2.0", "1.x.y"]),
            (#"^a?b$"#, false, ["b", "ab", "aab", ""]),
            (#"^[0-9]+$"#, false, ["1", "", "12a", "٣"]),
        ]
        // A fixed linear congruential sequence: a failure names an input that comes back on every run.
        var state: UInt64 = 0x6b6c_6167_6562_726f
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("019afgx-:.TZ bæ🐲")
        for c in cases {
            let fast = try ECMARegex(c.pattern)
            let machine = try ECMARegex(c.pattern, automaton: false)
            XCTAssertNotNil(fast.automaton, c.pattern)
            XCTAssertEqual(fast.automaton?.shape != nil, c.shaped, c.pattern)
            var inputs = c.samples
            for _ in 0..<400 {
                let length = Int(next() % 14)
                inputs.append(String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }))
            }
            // Every sample with one character replaced at each position, to reach the late positions.
            for sample in c.samples {
                let chars = Array(sample)
                for i in chars.indices {
                    var changed = chars
                    changed[i] = alphabet[Int(next() % UInt64(alphabet.count))]
                    inputs.append(String(changed))
                }
            }
            for input in inputs {
                XCTAssertEqual(fast.matches(input), machine.matches(input), "/\(c.pattern)/ on \(input.debugDescription)")
            }
        }
    }
}
