/// A Norwegian organisation number (Enhetsregisteret): 9 digits, the last a mod-11 check digit
/// with weights 3 2 7 6 5 4 3 2.
///
/// Existence is not checked here; whether a number is an embete, a NAV unit or a state NAV number
/// is the registry's business.
public struct Organisasjonsnummer: TextIdentifier {
    /// The 9 digits.
    public let value: String

    static let weights = [3, 2, 7, 6, 5, 4, 3, 2]

    /// Parses 9 ASCII digits with a valid check digit.
    ///
    ///     let orgnr = try Organisasjonsnummer(parsing: "310001007")
    public init(parsing text: String) throws(IdentifierError) {
        let digits = try parseDigits(text, count: 9, identifier: .organisasjonsnummer)
        guard let check = Mod11.checkDigit(digits.prefix(8), weights: Self.weights) else {
            throw IdentifierError(.organisasjonsnummer, .noValidCheckDigit(position: 9))
        }
        guard check == Int(digits[8]) else {
            throw IdentifierError(.organisasjonsnummer, .checkDigitMismatch(position: 9))
        }
        value = text
    }

    /// The check digit for 8 leading digits, or nil when none exists. For generating test data.
    public static func checkDigit(forFirstEight prefix: String) -> Int? {
        guard let digits = try? parseDigits(prefix, count: 8, identifier: .organisasjonsnummer) else { return nil }
        return Mod11.checkDigit(digits, weights: weights)
    }

    /// Whether the number lies where Enhetsregisteret's real numbers lie (first digit 8 or 9).
    /// Synthetic test organisations (Tenor, and the examples in Schemas/) use numbers starting with
    /// 2 or 3, so a number outside this range in a production registry is test data left behind.
    public var isInRealRange: Bool { value.first == "8" || value.first == "9" }
}
