import Foundation
import JSONSchema

/// The work of `klagebro validate`: register, compile, validate, print.
struct ValidateRun {
    let options: Validate.Options

    private func stderr(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    private func stdout(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    /// Returns the exit status.
    func run() -> Int32 {
        var registry = SchemaRegistry()
        let schemaOptions = SchemaOptions(assertFormat: options.assertFormat)
        do {
            // The message schemas are needed when picking by meldingstype, and are handy for $ref otherwise.
            if options.noSchemas {
                // Only --schema, --refs and --remotes documents.
            } else if let dir = SchemaDirectory.locate(explicit: options.schemasDir) {
                if FileManager.default.fileExists(atPath: dir.path) {
                    try registry.registerDirectory(atPath: dir.path)
                } else if options.schemasDir != nil || options.schemaFile == nil {
                    stderr("klagebro validate: schema directory \(dir.path) does not exist")
                    return 2
                }
            } else if options.schemaFile == nil {
                stderr("klagebro validate: no schema directory found (use --schemas DIR or set KLAGEBRO_SCHEMAS)")
                return 2
            }
            for dir in options.refs { try registry.registerDirectory(atPath: dir, recursive: true) }
            for file in options.remotes {
                guard case .object(let remotes) = try SchemaRegistry.readDocument(atPath: file) else {
                    stderr("klagebro validate: \(file) must hold a JSON object {uri: schema}")
                    return 2
                }
                for (uri, document) in remotes.members { try registry.register(document, uri: uri) }
            }
        } catch {
            stderr("klagebro validate: \(error)")
            return 2
        }

        var fixedSchema: CompiledSchema?
        if let file = options.schemaFile {
            do {
                let document = try SchemaRegistry.readDocument(atPath: file)
                fixedSchema = try registry.compile(schema: document, options: schemaOptions)
            } catch {
                stderr("klagebro validate: schema \(file): \(error)")
                return 2
            }
        }

        var compiled: [String: CompiledSchema] = [:]
        var status: Int32 = 0
        var reports: [JSONValue] = []
        for path in options.instances {
            let instance: JSONValue
            do {
                instance = try Self.readInstance(path)
            } catch {
                stderr("\(path): \(error.message)")
                reports.append(Self.report(path: path, problem: error.message))
                status = 2
                continue
            }
            let schema: CompiledSchema
            if let fixedSchema {
                schema = fixedSchema
            } else {
                switch SchemaDirectory.schemaURI(for: instance) {
                case .failure(let problem):
                    // A parsable message that names no known schema is invalid, not unreadable.
                    if status == 0 { status = 1 }
                    if options.json {
                        reports.append(Self.report(path: path, problem: problem.description, location: problem.instanceLocation))
                    } else if !options.quiet {
                        stdout("\(path): invalid (no schema)")
                        stdout("  \(problem.instanceLocation.isEmpty ? "/" : problem.instanceLocation): \(problem)")
                    }
                    continue
                case .success(let uri):
                    if let cached = compiled[uri] {
                        schema = cached
                    } else {
                        if registry.document(at: uri) == nil {
                            if status == 0 { status = 1 }
                            let problem = "no schema \(uri) for this meldingstype and major version"
                            if options.json {
                                reports.append(Self.report(path: path, problem: problem, location: "/version"))
                            } else if !options.quiet {
                                stdout("\(path): invalid (no schema)")
                                stdout("  /version: \(problem)")
                            }
                            continue
                        }
                        do {
                            schema = try registry.compile(uri: uri, options: schemaOptions)
                            compiled[uri] = schema
                        } catch {
                            stderr("\(path): schema \(uri): \(error)")
                            reports.append(Self.report(path: path, problem: "schema \(uri): \(error)"))
                            status = 2
                            continue
                        }
                    }
                }
            }
            let result = schema.validate(instance, maxErrors: options.maxErrors)
            if !result.isValid && status == 0 { status = 1 }
            if options.json {
                reports.append(Self.report(path: path, schema: schema.uri, result: result))
            } else if !options.quiet {
                if result.isValid {
                    stdout("\(path): valid")
                } else {
                    stdout("\(path): invalid (\(result.errors.count)\(result.isTruncated ? "+" : "") error\(result.errors.count == 1 ? "" : "s"))")
                    for e in result.errors {
                        stdout("  \(e.instanceLocation.isEmpty ? "/" : e.instanceLocation): \(e.message)  [\(e.keywordLocation.isEmpty ? "/" : e.keywordLocation)]")
                    }
                }
            }
        }
        if options.json && !options.quiet { stdout(JSONWriter.string(.array(reports))) }
        return status
    }

    struct ReadError: Error {
        let message: String
    }

    static func readInstance(_ path: String) throws(ReadError) -> JSONValue {
        guard let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path) else {
            throw ReadError(message: "cannot read file")
        }
        do {
            return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue in
                try JSONParser.parse(bytes: raw)
            }
        } catch {
            throw ReadError(message: "invalid JSON: \(error)")
        }
    }

    static func report(path: String, problem: String) -> JSONValue {
        .object(JSONObject([("file", .string(path)), ("valid", .null), ("problem", .string(problem))]))
    }

    /// A message whose own type or version names no schema: invalid, with one located error.
    static func report(path: String, problem: String, location: String) -> JSONValue {
        let error = JSONValue.object(JSONObject([
            ("instanceLocation", .string(location)), ("keywordLocation", .string("")),
            ("keyword", .string(location == "/version" ? "version" : "meldingstype")), ("message", .string(problem)),
        ]))
        return .object(JSONObject([("file", .string(path)), ("valid", .bool(false)), ("errors", .array([error]))]))
    }

    static func report(path: String, schema: String, result: ValidationResult) -> JSONValue {
        let errors: [JSONValue] = result.errors.map { e in
            .object(JSONObject([
                ("instanceLocation", .string(e.instanceLocation)),
                ("keywordLocation", .string(e.keywordLocation)),
                ("absoluteKeywordLocation", .string(e.absoluteKeywordLocation)),
                ("keyword", .string(e.keyword)),
                ("message", .string(e.message)),
            ]))
        }
        return .object(JSONObject([
            ("file", .string(path)), ("schema", .string(schema)), ("valid", .bool(result.isValid)),
            ("errors", .array(errors)), ("truncated", .bool(result.isTruncated)),
        ]))
    }
}
