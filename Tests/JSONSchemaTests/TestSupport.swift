import Foundation
import JSONSchema

/// Paths of shared material, found relative to this source file.
enum TestPaths {
    /// The repository root (two levels above Tests/JSONSchemaTests).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `../shared/conformance` relative to the repository root.
    static var conformance: URL {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    static var schemas: URL { repositoryRoot.appendingPathComponent("Schemas") }
}

func parse(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text: text)
}

func readJSON(_ url: URL) throws -> JSONValue {
    let data = try Data(contentsOf: url)
    return try JSONParser.parse(bytes: [UInt8](data))
}

func compile(_ schemaText: String, assertFormat: Bool = false) throws -> CompiledSchema {
    try SchemaRegistry().compile(schema: try parse(schemaText), options: SchemaOptions(assertFormat: assertFormat))
}
