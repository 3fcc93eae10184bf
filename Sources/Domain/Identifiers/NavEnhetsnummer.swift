/// A NAV enhetsnummer from NORG (`navKontor` in Digisos): 4 digits. It looks like a kommunenummer
/// but is not one (NAV Bergenhus is 1203 in kommune 4601), hence a separate type.
public struct NavEnhetsnummer: TextIdentifier {
    /// The 4 digits.
    public let value: String

    /// Parses exactly 4 ASCII digits.
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 4, identifier: .navEnhetsnummer)
        value = text
    }
}
