/// Which fødselsnumre a server accepts: a configuration value, decided once at start-up.
///
/// Month +40 is both NAV's synthetic test range (Dolly) and the historical H-nummer (a help number
/// given outside Folkeregisteret). Klagebro treats every month +40 number as synthetic: an H-nummer
/// is not an identity the Statsforvalter can look up in Folkeregisteret, and a NAV appeal case always
/// has a fødselsnummer or d-nummer, so in production a month +40 number is refused like any other
/// synthetic number, and with synthetic numbers allowed it parses as `.nav`.
public struct FodselsnummerPolicy: Hashable, Sendable {
    /// Accept synthetic test numbers (month +40 NAV/Dolly, month +80 Skatteetaten/Tenor).
    public var allowsSyntheticNumbers: Bool
    /// Accept the four possible first check digits of numbers issued from 1 January 2032
    /// (Skatteetaten's new PID rule); off until such numbers exist, because it also lets through
    /// three of every four typos that the classic K1 catches.
    public var acceptsK1From2032: Bool

    public init(allowsSyntheticNumbers: Bool, acceptsK1From2032: Bool = false) {
        self.allowsSyntheticNumbers = allowsSyntheticNumbers
        self.acceptsK1From2032 = acceptsK1From2032
    }

    /// Real numbers only.
    public static let production = FodselsnummerPolicy(allowsSyntheticNumbers: false)
    /// Real and synthetic numbers (development, tests, the Schemas/ examples).
    public static let allowingSynthetic = FodselsnummerPolicy(allowsSyntheticNumbers: true)
}

/// A Norwegian national identity number (fødselsnummer) or d-nummer, `DDMMYY III K1 K2`, with both
/// check digits and a real date of birth checked.
///
///     let fnr = try Fodselsnummer(parsing: "15838712360", policy: .allowingSynthetic)
///     fnr.kind        // .fodselsnummer
///     fnr.synthetic   // .tenor (month +80)
///     fnr.birthDate   // 1987-03-15
///
/// `description` is masked, so the number does not leak into logs by string interpolation; use
/// `value` where the number itself is needed.
public struct Fodselsnummer: Hashable, Sendable, CustomStringConvertible {
    /// Fødselsnummer proper, or d-nummer (day +40, given to people not resident in Norway).
    public enum Kind: String, Hashable, Sendable {
        case fodselsnummer
        case dNummer
    }

    /// Which synthetic test range a number is in.
    public enum Synthetic: String, Hashable, Sendable {
        /// Month +40: NAV's synthetic persons (Dolly); also the historical H-nummer range.
        case nav
        /// Month +80: Skatteetaten's synthetic persons (Tenor / Test Norge).
        case tenor

        /// Plain Norwegian for messages.
        public var beskrivelse: String {
            switch self {
            case .nav: "et syntetisk testnummer fra NAV eller et H-nummer (måned + 40)"
            case .tenor: "et syntetisk testnummer fra Skatteetaten/Tenor (måned + 80)"
            }
        }
    }

    /// The 11 digits.
    public let value: String
    public let kind: Kind
    /// nil for a real number.
    public let synthetic: Synthetic?
    /// The date of birth with the offsets removed and the century from the individual number.
    public let birthDate: CalendarDate

    public var isSynthetic: Bool { synthetic != nil }
    public var isDNummer: Bool { kind == .dNummer }

    static let weightsK1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    static let weightsK2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

    /// Parses 11 digits; checks K1 and K2, the date offsets, the policy on synthetic numbers, the
    /// century and the calendar date, in that order (so a typo is reported as a check-digit error).
    public init(parsing text: String, policy: FodselsnummerPolicy) throws(IdentifierError) {
        let d = try parseDigits(text, count: 11, identifier: .fodselsnummer)

        try Self.checkK1(d, policy: policy)
        guard let k2 = Mod11.checkDigit(d.prefix(10), weights: Self.weightsK2) else {
            throw IdentifierError(.fodselsnummer, .noValidCheckDigit(position: 11))
        }
        guard k2 == Int(d[10]) else { throw IdentifierError(.fodselsnummer, .checkDigitMismatch(position: 11)) }

        let rawDay = Int(d[0]) * 10 + Int(d[1])
        let rawMonth = Int(d[2]) * 10 + Int(d[3])
        let twoDigitYear = Int(d[4]) * 10 + Int(d[5])
        let individnummer = Int(d[6]) * 100 + Int(d[7]) * 10 + Int(d[8])

        let kind: Kind
        let day: Int
        switch rawDay {
        case 1...31: (kind, day) = (.fodselsnummer, rawDay)
        case 41...71: (kind, day) = (.dNummer, rawDay - 40)
        default: throw IdentifierError(.fodselsnummer, .unknownDateOffset(day: rawDay, month: rawMonth))
        }
        let synthetic: Synthetic?
        let month: Int
        switch rawMonth {
        case 1...12: (synthetic, month) = (nil, rawMonth)
        case 41...52: (synthetic, month) = (.nav, rawMonth - 40)
        case 81...92: (synthetic, month) = (.tenor, rawMonth - 80)
        default: throw IdentifierError(.fodselsnummer, .unknownDateOffset(day: rawDay, month: rawMonth))
        }
        if let synthetic, !policy.allowsSyntheticNumbers {
            throw IdentifierError(.fodselsnummer, .syntheticNotAllowed(synthetic))
        }
        guard let year = Self.year(twoDigitYear: twoDigitYear, individnummer: individnummer) else {
            throw IdentifierError(.fodselsnummer, .noCentury(individnummer: individnummer, twoDigitYear: twoDigitYear))
        }
        guard let birthDate = CalendarDate(year: year, month: month, day: day) else {
            throw IdentifierError(.fodselsnummer, .invalidBirthDate(day: day, month: month, year: year))
        }
        self.value = text
        self.kind = kind
        self.synthetic = synthetic
        self.birthDate = birthDate
    }

    private static func checkK1(_ d: [UInt8], policy: FodselsnummerPolicy) throws(IdentifierError) {
        var sum = 0
        for (digit, weight) in zip(d.prefix(9), weightsK1) { sum += Int(digit) * weight }
        let offsets = policy.acceptsK1From2032 ? 0...3 : 0...0
        // (11 + r − sum mod 11) mod 11 for each allowed r; 10 is never a digit.
        let candidates = offsets.map { (11 + $0 - sum % 11) % 11 }.filter { $0 != 10 }
        guard !candidates.isEmpty else { throw IdentifierError(.fodselsnummer, .noValidCheckDigit(position: 10)) }
        guard candidates.contains(Int(d[9])) else { throw IdentifierError(.fodselsnummer, .checkDigitMismatch(position: 10)) }
    }

    /// The four-digit year from the individual number (Skatteetaten):
    /// 000–499 → 1900–1999; 500–749 with YY ≥ 55 → 1855–1899; 900–999 with YY ≥ 40 → 1940–1999;
    /// 500–999 with YY ≤ 39 → 2000–2039; anything else (e.g. 500–749 with YY 40–54) has no century.
    static func year(twoDigitYear yy: Int, individnummer: Int) -> Int? {
        switch individnummer {
        case 0...499: return 1900 + yy
        case 500...999 where yy <= 39: return 2000 + yy
        case 500...749 where yy >= 55: return 1800 + yy
        case 900...999 where yy >= 40: return 1900 + yy
        default: return nil
        }
    }

    /// Masked: `***********`. The number is personal data and must not reach a log by accident.
    public var description: String { String(repeating: "*", count: 11) }
}
