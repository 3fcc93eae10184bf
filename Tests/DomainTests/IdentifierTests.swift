import Foundation
import XCTest
@testable import Domain

/// Check digits computed here independently of the module (its own code is not reused), so a bug in
/// the shared mod-11 helper cannot hide itself.
func referenceMod11(_ digits: [Int], _ weights: [Int]) -> Int? {
    var sum = 0
    for index in digits.indices { sum += digits[index] * weights[index] }
    let remainder = sum % 11
    if remainder == 0 { return 0 }
    if remainder == 1 { return nil }
    return 11 - remainder
}

private func digits(_ text: String) -> [Int] { text.map { Int(String($0))! } }

/// A deterministic generator, so property loops are reproducible.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class OrganisasjonsnummerTests: XCTestCase {
    func testKnownValidNumbers() throws {
        // Brønnøysund's worked example (12345678 → 5), NAV (Arbeids- og velferdsetaten), and the
        // synthetic numbers used in Schemas/examples.
        for number in ["123456785", "889640782", "310001007", "310050008", "310077003"] {
            XCTAssertEqual(try Organisasjonsnummer(parsing: number).value, number)
        }
    }

    func testKnownInvalidNumbers() {
        XCTAssertEqual(parseError("123456784"), .checkDigitMismatch(position: 9))
        XCTAssertEqual(parseError("310001008"), .checkDigitMismatch(position: 9))
        XCTAssertEqual(parseError("31000100"), .wrongLength(expected: 9, actual: 8))
        XCTAssertEqual(parseError("3100010070"), .wrongLength(expected: 9, actual: 10))
        XCTAssertEqual(parseError("310 001 007"), .wrongLength(expected: 9, actual: 11))
        XCTAssertEqual(parseError("31000100x"), .notDigits(offset: 8))
        XCTAssertEqual(parseError("３10001007"), .notDigits(offset: 0)) // full-width digit
        XCTAssertEqual(parseError(""), .wrongLength(expected: 9, actual: 0))
    }

    func testRemainderOneHasNoCheckDigit() throws {
        // Prefixes whose weighted sum leaves remainder 1: every last digit must be refused.
        var found = 0
        for prefix in 10_000_000..<10_000_200 {
            let text = String(prefix)
            guard referenceMod11(digits(text), [3, 2, 7, 6, 5, 4, 3, 2]) == nil else { continue }
            found += 1
            for last in 0...9 {
                XCTAssertEqual(parseError(text + String(last)), .noValidCheckDigit(position: 9))
            }
        }
        XCTAssertGreaterThan(found, 5)
    }

    func testPropertyExactlyOneCheckDigitIsAccepted() {
        var random = SplitMix64(state: 42)
        for _ in 0..<2_000 {
            let prefix = (0..<8).map { _ in Int.random(in: 0...9, using: &random) }
            let expected = referenceMod11(prefix, [3, 2, 7, 6, 5, 4, 3, 2])
            let text = prefix.map(String.init).joined()
            XCTAssertEqual(Organisasjonsnummer.checkDigit(forFirstEight: text), expected)
            for last in 0...9 {
                let accepted = Organisasjonsnummer(text + String(last)) != nil
                XCTAssertEqual(accepted, last == expected, text + String(last))
            }
        }
    }

    func testCodableRoundTripAndRefusal() throws {
        let orgnr = try Organisasjonsnummer(parsing: "310001007")
        let data = try JSONEncoder().encode([orgnr])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["310001007"]"#)
        XCTAssertEqual(try JSONDecoder().decode([Organisasjonsnummer].self, from: data), [orgnr])
        XCTAssertThrowsError(try JSONDecoder().decode([Organisasjonsnummer].self, from: Data(#"["310001008"]"#.utf8)))
    }

    func testErrorCodeAndMessage() {
        let error = IdentifierError(.organisasjonsnummer, .checkDigitMismatch(position: 9))
        XCTAssertEqual(error.code, "organisasjonsnummer.kontrollsiffer")
        XCTAssertTrue(error.message.contains("Kontrollsifferet"))
    }

    private func parseError(_ text: String) -> IdentifierError.Reason? {
        do {
            _ = try Organisasjonsnummer(parsing: text)
            return nil
        } catch {
            XCTAssertEqual(error.identifier, .organisasjonsnummer)
            return error.reason
        }
    }
}

final class FodselsnummerTests: XCTestCase {
    /// Builds a number with correct check digits from day, month, year digits and individnummer,
    /// using the reference implementation; nil when no K1 or K2 exists.
    private func make(day: Int, month: Int, yy: Int, individ: Int) -> String? {
        let nine = String(format: "%02d%02d%02d%03d", day, month, yy, individ)
        guard let k1 = referenceMod11(digits(nine), [3, 7, 6, 1, 8, 9, 4, 5, 2]) else { return nil }
        guard let k2 = referenceMod11(digits(nine + String(k1)), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) else { return nil }
        return nine + String(k1) + String(k2)
    }

    /// Like `make`, but tries individual numbers upwards from `individ` until check digits exist.
    private func makeSome(day: Int, month: Int, yy: Int, individFrom individ: Int) -> (String, Int) {
        var candidate = individ
        while true {
            if let number = make(day: day, month: month, yy: yy, individ: candidate) { return (number, candidate) }
            candidate += 1
        }
    }

    private func parseError(_ text: String, _ policy: FodselsnummerPolicy = .production) -> IdentifierError.Reason? {
        do {
            _ = try Fodselsnummer(parsing: text, policy: policy)
            return nil
        } catch {
            XCTAssertEqual(error.identifier, .fodselsnummer)
            return error.reason
        }
    }

    /// Every fødselsnummer in Schemas/examples: Tenor-style (month +80), one also a d-nummer.
    static let exampleNumbers: [(String, Fodselsnummer.Kind, String)] = [
        ("02917441130", .fodselsnummer, "1974-11-02"),
        ("03887123356", .fodselsnummer, "1971-08-03"),
        ("04875218021", .fodselsnummer, "1952-07-04"),
        ("15838712360", .fodselsnummer, "1987-03-15"),
        ("17859904327", .fodselsnummer, "1999-05-17"),
        ("21826342010", .fodselsnummer, "1963-02-21"),
        ("28866925080", .fodselsnummer, "1969-06-28"),
        ("30925831200", .fodselsnummer, "1958-12-30"),
        ("49819107881", .dNummer, "1991-01-09"),
    ]

    func testExampleNumbersParseWhenSyntheticAllowed() throws {
        for (number, kind, birth) in Self.exampleNumbers {
            let fnr = try Fodselsnummer(parsing: number, policy: .allowingSynthetic)
            XCTAssertEqual(fnr.kind, kind, number)
            XCTAssertEqual(fnr.synthetic, .tenor, number)
            XCTAssertTrue(fnr.isSynthetic)
            XCTAssertEqual(fnr.birthDate.description, birth, number)
            XCTAssertEqual(fnr.value, number)
        }
    }

    func testExampleNumbersRefusedInProductionWithClearReason() {
        for (number, _, _) in Self.exampleNumbers {
            XCTAssertEqual(parseError(number), .syntheticNotAllowed(.tenor), number)
        }
        let error = IdentifierError(.fodselsnummer, .syntheticNotAllowed(.tenor))
        XCTAssertEqual(error.code, "fodselsnummer.syntetisk-ikke-tillatt")
        XCTAssertTrue(error.message.contains("Tenor"), error.message)
    }

    func testExampleFilesAgreeWithTheTable() throws {
        // The table above must cover every number in the examples (the valid ones parse).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/examples/klagesak-oversendelse/valid")
        let files = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
        XCTAssertFalse(files.isEmpty)
        let known = Set(Self.exampleNumbers.map(\.0))
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #""fodselsnummer"\s*:\s*"([0-9]+)""#)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let number = String(text[Range(match.range(at: 1), in: text)!])
                XCTAssertTrue(known.contains(number), "\(file.lastPathComponent): \(number)")
                XCTAssertNoThrow(try Fodselsnummer(parsing: number, policy: .allowingSynthetic))
            }
        }
    }

    func testOrdinaryAndDNummer() throws {
        let (ordinary, _) = makeSome(day: 1, month: 1, yy: 80, individFrom: 123)
        let fnr = try Fodselsnummer(parsing: ordinary, policy: .production)
        XCTAssertEqual(fnr.kind, .fodselsnummer)
        XCTAssertFalse(fnr.isDNummer)
        XCTAssertNil(fnr.synthetic)
        XCTAssertEqual(fnr.birthDate, CalendarDate(year: 1980, month: 1, day: 1))

        let (d, _) = makeSome(day: 40 + 15, month: 6, yy: 5, individFrom: 612)
        let dnr = try Fodselsnummer(parsing: d, policy: .production)
        XCTAssertEqual(dnr.kind, .dNummer)
        XCTAssertEqual(dnr.birthDate, CalendarDate(year: 2005, month: 6, day: 15))
    }

    func testMonthPlus40IsSyntheticNavOrHNummer() throws {
        let (h, _) = makeSome(day: 12, month: 43, yy: 90, individFrom: 111)
        XCTAssertEqual(parseError(h), .syntheticNotAllowed(.nav))
        let fnr = try Fodselsnummer(parsing: h, policy: .allowingSynthetic)
        XCTAssertEqual(fnr.synthetic, .nav)
        XCTAssertEqual(fnr.birthDate, CalendarDate(year: 1990, month: 3, day: 12))
        // D-nummer and synthetic together.
        let (dh, _) = makeSome(day: 52, month: 52, yy: 90, individFrom: 111)
        let both = try Fodselsnummer(parsing: dh, policy: .allowingSynthetic)
        XCTAssertEqual(both.kind, .dNummer)
        XCTAssertEqual(both.synthetic, .nav)
        XCTAssertEqual(both.birthDate, CalendarDate(year: 1990, month: 12, day: 12))
    }

    func testCenturies() throws {
        let cases: [(yy: Int, individ: Int, year: Int?)] = [
            (0, 0, 1900), (99, 499, 1999),
            (55, 500, 1855), (99, 749, 1899), (54, 600, nil), (40, 749, nil),
            (0, 500, 2000), (39, 999, 2039), (39, 750, 2039),
            (40, 900, 1940), (99, 999, 1999), (60, 800, nil), (45, 750, nil),
        ]
        for c in cases {
            XCTAssertEqual(Fodselsnummer.year(twoDigitYear: c.yy, individnummer: c.individ), c.year, "\(c)")
            // Through the parser, when the check digits exist for this combination.
            guard let number = make(day: 10, month: 10, yy: c.yy, individ: c.individ) else { continue }
            if let year = c.year {
                XCTAssertEqual(try Fodselsnummer(parsing: number, policy: .production).birthDate.year, year)
            } else {
                XCTAssertEqual(parseError(number), .noCentury(individnummer: c.individ, twoDigitYear: c.yy))
            }
        }
    }

    func testImpossibleDates() throws {
        // 29 February: only in leap years (2000 is one, 1900 is not).
        let (leap, _) = makeSome(day: 29, month: 2, yy: 0, individFrom: 500)
        XCTAssertEqual(try Fodselsnummer(parsing: leap, policy: .production).birthDate.description, "2000-02-29")
        let (common, _) = makeSome(day: 29, month: 2, yy: 0, individFrom: 100)
        XCTAssertEqual(parseError(common), .invalidBirthDate(day: 29, month: 2, year: 1900))
        let (june31, _) = makeSome(day: 31, month: 6, yy: 88, individFrom: 101)
        XCTAssertEqual(parseError(june31), .invalidBirthDate(day: 31, month: 6, year: 1988))
        let (day0, _) = makeSome(day: 0, month: 6, yy: 88, individFrom: 101)
        XCTAssertEqual(parseError(day0), .unknownDateOffset(day: 0, month: 6))
        let (month13, _) = makeSome(day: 1, month: 13, yy: 88, individFrom: 101)
        XCTAssertEqual(parseError(month13, .allowingSynthetic), .unknownDateOffset(day: 1, month: 13))
        let (month60, _) = makeSome(day: 1, month: 60, yy: 88, individFrom: 101)
        XCTAssertEqual(parseError(month60, .allowingSynthetic), .unknownDateOffset(day: 1, month: 60))
        let (tenor31Nov, _) = makeSome(day: 31, month: 91, yy: 88, individFrom: 101)
        XCTAssertEqual(parseError(tenor31Nov, .allowingSynthetic), .invalidBirthDate(day: 31, month: 11, year: 1988))
    }

    func testFormat() {
        XCTAssertEqual(parseError("1583871236", .allowingSynthetic), .wrongLength(expected: 11, actual: 10))
        XCTAssertEqual(parseError("158387 12360", .allowingSynthetic), .wrongLength(expected: 11, actual: 12))
        XCTAssertEqual(parseError("15838712-60", .allowingSynthetic), .notDigits(offset: 8))
    }

    /// Property: for random bodies, exactly the reference K1/K2 pass; every other last digit and
    /// every other tenth digit is refused with the check-digit reason for that position.
    func testPropertyCheckDigits() throws {
        var random = SplitMix64(state: 7)
        var checked = 0
        while checked < 1_000 {
            let day = Int.random(in: 1...28, using: &random)
            let month = Int.random(in: 1...12, using: &random)
            let yy = Int.random(in: 0...99, using: &random)
            let individ = Int.random(in: 0...499, using: &random)
            guard let number = make(day: day, month: month, yy: yy, individ: individ) else { continue }
            checked += 1
            XCTAssertNoThrow(try Fodselsnummer(parsing: number, policy: .production), number)
            let nine = String(number.prefix(9))
            let k1 = Int(String(number.dropFirst(9).prefix(1)))!
            for wrongK2 in 0...9 where wrongK2 != Int(String(number.last!))! {
                XCTAssertEqual(parseError(nine + String(k1) + String(wrongK2)), .checkDigitMismatch(position: 11))
            }
            for wrongK1 in 0...9 where wrongK1 != k1 {
                XCTAssertEqual(parseError(nine + String(wrongK1) + "0"), .checkDigitMismatch(position: 10))
            }
        }
    }

    func testK1From2032() throws {
        // An alternative K1 (r = 1…3) with its own K2 is refused by default, accepted when configured.
        var random = SplitMix64(state: 2032)
        var tried = 0
        while tried < 200 {
            let body = String(
                format: "%02d%02d%02d%03d", Int.random(in: 1...28, using: &random),
                Int.random(in: 1...12, using: &random), Int.random(in: 0...99, using: &random),
                Int.random(in: 0...499, using: &random))
            var sum = 0
            for (digit, weight) in zip(digits(body), [3, 7, 6, 1, 8, 9, 4, 5, 2]) { sum += digit * weight }
            let classic = (11 - sum % 11) % 11
            let alternatives = (1...3).map { (11 + $0 - sum % 11) % 11 }.filter { $0 != 10 && $0 != classic }
            for k1 in alternatives {
                guard let k2 = referenceMod11(digits(body + String(k1)), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) else { continue }
                let number = body + String(k1) + String(k2)
                tried += 1
                XCTAssertNotNil(parseError(number))
                let policy = FodselsnummerPolicy(allowsSyntheticNumbers: false, acceptsK1From2032: true)
                XCTAssertNoThrow(try Fodselsnummer(parsing: number, policy: policy), number)
            }
        }
    }

    /// Property over random 11-digit strings: the parser accepts exactly those whose check digits
    /// (reference mod 11), offsets and century rules hold and whose date Foundation's Gregorian
    /// calendar calls valid; what it accepts reproduces the digits from the parsed parts.
    func testPropertyRandomDigitStrings() throws {
        var random = SplitMix64(state: 11)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var accepted = 0
        for _ in 0..<30_000 {
            // Bias towards plausible numbers: real check digits on a random body most of the time.
            var body = (0..<9).map { _ in Int.random(in: 0...9, using: &random) }
            body[2] = Int.random(in: 0...9, using: &random) < 5 ? 0 : [1, 4, 5, 8, 9][Int.random(in: 0...4, using: &random)]
            var all = body
            if let k1 = referenceMod11(body, [3, 7, 6, 1, 8, 9, 4, 5, 2]), Int.random(in: 0...9, using: &random) > 0 {
                all.append(k1)
                all.append(referenceMod11(all, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) ?? 0)
            } else {
                all += [Int.random(in: 0...9, using: &random), Int.random(in: 0...9, using: &random)]
            }
            let text = all.map(String.init).joined()

            let checksOK = referenceMod11(Array(all[0..<9]), [3, 7, 6, 1, 8, 9, 4, 5, 2]) == all[9]
                && referenceMod11(Array(all[0..<10]), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) == all[10]
            var day = all[0] * 10 + all[1]
            var month = all[2] * 10 + all[3]
            let yy = all[4] * 10 + all[5]
            let individ = all[6] * 100 + all[7] * 10 + all[8]
            if day > 40 { day -= 40 }
            if month > 80 { month -= 80 } else if month > 40 { month -= 40 }
            let century: Int? = switch individ {
            case 0...499: 1900
            case 500...749 where yy >= 55: 1800
            case 900...999 where yy >= 40: 1900
            case 500...999 where yy < 40: 2000
            default: nil
            }
            var expectOK = checksOK && century != nil && month >= 1 && month <= 12
            let rawDay = all[0] * 10 + all[1]
            expectOK = expectOK && ((1...31).contains(rawDay) || (41...71).contains(rawDay))
            let rawMonth = all[2] * 10 + all[3]
            expectOK = expectOK && ((1...12).contains(rawMonth) || (41...52).contains(rawMonth) || (81...92).contains(rawMonth))
            if expectOK, let century {
                let components = DateComponents(calendar: calendar, year: century + yy, month: month, day: day)
                expectOK = components.isValidDate
            }

            let parsed = try? Fodselsnummer(parsing: text, policy: .allowingSynthetic)
            XCTAssertEqual(parsed != nil, expectOK, text)
            if let parsed {
                accepted += 1
                XCTAssertEqual(parsed.birthDate.day + (parsed.isDNummer ? 40 : 0), rawDay, text)
                let offset = switch parsed.synthetic { case nil: 0; case .nav?: 40; case .tenor?: 80 }
                XCTAssertEqual(parsed.birthDate.month + offset, rawMonth, text)
                XCTAssertEqual(parsed.birthDate.year % 100, yy, text)
                // Production refuses exactly the synthetic ones.
                let production = try? Fodselsnummer(parsing: text, policy: .production)
                XCTAssertEqual(production == nil, parsed.isSynthetic, text)
            }
        }
        XCTAssertGreaterThan(accepted, 1_000)
    }

    func testDescriptionIsMasked() throws {
        let fnr = try Fodselsnummer(parsing: "15838712360", policy: .allowingSynthetic)
        XCTAssertEqual("\(fnr)", "***********")
        XCTAssertFalse(IdentifierError(.fodselsnummer, .checkDigitMismatch(position: 11)).message.contains("1583"))
    }
}

