import Foundation

extension SchemaRegistry {
    /// Registers every `*.json` file directly in `directory` that has a top-level `$id`
    /// (files without one, such as examples, are skipped). Returns the registered URIs.
    @discardableResult
    public mutating func registerDirectory(atPath directory: String, recursive: Bool = false) throws(SchemaError) -> [String] {
        let fm = FileManager.default
        var files: [String] = []
        do {
            if recursive {
                guard let e = fm.enumerator(atPath: directory) else {
                    throw SchemaError(location: directory, message: "cannot read directory")
                }
                while let p = e.nextObject() as? String {
                    if p.hasSuffix(".json") { files.append(p) }
                }
            } else {
                files = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            }
        } catch let error as SchemaError {
            throw error
        } catch {
            throw SchemaError(location: directory, message: "cannot read directory: \(error.localizedDescription)")
        }
        var registered: [String] = []
        for name in files.sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            let document = try Self.readDocument(atPath: path)
            guard document["$id"]?.stringValue != nil else { continue }
            registered.append(try register(document))
        }
        return registered
    }

    /// Reads and parses a JSON file.
    public static func readDocument(atPath path: String, options: JSONParser.Options = .init()) throws(SchemaError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaError(location: path, message: "cannot read file")
        }
        do {
            return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue in
                try JSONParser.parse(bytes: raw, options: options)
            }
        } catch {
            throw SchemaError(location: path, message: "invalid JSON: \(error)")
        }
    }
}
