/// One compiled schema object: every keyword it has, in a specialised form.
///
/// Nodes are built by `SchemaCompiler` and never change afterwards; that is what makes the
/// `@unchecked Sendable` and the unchecked exclusivity of their fields sound (the fields are
/// `var` only because reference cycles are closed after creation; reading them is the hot path). Tree edges (subschemas) are strong references; `$ref`,
/// `$dynamicRef` and dynamic-anchor edges are unowned or `Unmanaged`, because they may form cycles. The owning
/// `CompiledSchema` keeps every node alive in `nodes`.
final class SchemaNode: @unchecked Sendable {
    /// Absolute URI of this schema object, with a JSON Pointer fragment.
    let absoluteLocation: String
    /// For boolean schemas: their value.
    @exclusivity(unchecked) var booleanValue: Bool?

    // Validation vocabulary.
    @exclusivity(unchecked) var typeMask: UInt8 = 0
    @exclusivity(unchecked) var enumValues: [JSONValue]?
    @exclusivity(unchecked) var enumSet: Set<JSONValue>?
    @exclusivity(unchecked) var constValue: JSONValue?
    @exclusivity(unchecked) var minimum: JSONNumber?
    @exclusivity(unchecked) var maximum: JSONNumber?
    @exclusivity(unchecked) var exclusiveMinimum: JSONNumber?
    @exclusivity(unchecked) var exclusiveMaximum: JSONNumber?
    @exclusivity(unchecked) var multipleOf: JSONNumber?
    @exclusivity(unchecked) var minLength: Int?
    @exclusivity(unchecked) var maxLength: Int?
    @exclusivity(unchecked) var pattern: ECMARegex?
    /// The pattern's automaton, held here so string checks reach it without copying the regex.
    @exclusivity(unchecked) var patternAutomaton: RegexDFA?
    /// True when there is a pattern without an automaton (it needs the backtracking machine).
    @exclusivity(unchecked) var patternNeedsMachine = false
    @exclusivity(unchecked) var format: FormatKind?
    @exclusivity(unchecked) var formatName: String?
    @exclusivity(unchecked) var minItems: Int?
    @exclusivity(unchecked) var maxItems: Int?
    @exclusivity(unchecked) var uniqueItems = false
    @exclusivity(unchecked) var minContains: Int?
    @exclusivity(unchecked) var maxContains: Int?
    @exclusivity(unchecked) var minProperties: Int?
    @exclusivity(unchecked) var maxProperties: Int?
    @exclusivity(unchecked) var required: [String] = []
    @exclusivity(unchecked) var dependentRequired: [(String, [String])] = []

    // Applicator vocabulary.
    @exclusivity(unchecked) var properties: [ExactString: SchemaNode] = [:]
    /// The same, in schema order, for a linear lookup when there are few (faster than hashing).
    @exclusivity(unchecked) var propertyList: [(name: String, node: SchemaNode)] = []
    /// `propertyList` again, in memory this node owns, filled by `finish`. The evaluator reads its
    /// entries in place: reading the array (a class field) and copying an entry out of it cost a
    /// retain and a release each, per member of every object (profiles).
    @exclusivity(unchecked) private(set) var propertyTable = UnsafeMutableBufferPointer<PropertyEntry>(start: nil, count: 0)
    @exclusivity(unchecked) var patternProperties: [(ECMARegex, String, SchemaNode)] = []
    @exclusivity(unchecked) var additionalProperties: SchemaNode?
    @exclusivity(unchecked) var propertyNames: SchemaNode?
    @exclusivity(unchecked) var dependentSchemas: [(String, SchemaNode)] = []
    @exclusivity(unchecked) var prefixItems: [SchemaNode] = []
    @exclusivity(unchecked) var items: SchemaNode?
    @exclusivity(unchecked) var contains: SchemaNode?
    @exclusivity(unchecked) var allOf: [SchemaNode] = []
    @exclusivity(unchecked) var anyOf: [SchemaNode] = []
    @exclusivity(unchecked) var oneOf: [SchemaNode] = []
    @exclusivity(unchecked) var not: SchemaNode?
    @exclusivity(unchecked) var ifSchema: SchemaNode?
    @exclusivity(unchecked) var thenSchema: SchemaNode?
    @exclusivity(unchecked) var elseSchema: SchemaNode?
    /// The `$ref` target, borrowed by the evaluator without a retain (see `PropertyEntry`).
    @exclusivity(unchecked) var ref: Unmanaged<SchemaNode>?
    @exclusivity(unchecked) var dynamicRef: DynamicReference?

