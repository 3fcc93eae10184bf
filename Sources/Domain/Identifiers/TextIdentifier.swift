/// An identifier whose whole value is its text (organisasjonsnummer, kommunenummer, …): parsed
/// once from that text, compared and ordered by it, and Codable as the plain string, parsed on
/// the way in so a registry file cannot smuggle in an invalid number.
public protocol TextIdentifier: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The identifier's text, already checked.
    var value: String { get }
    /// Parses `text`, or throws why it is not a valid identifier of this kind.
    init(parsing text: String) throws(IdentifierError)
}

extension TextIdentifier {
    /// Parses, or nil.
    public init?(_ text: String) {
        guard let parsed = try? Self(parsing: text) else { return nil }
        self = parsed
    }

    public var description: String { value }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

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
