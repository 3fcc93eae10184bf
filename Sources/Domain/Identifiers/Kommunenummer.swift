/// A kommunenummer: always 4 digits, keeping the leading zero (Kartverket); the first two digits
/// are the fylkesnummer. Whether the kommune exists on a given date is the registry's business.
public struct Kommunenummer: TextIdentifier {
    /// The 4 digits.
    public let value: String

    /// Parses exactly 4 ASCII digits (`"301"` is refused: the leading zero is part of the number).
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 4, identifier: .kommunenummer)
        value = text
    }

    /// The fylke the number belongs to by its first two digits.
    public var fylkesnummer: Fylkesnummer { Fylkesnummer(trusted: String(value.prefix(2))) }
}