    // Unevaluated vocabulary.
    @exclusivity(unchecked) var unevaluatedItems: SchemaNode?
    @exclusivity(unchecked) var unevaluatedProperties: SchemaNode?

    /// Set when this node starts a schema resource (it has `$id`, or is a document root).
    @exclusivity(unchecked) var resource: SchemaResource?
    /// The resource this node belongs to (its dynamic scope entry when reached by a reference).
    @exclusivity(unchecked) unowned(unsafe) var owner: SchemaResource?

    /// Quick flags, computed once compilation is done.
    @exclusivity(unchecked) var hasObjectKeywords = false
    @exclusivity(unchecked) var hasArrayKeywords = false
    @exclusivity(unchecked) var hasStringKeywords = false
    @exclusivity(unchecked) var hasNumberKeywords = false
    @exclusivity(unchecked) var hasInPlaceApplicators = false
    /// True when the node's only keyword is `$ref` (title, description and the like aside).
    @exclusivity(unchecked) var isPureReference = false
    /// True when the node has `enum` or `const`: evaluation reads neither optional otherwise
    /// (reading `constValue` copies a JSONValue, which profiles showed on every node).
    @exclusivity(unchecked) var hasValueKeywords = false
    /// When every `required` name is also in `propertyList` (at most 64 entries): one bit per
    /// required position in `propertyList`. The fast mode then checks `required` with the
    /// property lookups it does anyway instead of searching the object for each name.
    @exclusivity(unchecked) var requiredPropertyBits: UInt64 = 0
    @exclusivity(unchecked) var requiredByProperties = false
    /// The object and applicator keywords present (see `KeywordSet`).
    @exclusivity(unchecked) var keywords: KeywordSet = []
    /// True for a schema object whose keywords all look at the value alone (type, enum, const,
    /// number and string keywords): most nodes a message reaches. The fast mode checks these
    /// without the bookkeeping of a node with subschemas.
    @exclusivity(unchecked) var isLeaf = false
    /// When `enum`/`const` allow only strings (and no enum set is used): those strings, so a
    /// string value is compared without going through JSONValue. Nil otherwise.
    @exclusivity(unchecked) var allowedStrings: [String]?
    /// True when this node needs evaluation annotations from its own keywords (`unevaluated*`).
    /// Stored, not computed: it is read on every node visit, and testing the two optional
    /// references there cost more than a flag.
    @exclusivity(unchecked) var needsAnnotations = false

    init(absoluteLocation: String) {
        self.absoluteLocation = absoluteLocation
    }

    deinit {
        propertyTable.deinitialize()
        propertyTable.deallocate()
    }

