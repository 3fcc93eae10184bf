/// A fylkesnummer: 2 digits, with leading zero (Oslo is `03`).
public struct Fylkesnummer: TextIdentifier {
    /// The 2 digits.
    public let value: String

    /// Parses exactly 2 ASCII digits.
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 2, identifier: .fylkesnummer)
        value = text
    }

    init(trusted value: String) { self.value = value }
}
