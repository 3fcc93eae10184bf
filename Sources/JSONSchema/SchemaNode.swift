/// One compiled schema object: every keyword it has, in a specialised form.
///
/// Nodes are built by `SchemaCompiler` and never change afterwards; that is what makes the
/// `@unchecked Sendable` sound. Tree edges (subschemas) are strong references; `$ref`,
/// `$dynamicRef` and dynamic-anchor edges are unowned, because they may form cycles. The owning
/// `CompiledSchema` keeps every node alive in `nodes`.
final class SchemaNode: @unchecked Sendable {
    /// Absolute URI of this schema object, with a JSON Pointer fragment.
    let absoluteLocation: String
    /// For boolean schemas: their value.
    var booleanValue: Bool?

    // Validation vocabulary.
    var typeMask: UInt8 = 0
    var enumValues: [JSONValue]?
    var enumSet: Set<JSONValue>?
    var constValue: JSONValue?
    var minimum: JSONNumber?
    var maximum: JSONNumber?
    var exclusiveMinimum: JSONNumber?
    var exclusiveMaximum: JSONNumber?
    var multipleOf: JSONNumber?
    var minLength: Int?
    var maxLength: Int?
    var pattern: ECMARegex?
    var format: FormatKind?
    var formatName: String?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var minContains: Int?
    var maxContains: Int?
    var minProperties: Int?
    var maxProperties: Int?
    var required: [String] = []
    var dependentRequired: [(String, [String])] = []

    // Applicator vocabulary.
    var properties: [ExactString: SchemaNode] = [:]
    var patternProperties: [(ECMARegex, String, SchemaNode)] = []
    var additionalProperties: SchemaNode?
    var propertyNames: SchemaNode?
    var dependentSchemas: [(String, SchemaNode)] = []
    var prefixItems: [SchemaNode] = []
    var items: SchemaNode?
    var contains: SchemaNode?
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode] = []
    var oneOf: [SchemaNode] = []
    var not: SchemaNode?
    var ifSchema: SchemaNode?
    var thenSchema: SchemaNode?
    var elseSchema: SchemaNode?
    unowned(unsafe) var ref: SchemaNode?
    var dynamicRef: DynamicReference?

    // Unevaluated vocabulary.
    var unevaluatedItems: SchemaNode?
    var unevaluatedProperties: SchemaNode?

    /// Set when this node starts a schema resource (it has `$id`, or is a document root).
    var resource: SchemaResource?
    /// The resource this node belongs to (its dynamic scope entry when reached by a reference).
    unowned(unsafe) var owner: SchemaResource?

    /// Quick flags, computed once compilation is done.
    var hasObjectKeywords = false
    var hasArrayKeywords = false
    var hasStringKeywords = false
    var hasNumberKeywords = false
    var hasInPlaceApplicators = false
    /// True when this node needs evaluation annotations from its own keywords (`unevaluated*`).
    var needsAnnotations: Bool { unevaluatedItems != nil || unevaluatedProperties != nil }

    init(absoluteLocation: String) {
        self.absoluteLocation = absoluteLocation
    }

    func finish() {
        hasObjectKeywords = !properties.isEmpty || !patternProperties.isEmpty || additionalProperties != nil
            || propertyNames != nil || !dependentSchemas.isEmpty || minProperties != nil || maxProperties != nil
            || !required.isEmpty || !dependentRequired.isEmpty || unevaluatedProperties != nil
        hasArrayKeywords = !prefixItems.isEmpty || items != nil || contains != nil || minItems != nil || maxItems != nil
            || uniqueItems || unevaluatedItems != nil
        hasStringKeywords = minLength != nil || maxLength != nil || pattern != nil || format != nil
        hasNumberKeywords = minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil
            || multipleOf != nil
        hasInPlaceApplicators = !allOf.isEmpty || !anyOf.isEmpty || !oneOf.isEmpty || not != nil || ifSchema != nil
            || ref != nil || dynamicRef != nil
    }
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
    var dynamicAnchors: [String: UnownedNode] = [:]

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
