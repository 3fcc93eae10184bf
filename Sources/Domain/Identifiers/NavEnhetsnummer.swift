/// A NAV enhetsnummer from NORG (`navKontor` in Digisos): 4 digits. It looks like a kommunenummer
/// but is not one (NAV Bergenhus is 1203 in kommune 4601), hence a separate type.
public struct NavEnhetsnummer: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 4 digits.
    public let value: String

    /// Parses exactly 4 ASCII digits.
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 4, identifier: .navEnhetsnummer)
        value = text
    }

    /// Parses, or nil.
    public init?(_ text: String) {
        guard let parsed = try? NavEnhetsnummer(parsing: text) else { return nil }
        self = parsed
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

// Codable as a plain string, parsed on the way in, for the registry file.
extension NavEnhetsnummer: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
