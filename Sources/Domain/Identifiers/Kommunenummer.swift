/// A kommunenummer: always 4 digits, keeping the leading zero (Kartverket); the first two digits
/// are the fylkesnummer. Whether the kommune exists on a given date is the registry's business.
public struct Kommunenummer: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 4 digits.
    public let value: String

    /// Parses exactly 4 ASCII digits (`"301"` is refused: the leading zero is part of the number).
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 4, identifier: .kommunenummer)
        value = text
    }

    /// Parses, or nil.
    public init?(_ text: String) {
        guard let parsed = try? Kommunenummer(parsing: text) else { return nil }
        self = parsed
    }

    /// The fylke the number belongs to by its first two digits.
    public var fylkesnummer: Fylkesnummer { Fylkesnummer(trusted: String(value.prefix(2))) }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

// Codable as a plain string, parsed on the way in, for the registry file.
extension Kommunenummer: Codable {
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
