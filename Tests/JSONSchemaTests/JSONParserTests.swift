import XCTest
@testable import JSONSchema

final class JSONParserTests: XCTestCase {
    /// The eight-bytes-at-a-time string scan must stop at every byte that needs a closer look
    /// (quote, backslash, control), and reads past non-ASCII bytes, also next to one of those.
    func testWordScanFlagsEverySpecialByteAtEveryPosition() {
        for fill: UInt8 in [0x61, 0xC3] {
            for position in 0..<8 {
                for b in 0..<256 {
                    var bytes = [UInt8](repeating: fill, count: 8)
                    bytes[position] = UInt8(b)
                    let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let special = b == 0x22 || b == 0x5C || b < 0x20
                    XCTAssertEqual(JSONParser.hasSpecialByte(w), special, "byte \(b) at \(position) among \(fill)")
                }
            }
        }
        // Strings ending, or escaping, at every position of a word; keys too.
        for length in 0..<20 {
            let body = String(repeating: "ø", count: length % 3) + String(repeating: "k", count: length)
            let doc = "{\"\(body)\": \"\(body)\\n\(body)\", \"x\(body)\": [\"\(body)\"]}"
            XCTAssertEqual(try JSONParser.parse(text: doc),
                           .object(JSONObject([(body, .string(body + "\n" + body)), ("x" + body, .array([.string(body)]))])))
        }
        // Invalid UTF-8 inside long strings, past the word scan, is still refused at its offset.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let doc = Array("[\"0123456789abcdefæøå".utf8) + bad + Array("0123456789\"]".utf8)
            XCTAssertThrowsError(try JSONParser.parse(bytes: doc)) { error in
                XCTAssertEqual((error as? JSONParseError)?.offset, 24, "\(bad)")
            }
        }
        // Long strings with escapes, controls and non-ASCII at word boundaries parse as before.
        let text = #"["0123456789abcdef\"x", "01234567\u00e6", "æøå0123456789", "0123456\n"]"#
        XCTAssertEqual(try JSONParser.parse(text: text),
                       .array([.string("0123456789abcdef\"x"), .string("01234567æ"), .string("æøå0123456789"), .string("0123456\n")]))
        XCTAssertThrowsError(try JSONParser.parse(bytes: Array("[\"0123456789\u{1}\"]".utf8)))
    }

    func testParsesEveryKindOfValue() throws {
        let v = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\n"], "b": {}} "#)
        XCTAssertEqual(v["a"], .array([.number(JSONNumber(1)), .number(JSONNumber(magnitude: 25, negative: true, exponent: 2)),
                                       .bool(true), .bool(false), .null, .string("xé\n")]))
        XCTAssertEqual(v["b"], .object(JSONObject()))
    }

    func testNumbersKeepTheirJSONMeaning() throws {
        XCTAssertEqual(try parse("1.0"), try parse("1"))
        XCTAssertEqual(try parse("100"), try parse("1e2"))
        XCTAssertEqual(try parse("-0"), try parse("0"))
        // Beyond 2^53 a Double would merge these two.
        XCTAssertNotEqual(try parse("9007199254740993"), try parse("9007199254740992"))
        XCTAssertNotEqual(try parse("123456789012345678901234567890"), try parse("123456789012345678901234567891"))
        guard case .number(let n) = try parse("0.1") else { return XCTFail("not a number") }
        XCTAssertEqual(n.description, "0.1")
        XCTAssertFalse(n.isInteger)
        guard case .number(let big) = try parse("1e400") else { return XCTFail("not a number") }
        XCTAssertTrue(big.isInteger)
    }

    func testRefusesDuplicateKeysWithTheirOffset() {
        XCTAssertThrowsError(try parse(#"{"a": 1, "a": 2}"#)) { error in
            let e = error as! JSONParseError
            XCTAssertEqual(e.reason, .duplicateKey("a"))
            XCTAssertEqual(e.offset, 9)
        }
        // Canonically equivalent but different code points are different keys.
        XCTAssertNoThrow(try parse("{\"\u{e9}\": 1, \"e\u{301}\": 2}"))
        // Short (inline) and long keys, written plainly or with escapes, among other keys.
        for key in ["k", "ø", "innsendelsesfrist", "dokumentasjonskrav-æøå"] {
            let escaped = key.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
            for (first, second) in [(key, key), (key, escaped), (escaped, key)] {
                let doc = "{\"x\": 0, \"\(first)\": 1, \"y\": 2, \"\(key)z\": 3, \"\(second)\": 4}"
                XCTAssertThrowsError(try parse(doc), doc) { error in
                    XCTAssertEqual((error as? JSONParseError)?.reason, .duplicateKey(key), doc)
                }
            }
            XCTAssertNoThrow(try parse("{\"\(key)\": 1, \"\(key)z\": 2, \"z\(key)\": 3}"))
        }
    }

    func testBoundsNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        XCTAssertThrowsError(try JSONParser.parse(text: deep, options: .init(maxDepth: 128))) { error in
            XCTAssertEqual((error as! JSONParseError).reason, .tooDeep(limit: 128))
        }
        XCTAssertNoThrow(try JSONParser.parse(text: deep, options: .init(maxDepth: 200)))
    }

    func testRefusesInvalidUTF8AtItsOffset() {
        let bytes: [UInt8] = Array(#"{"k": "ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        XCTAssertThrowsError(try JSONParser.parse(bytes: bytes)) { error in
            let e = error as! JSONParseError
            XCTAssertEqual(e.reason, .invalidUTF8)
            XCTAssertEqual(e.offset, 9)
        }
        // Overlong encoding of "/" and an encoded surrogate are not UTF-8 either.
        XCTAssertThrowsError(try JSONParser.parse(bytes: [0x22, 0xC0, 0xAF, 0x22]))
        XCTAssertThrowsError(try JSONParser.parse(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]))
    }

    func testReportsLineAndColumn() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"b\": tru\n}")) { error in
            let e = error as! JSONParseError
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 11)
        }
    }

    func testRefusesMalformedText() {
        for text in ["", " ", "01", "1.", ".5", "-", "+1", "1e", "[1,]", "{\"a\":1,}", "{'a':1}", "\"\u{01}\"",
                     "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "nul", "\"abc"] {
            XCTAssertThrowsError(try parse(text), "accepted \(text.debugDescription)")
        }
    }

    func testDecodesSurrogatePairs() throws {
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"))
    }

    func testHugeFlatInputDoesNotRecurse() throws {
        let n = 200_000
        let text = "[" + Array(repeating: "1", count: n).joined(separator: ",") + "]"
        XCTAssertEqual(try parse(text).arrayValue?.count, n)
        let long = "\"" + String(repeating: "a", count: 1_000_000) + "\""
        XCTAssertEqual(try parse(long).stringValue?.utf8.count, 1_000_000)
    }

    func testHugeExponentsAreClampedStably() throws {
        // Found by the fuzzer: an exponent past the old saturation point did not survive a round trip.
        let value = try parse("9999999999999999E9999999999999999")
        XCTAssertEqual(try parse(JSONWriter.string(value)), value)
        guard case .number(let n) = value else { return XCTFail("not a number") }
        XCTAssertEqual(n.exponent, JSONNumber.exponentLimit)
        XCTAssertLessThan(JSONNumber("1e999")!, n)
    }

    func testWriterRoundTrips() throws {
        let text = #"{"a":[1,2.5,"x\"y\n",null,true],"b":{"c":12345678901234567890123}}"#
        XCTAssertEqual(JSONWriter.string(try parse(text)), text)
    }
}