final class SmallIdentifierTests: XCTestCase {
    func testKommunenummer() throws {
        let oslo = try Kommunenummer(parsing: "0301")
        XCTAssertEqual(oslo.fylkesnummer, Fylkesnummer("03"))
        XCTAssertThrowsError(try Kommunenummer(parsing: "301")) { error in
            XCTAssertEqual((error as? IdentifierError)?.reason, .wrongLength(expected: 4, actual: 3))
            XCTAssertEqual((error as? IdentifierError)?.code, "kommunenummer.lengde")
        }
        XCTAssertNil(Kommunenummer("46O1"))
    }

    func testNavEnhetsnummerAndFylkesnummer() {
        XCTAssertEqual(NavEnhetsnummer("1203")?.value, "1203")
        XCTAssertNil(NavEnhetsnummer("12030"))
        XCTAssertEqual(Fylkesnummer("46")?.value, "46")
        XCTAssertNil(Fylkesnummer("4"))
    }

    func testCalendarDate() throws {
        XCTAssertEqual(CalendarDate(iso8601: "2024-02-29"), CalendarDate(year: 2024, month: 2, day: 29))
        XCTAssertNil(CalendarDate(iso8601: "2023-02-29"))
        XCTAssertNil(CalendarDate(iso8601: "2024-06-31"))
        XCTAssertNil(CalendarDate(iso8601: "2024-6-30"))
        XCTAssertNil(CalendarDate(year: 1900, month: 2, day: 29))
        XCTAssertNotNil(CalendarDate(year: 2000, month: 2, day: 29))
        // 23:30 UTC on New Year's Eve is already New Year's Day in Norway.
        let instant = try XCTUnwrap(ISO8601DateFormatter().date(from: "2023-12-31T23:30:00Z"))
        XCTAssertEqual(CalendarDate(instant).description, "2024-01-01")
        XCTAssertEqual(CalendarDate(instant, in: TimeZone(identifier: "UTC")!).description, "2023-12-31")
    }
}
