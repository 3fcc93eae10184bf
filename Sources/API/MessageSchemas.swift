import JSONSchema

/// The message schemas of Schemas/, compiled once at start-up, and the one way the API reads a
/// message body: parse once (exact numbers), validate with the compiled schema, report every error
/// at its JSON Pointer.
public struct MessageSchemas: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case klagesakOversendelse = "klagesak-oversendelse"
        case statushendelse
        case klagevedtak
        case oppgave
        case oppgavesvar
    }

    struct Entry: Sendable {
        var schema: CompiledSchema
        /// `x-standardversjon` of the schema file: the newest minor version the server knows.
        var standardVersion: (major: Int, minor: Int)?
    }

    let entries: [Kind: Entry]
    /// The schema documents by file name, served under /api/v1/skjema/.
    public let documents: [String: String]
    /// The same documents parsed, by message kind (`felles` for the shared definitions).
    let parsed: [String: JSONValue]

    /// Registers every schema of `directory` by `$id` and compiles the v1 message schemas with
    /// `format` asserted (the README says formats are assertions).
    public init(directory: String) throws {
        var registry = SchemaRegistry()
        let uris = try registry.registerDirectory(atPath: directory)
        var entries: [Kind: Entry] = [:]
        var documents: [String: String] = [:]
        var parsed: [String: JSONValue] = [:]
        for kind in Kind.allCases {
            let file = "\(kind.rawValue).v1.schema.json"
            let uri = "https://klagebro.no/schemas/\(file)"
            guard uris.contains(uri) else { throw SchemaError(location: uri, message: "schema not found in \(directory)") }
            let document = try SchemaRegistry.readDocument(atPath: directory + "/" + file)
            documents[file] = JSONWriter.string(document)
            parsed[kind.rawValue] = document
            let schema = try registry.compile(uri: uri, options: SchemaOptions(assertFormat: true))
            entries[kind] = Entry(schema: schema, standardVersion: Self.majorMinor(document["x-standardversjon"]?.stringValue))
        }
        let felles = "felles.v1.schema.json"
        let fellesDocument = try SchemaRegistry.readDocument(atPath: directory + "/" + felles)
        documents[felles] = JSONWriter.string(fellesDocument)
        parsed["felles"] = fellesDocument
        self.entries = entries
        self.documents = documents
        self.parsed = parsed
    }

    /// Parses and validates a body as a message of `kind`; throws the problem to answer with.
    func read(_ body: [UInt8], as kind: Kind) throws(APIProblem) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: body, options: .init(maxDepth: 32))
        } catch {
            throw .malformedJSON(error)
        }
        guard let entry = entries[kind] else { preconditionFailure("every kind is compiled at start-up") }
        let result = entry.schema.validate(value, maxErrors: 50)
        if !result.isValid {
            let errors = result.errors.map {
                APIProblem.FieldError(pointer: $0.instanceLocation, code: $0.keyword, message: $0.message)
            }
            throw .schemaInvalid(meldingstype: kind.rawValue, errors: errors, truncated: result.isTruncated)
        }
        // A newer minor than the server knows may carry fields the server would drop silently.
        if let known = entry.standardVersion, let sent = Self.majorMinor(value["version"]?.stringValue),
            sent.major == known.major, sent.minor > known.minor
        {
            throw .semanticInvalid(errors: [
                .init(pointer: "/version", code: "ukjent-minorversjon",
                      message: "Version \(value["version"]?.stringValue ?? "") is newer than the \(known.major).\(known.minor) this server knows; send it as \(known.major).\(known.minor).x.")
            ])
        }
        return value
    }

    static func majorMinor(_ version: String?) -> (major: Int, minor: Int)? {
        guard let version else { return nil }
        let parts = version.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }
}
