/// Choices made when compiling a schema.
public struct SchemaOptions: Sendable {
    /// Treat `format` as an assertion (it is an annotation by default in draft 2020-12).
    /// A schema whose meta-schema declares the format-assertion vocabulary asserts regardless.
    public var assertFormat: Bool
    /// Maximum nesting of schema evaluation (instance depth times in-place applicators);
    /// bounds the stack on deep instances and on `$ref` cycles that do not consume input.
    public var maxEvaluationDepth: Int

    public init(assertFormat: Bool = false, maxEvaluationDepth: Int = 256) {
        self.assertFormat = assertFormat
        self.maxEvaluationDepth = maxEvaluationDepth
    }
}
