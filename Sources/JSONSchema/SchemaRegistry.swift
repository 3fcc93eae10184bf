/// The documents `$ref` can reach: every schema is registered here by URI before compiling.
///
/// There is no network access: a reference to an unregistered URI is a compile error.
/// A registry is a value; register everything at start-up, then compile and share the
/// compiled schemas (which are immutable and `Sendable`).
public struct SchemaRegistry: Sendable {
    /// Documents by absolute URI (without fragment).
    private(set) var documents: [String: JSONValue] = [:]

    /// The base URI given to a schema compiled without an `$id` or URI of its own.
    public static let anonymousBaseURI = "jsonschema:///anonymous.json"

    public init() {}

    /// The URIs of every registered document.
    public var registeredURIs: [String] { documents.keys.sorted() }

    /// The document registered under `uri`, if any.
    public func document(at uri: String) -> JSONValue? {
        documents[URIReference.splitFragment(uri).base]
    }

    /// Registers a document under `uri`, or under its top-level `$id` when `uri` is nil.
    /// If both are given and differ, it is reachable by either.
    @discardableResult
    public mutating func register(_ document: JSONValue, uri: String? = nil) throws(SchemaError) -> String {
        let id = document["$id"]?.stringValue
        guard let key = uri ?? id else {
            throw SchemaError(location: "", message: "document has no $id and no URI was given")
        }
        let base = URIReference.splitFragment(key).base
        documents[base] = document
        if let id {
            let resolved = URIReference.splitFragment(URIReference.resolve(id, against: base)).base
            documents[resolved] = document
        }
        return base
    }

    /// Compiles the schema registered at `uri` (which may carry a fragment: a JSON Pointer or an anchor).
    public func compile(uri: String, options: SchemaOptions = SchemaOptions()) throws(SchemaError) -> CompiledSchema {
        let compiler = SchemaCompiler(documents: documents, options: options)
        return try compiler.compileRoot(uri: uri)
    }

    /// Compiles a schema that is not registered (it may `$ref` registered ones). Its `$id`, if any,
    /// is its base URI; otherwise `anonymousBaseURI`.
    public func compile(schema: JSONValue, options: SchemaOptions = SchemaOptions()) throws(SchemaError) -> CompiledSchema {
        var copy = self
        var base = SchemaRegistry.anonymousBaseURI
        if let id = schema["$id"]?.stringValue {
            base = URIReference.splitFragment(URIReference.resolve(id, against: base)).base
        }
        copy.documents[base] = schema
        let compiler = SchemaCompiler(documents: copy.documents, options: options)
        return try compiler.compileRoot(uri: base)
    }
}
