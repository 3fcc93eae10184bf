/// The keywords a compiled schema node actually has, as bits.
///
/// Evaluation tests a bit before it reads the keyword's field: reading an array or an optional
/// reference out of a `SchemaNode` costs a retain and a release even when it is empty or nil,
/// and profiles showed those on every node visited.
struct KeywordSet: OptionSet {
    let rawValue: UInt32

    static let minMaxProperties = KeywordSet(rawValue: 1 << 0)
    static let required = KeywordSet(rawValue: 1 << 1)
    static let dependentRequired = KeywordSet(rawValue: 1 << 2)
    static let propertyNames = KeywordSet(rawValue: 1 << 3)
    static let properties = KeywordSet(rawValue: 1 << 4)
    static let patternProperties = KeywordSet(rawValue: 1 << 5)
    static let additionalProperties = KeywordSet(rawValue: 1 << 6)
    static let dependentSchemas = KeywordSet(rawValue: 1 << 7)
    static let ref = KeywordSet(rawValue: 1 << 8)
    static let dynamicRef = KeywordSet(rawValue: 1 << 9)
    static let allOf = KeywordSet(rawValue: 1 << 10)
    static let anyOf = KeywordSet(rawValue: 1 << 11)
    static let oneOf = KeywordSet(rawValue: 1 << 12)
    static let not = KeywordSet(rawValue: 1 << 13)
    static let ifThenElse = KeywordSet(rawValue: 1 << 14)
}
