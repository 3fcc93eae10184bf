import ArgumentParser
import Foundation
import JSONSchema

/// `klagebro validate`: validates message files against the schemas.
///
/// Exit status: 0 when every instance is valid, 1 when any is invalid, 2 for usage errors or
/// unreadable/unparsable input (also when a schema cannot be compiled). Arguments are parsed here
/// rather than by ArgumentParser so that every usage error exits with 2.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate messages against the schemas.",
        discussion: """
            klagebro validate [options] INSTANCE...

              --schema FILE          validate against this schema file (otherwise the schema is picked from
                                     each message's "meldingstype" and "version")
              --schemas DIR          schema directory (default: $KLAGEBRO_SCHEMAS, ./Schemas, or a Schemas
                                     folder above the executable); every *.json with an $id is registered
              --no-schemas           do not register the schema directory (only with --schema)
              --refs DIR             also register every *.json with an $id in DIR (repeatable)
              --remotes FILE         also register documents from a JSON object {uri: schema} (repeatable)
              --assert-format        treat "format" as an assertion (default)
              --no-assert-format     treat "format" as an annotation only
              --format text|json     output format (default text)
              --max-errors N         errors reported per instance (default 100)
              --quiet                print nothing, only set the exit status

            Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable input.
            """)

    @Argument(parsing: .captureForPassthrough, help: "Options and instance files (see the discussion).")
    var arguments: [String] = []

    struct Options {
        var schemaFile: String?
        var schemasDir: String?
        var refs: [String] = []
        var remotes: [String] = []
        var assertFormat = true
        var json = false
        var maxErrors = 100
        var quiet = false
        var noSchemas = false
        var instances: [String] = []
    }

    func run() throws {
        // Captured arguments bypass ArgumentParser's own help, so answer --help here.
        if arguments.contains("--help") || arguments.contains("-h") {
            print(Self.helpMessage())
            return
        }
        switch Self.parse(arguments) {
        case .failure(let message):
            FileHandle.standardError.write(Data("klagebro validate: \(message)\n".utf8))
            throw ExitCode(2)
        case .success(let options):
            let code = ValidateRun(options: options).run()
            if code != 0 { throw ExitCode(code) }
        }
    }

    enum ParseOutcome {
        case success(Options)
        case failure(String)
    }

    static func parse(_ args: [String]) -> ParseOutcome {
        var o = Options()
        var i = 0
        func value(_ name: String) -> String? {
            i += 1
            return i < args.count ? args[i] : nil
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--schema": guard let v = value(a) else { return .failure("\(a) needs a value") }; o.schemaFile = v
            case "--schemas": guard let v = value(a) else { return .failure("\(a) needs a value") }; o.schemasDir = v
            case "--refs": guard let v = value(a) else { return .failure("\(a) needs a value") }; o.refs.append(v)
            case "--remotes": guard let v = value(a) else { return .failure("\(a) needs a value") }; o.remotes.append(v)
            case "--assert-format": o.assertFormat = true
            case "--no-assert-format": o.assertFormat = false
            case "--no-schemas": o.noSchemas = true
            case "--quiet", "-q": o.quiet = true
            case "--format":
                guard let v = value(a), v == "text" || v == "json" else { return .failure("--format takes text or json") }
                o.json = v == "json"
            case "--max-errors":
                guard let v = value(a), let n = Int(v), n >= 1 else { return .failure("--max-errors takes a positive number") }
                o.maxErrors = n
            case "--":
                o.instances += args[(i + 1)...]
                i = args.count
            default:
                if a.hasPrefix("-") && a != "-" { return .failure("unknown option \(a)") }
                o.instances.append(a)
            }
            i += 1
        }
        if o.instances.isEmpty { return .failure("no instance files given (see --help)") }
        if o.noSchemas && o.schemaFile == nil { return .failure("--no-schemas needs --schema FILE") }
        return .success(o)
    }
}
