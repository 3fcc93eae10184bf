import Foundation
import JSONSchema

/// Where the message schemas live, and which schema a message names.
///
/// Convention agreed with the schema author: a message has a top-level `meldingstype` and a semver
/// `version`; the schema for type T, major version M is `T.vM.schema.json` with the `$id`
/// `https://klagebro.no/schemas/T.vM.schema.json`.
struct SchemaDirectory {
    static let idPrefix = "https://klagebro.no/schemas/"
    static let meldingstyper = ["klagesak-oversendelse", "statushendelse", "klagevedtak", "oppgave", "oppgavesvar"]

    let path: String

    /// `--schemas DIR`, else `$KLAGEBRO_SCHEMAS`, else `./Schemas`, else a `Schemas` folder found
    /// walking up from the executable's directory (so a binary in `.build/release` finds the repo's).
    static func locate(explicit: String?) -> SchemaDirectory? {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if let explicit { return SchemaDirectory(path: explicit) }
        if let env = ProcessInfo.processInfo.environment["KLAGEBRO_SCHEMAS"], !env.isEmpty { return SchemaDirectory(path: env) }
        if fm.fileExists(atPath: "Schemas", isDirectory: &isDir), isDir.boolValue { return SchemaDirectory(path: "Schemas") }
        var dir = executableURL().deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            let candidate = dir.appendingPathComponent("Schemas")
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), isDir.boolValue {
                return SchemaDirectory(path: candidate.path)
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    private static func executableURL() -> URL {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        #endif
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    /// The schema URI for a message, from its `meldingstype` and the major part of `version`.
    static func schemaURI(for message: JSONValue) -> Result<String, MessageTypeError> {
        guard case .object = message else { return .failure(.notAnObject) }
        guard let type = message["meldingstype"]?.stringValue else { return .failure(.missingType) }
        guard meldingstyper.contains(type) else { return .failure(.unknownType(type)) }
        guard let version = message["version"]?.stringValue else { return .failure(.missingVersion) }
        let major = version.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        guard !major.isEmpty, major.allSatisfy(\.isASCII), major.allSatisfy(\.isNumber) else { return .failure(.invalidVersion(version)) }
        return .success("\(idPrefix)\(type).v\(major).schema.json")
    }

    enum MessageTypeError: Error, CustomStringConvertible {
        case notAnObject, missingType, unknownType(String), missingVersion, invalidVersion(String)

        /// Where in the message the problem is.
        var instanceLocation: String {
            switch self {
            case .notAnObject: return ""
            case .missingType, .unknownType: return "/meldingstype"
            case .missingVersion, .invalidVersion: return "/version"
            }
        }

        var description: String {
            switch self {
            case .notAnObject: return "the message is not a JSON object"
            case .missingType: return "the message has no string \"meldingstype\""
            case .unknownType(let t): return "unknown meldingstype \"\(t)\" (known: \(SchemaDirectory.meldingstyper.joined(separator: ", ")))"
            case .missingVersion: return "the message has no string \"version\""
            case .invalidVersion(let v): return "version \"\(v)\" is not semver"
            }
        }
    }
}
