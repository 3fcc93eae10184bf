/// A fylkesnummer: 2 digits, with leading zero (Oslo is `03`).
public struct Fylkesnummer: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 2 digits.
    public let value: String

    /// Parses exactly 2 ASCII digits.
    public init(parsing text: String) throws(IdentifierError) {
        _ = try parseDigits(text, count: 2, identifier: .fylkesnummer)
        value = text
    }

    /// Parses, or nil.
    public init?(_ text: String) {
        guard let parsed = try? Fylkesnummer(parsing: text) else { return nil }
        self = parsed
    }

    init(trusted value: String) { self.value = value }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

// Codable as a plain string, parsed on the way in, for the registry file.
extension Fylkesnummer: Codable {
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
