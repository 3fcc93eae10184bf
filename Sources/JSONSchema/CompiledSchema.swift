/// A schema compiled once, to validate many instances.
///
/// Immutable and `Sendable`: any number of threads may call `validate` at once.
/// Build one with `SchemaRegistry.compile(uri:options:)` or `SchemaRegistry.compile(schema:options:)`.
public final class CompiledSchema: Sendable {
    let root: SchemaNode
    /// Keeps every node alive: `$ref` edges are unowned (they may form cycles).
    let nodes: [SchemaNode]
    let resources: [SchemaResource]
    let options: SchemaOptions
    let usesDynamicScope: Bool

    init(root: SchemaNode, nodes: [SchemaNode], resources: [SchemaResource], options: SchemaOptions, usesDynamicScope: Bool) {
        self.root = root
        self.nodes = nodes
        self.resources = resources
        self.options = options
        self.usesDynamicScope = usesDynamicScope
    }

    /// The absolute URI of the root schema.
    public var uri: String { root.absoluteLocation }

    /// True when `instance` satisfies the schema. Stops at the first failure and builds no locations.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = SchemaEvaluator(schema: self, collecting: false, maxErrors: 0)
        var annotations = Annotations()
        return evaluator.evaluate(root, instance, &annotations, track: false)
    }

    /// Validates `instance` and, when it is invalid, collects up to `maxErrors` located errors.
    ///
    /// A valid instance costs one pass with no allocation of locations; an invalid one is
    /// evaluated a second time to collect its errors.
    public func validate(_ instance: JSONValue, maxErrors: Int = 100) -> ValidationResult {
        if isValid(instance) { return ValidationResult(isValid: true, errors: [], isTruncated: false) }
        guard maxErrors > 0 else { return ValidationResult(isValid: false, errors: [], isTruncated: true) }
        var evaluator = SchemaEvaluator(schema: self, collecting: true, maxErrors: maxErrors)
        var annotations = Annotations()
        _ = evaluator.evaluate(root, instance, &annotations, track: false)
        if evaluator.errors.isEmpty {
            // Cannot happen for a deterministic schema; keep the result truthful anyway.
            let e = ValidationError(instanceLocation: "", keywordLocation: "", absoluteKeywordLocation: root.absoluteLocation,
                                    keyword: "", message: "instance is invalid")
            return ValidationResult(isValid: false, errors: [e], isTruncated: false)
        }
        return ValidationResult(isValid: false, errors: evaluator.errors, isTruncated: evaluator.truncated)
    }
}