    func finish() {
        patternAutomaton = pattern?.automaton
        patternNeedsMachine = pattern != nil && patternAutomaton == nil
        if properties.count > 16 { propertyList = [] }
        propertyTable.deinitialize()
        propertyTable.deallocate()
        propertyTable = .allocate(capacity: propertyList.count)
        _ = propertyTable.initialize(from: propertyList.map { PropertyEntry(name: $0.name, node: .passUnretained($0.node)) })
        hasValueKeywords = enumValues != nil || constValue != nil
        needsAnnotations = unevaluatedItems != nil || unevaluatedProperties != nil
        allowedStrings = nil
        if enumSet == nil, enumValues != nil || constValue != nil {
            // Both keywords present: a string must be equal to the const and among the enum.
            let candidates = constValue.map { [$0] } ?? enumValues ?? []
            let strings = candidates.compactMap(\.stringValue)
            if strings.count == candidates.count {
                allowedStrings = strings.filter { s in enumValues?.contains(.string(s)) ?? true }
            }
        }
        keywords = []
        if minProperties != nil || maxProperties != nil { keywords.insert(.minMaxProperties) }
        if !required.isEmpty { keywords.insert(.required) }
        if !dependentRequired.isEmpty { keywords.insert(.dependentRequired) }
        if propertyNames != nil { keywords.insert(.propertyNames) }
        if !properties.isEmpty { keywords.insert(.properties) }
        if !patternProperties.isEmpty { keywords.insert(.patternProperties) }
        if additionalProperties != nil { keywords.insert(.additionalProperties) }
        if !dependentSchemas.isEmpty { keywords.insert(.dependentSchemas) }
        if ref != nil { keywords.insert(.ref) }
        if dynamicRef != nil { keywords.insert(.dynamicRef) }
        if !allOf.isEmpty { keywords.insert(.allOf) }
        if !anyOf.isEmpty { keywords.insert(.anyOf) }
        if !oneOf.isEmpty { keywords.insert(.oneOf) }
        if not != nil { keywords.insert(.not) }
        if ifSchema != nil { keywords.insert(.ifThenElse) }
        requiredByProperties = !required.isEmpty && !propertyList.isEmpty && propertyList.count <= 64
        requiredPropertyBits = 0
        for name in required where requiredByProperties {
            if let i = propertyList.firstIndex(where: { $0.name.isExactlyEqual(to: name) }) {
                requiredPropertyBits |= 1 << UInt64(i)
            } else {
                requiredByProperties = false
                requiredPropertyBits = 0
            }
        }
        hasObjectKeywords = !properties.isEmpty || !patternProperties.isEmpty || additionalProperties != nil
            || propertyNames != nil || !dependentSchemas.isEmpty || minProperties != nil || maxProperties != nil
            || !required.isEmpty || !dependentRequired.isEmpty || unevaluatedProperties != nil
        hasArrayKeywords = !prefixItems.isEmpty || items != nil || contains != nil || minItems != nil || maxItems != nil
            || uniqueItems || unevaluatedItems != nil
        hasStringKeywords = minLength != nil || maxLength != nil || pattern != nil || format != nil
        hasNumberKeywords = minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil
            || multipleOf != nil
        isPureReference = ref != nil && booleanValue == nil && typeMask == 0 && enumValues == nil && constValue == nil
            && minimum == nil && maximum == nil && exclusiveMinimum == nil && exclusiveMaximum == nil && multipleOf == nil
            && minLength == nil && maxLength == nil && pattern == nil && format == nil && minItems == nil && maxItems == nil
            && !uniqueItems && minProperties == nil && maxProperties == nil && required.isEmpty && dependentRequired.isEmpty
            && properties.isEmpty && patternProperties.isEmpty && additionalProperties == nil && propertyNames == nil
            && dependentSchemas.isEmpty && prefixItems.isEmpty && items == nil && contains == nil && allOf.isEmpty
            && anyOf.isEmpty && oneOf.isEmpty && not == nil && ifSchema == nil && dynamicRef == nil
            && unevaluatedItems == nil && unevaluatedProperties == nil
        hasInPlaceApplicators = !allOf.isEmpty || !anyOf.isEmpty || !oneOf.isEmpty || not != nil || ifSchema != nil
            || ref != nil || dynamicRef != nil
        isLeaf = booleanValue == nil && keywords.isEmpty && !hasObjectKeywords && !hasArrayKeywords
            && !hasInPlaceApplicators && !needsAnnotations
    }
}

/// A `properties` entry: the member name and its subschema (kept alive by `CompiledSchema.nodes`).
///
/// The subschema is `Unmanaged` so the evaluator can borrow it (`_withUnsafeGuaranteedRef`):
/// an `unowned(unsafe)` field still costs a retain and a release when it is passed on, once per
/// member of every object (profiles).
struct PropertyEntry {
    let name: String
    let node: Unmanaged<SchemaNode>
}

/// A `$dynamicRef`: its statically resolved target and, when that target carries a matching
/// `$dynamicAnchor`, the anchor name to look up in the dynamic scope.
struct DynamicReference {
    unowned(unsafe) let target: SchemaNode
    let anchor: String?
}

/// A schema resource (a schema with `$id`, or a document root): the unit of the dynamic scope.
final class SchemaResource: @unchecked Sendable {
    let uri: String
    /// `$dynamicAnchor` names defined in this resource, to their nodes (unowned: see `SchemaNode`).
    @exclusivity(unchecked) var dynamicAnchors: [String: UnownedNode] = [:]

    init(uri: String) { self.uri = uri }
}

struct UnownedNode {
    unowned(unsafe) let node: SchemaNode
}

/// JSON types as bits, for the `type` keyword.
enum TypeBits {
    static let null: UInt8 = 1
    static let boolean: UInt8 = 2
    static let object: UInt8 = 4
    static let array: UInt8 = 8
    static let number: UInt8 = 16
    static let string: UInt8 = 32
    static let integer: UInt8 = 64

    static func bit(named name: String) -> UInt8? {
        switch name {
        case "null": return null
        case "boolean": return boolean
        case "object": return object
        case "array": return array
        case "number": return number
        case "string": return string
        case "integer": return integer
        default: return nil
        }
    }

    static func names(_ mask: UInt8) -> [String] {
        ["null", "boolean", "object", "array", "number", "string", "integer"].filter { mask & bit(named: $0)! != 0 }
    }
}
