/// One reason an instance does not satisfy a schema.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the offending part of the instance ("" is the whole instance).
    public let instanceLocation: String
    /// The keyword path taken from the root schema, through any `$ref`
    /// (JSON Pointer syntax, e.g. "/properties/a/$ref/minimum").
    public let keywordLocation: String
    /// The keyword's absolute location: the schema resource URI with a JSON Pointer fragment.
    public let absoluteKeywordLocation: String
    /// The keyword that failed ("required", "pattern", ...).
    public let keyword: String
    /// A plain-language message.
    public let message: String

    public var description: String {
        "\(instanceLocation.isEmpty ? "/" : instanceLocation): \(message) [\(keywordLocation.isEmpty ? "/" : keywordLocation)]"
    }
}

/// The outcome of validating one instance.
public struct ValidationResult: Sendable {
    /// True when the instance satisfies the schema.
    public let isValid: Bool
    /// The errors found, in evaluation order, at most the requested number.
    public let errors: [ValidationError]
    /// True when more errors existed than were collected.
    public let isTruncated: Bool
}
