// Validations per second on one core, for each instance: already parsed, and with parsing counted.
//
// usage: klagebro-bench-validate --refs DIR [--schema FILE | --schema-uri URI] [--seconds S] [--cpu-time]
//                                [--iterations N [--mode parsed|with-parse]] INSTANCE...
// Without --schema/--schema-uri the schema URI is https://klagebro.no/schemas/<meldingstype>.v<major>.schema.json.
// --iterations runs exactly N validations per instance and prints no rates: for instruction counts
// under `valgrind --tool=callgrind`, where the difference of two runs (N and 0) is N validations.
import Foundation
import JSONSchema

struct BenchOptions {
    var refs: [String] = []
    var schemaFile: String?
    var schemaURI: String?
    var seconds = 2.0
    var instances: [String] = []
    var iterations: Int?
    var mode = "parsed"
    /// Wall-clock time, like the peers' `time.perf_counter()`; `--cpu-time` uses this thread's
    /// CPU time instead, which is steadier on a machine shared with other work.
    var clock = CLOCK_MONOTONIC
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("klagebro-bench-validate: \(message)\n".utf8))
    exit(2)
}

func value(_ args: inout ArraySlice<String>, _ option: String) -> String {
    guard let v = args.popFirst() else { fail("\(option) needs a value") }
    return v
}

func parseArguments() -> BenchOptions {
    var o = BenchOptions()
    var args = CommandLine.arguments.dropFirst()
    while let a = args.popFirst() {
        switch a {
        case "--refs": o.refs.append(value(&args, a))
        case "--schema": o.schemaFile = value(&args, a)
        case "--schema-uri": o.schemaURI = value(&args, a)
        case "--cpu-time": o.clock = CLOCK_THREAD_CPUTIME_ID
        case "--iterations":
            guard let n = Int(value(&args, a)), n >= 0 else { fail("--iterations needs a count") }
            o.iterations = n
        case "--mode":
            o.mode = value(&args, a)
            guard o.mode == "parsed" || o.mode == "with-parse" else { fail("--mode is parsed or with-parse") }
        case "--seconds":
            guard let s = Double(value(&args, a)) else { fail("--seconds needs a number") }
            o.seconds = s
        default: o.instances.append(a)
        }
    }
    if o.instances.isEmpty { fail("no instances") }
    return o
}

/// Seconds on `clock`.
func now(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` in batches until `seconds` have passed; returns calls per second.
func rate(seconds: Double, clock: clockid_t, _ body: () -> Bool) -> Double {
    var n = 0
    var sink = 0
    let start = now(clock)
    var elapsed = 0.0
    repeat {
        for _ in 0..<200 where body() { sink &+= 1 }
        n += 200
        elapsed = now(clock) - start
    } while elapsed < seconds
    if sink == -1 { print("") }
    return Double(n) / elapsed
}

let options = parseArguments()
var registry = SchemaRegistry()
do {
    for dir in options.refs { try registry.registerDirectory(atPath: dir) }
} catch {
    fail("\(error)")
}
let schemaOptions = SchemaOptions(assertFormat: true)
var fixed: CompiledSchema?
do {
    if let file = options.schemaFile {
        fixed = try registry.compile(schema: SchemaRegistry.readDocument(atPath: file), options: schemaOptions)
    } else if let uri = options.schemaURI {
        fixed = try registry.compile(uri: uri, options: schemaOptions)
    }
} catch {
    fail("\(error)")
}

func pad(_ s: String, _ width: Int, left: Bool = true) -> String {
    let n = s.count
    if n >= width { return s }
    let fill = String(repeating: " ", count: width - n)
    return left ? s + fill : fill + s
}

print(pad("instance", 60) + pad("bytes", 8, left: false) + pad("parsed val/s", 16, left: false) + pad("incl. parse /s", 16, left: false))
var parsedRates: [Double] = []
var withParseRates: [Double] = []
for path in options.instances {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let bytes = [UInt8](data)
    let instance: JSONValue
    do { instance = try JSONParser.parse(bytes: bytes) } catch { fail("\(path): \(error)") }
    let schema: CompiledSchema
    if let fixed {
        schema = fixed
    } else {
        guard let type = instance["meldingstype"]?.stringValue, let version = instance["version"]?.stringValue,
              let major = version.split(separator: ".").first else { fail("\(path): no meldingstype/version") }
        do {
            schema = try registry.compile(uri: "https://klagebro.no/schemas/\(type).v\(major).schema.json", options: schemaOptions)
        } catch { fail("\(error)") }
    }
    guard schema.validate(instance).isValid else { fail("\(path) is not valid; benchmark valid instances") }
    if let n = options.iterations {
        var sink = 0
        for _ in 0..<n {
            let ok: Bool
            if options.mode == "parsed" {
                ok = schema.validate(instance).isValid
            } else {
                ok = bytes.withUnsafeBytes { raw in
                    guard let v = try? JSONParser.parse(bytes: raw) else { return false }
                    return schema.validate(v).isValid
                }
            }
            if ok { sink += 1 }
        }
        if sink != n { fail("\(path): \(n - sink) of \(n) validations failed") }
        continue
    }
    let parsed = rate(seconds: options.seconds, clock: options.clock) { schema.validate(instance).isValid }
    let withParse = rate(seconds: options.seconds, clock: options.clock) {
        bytes.withUnsafeBytes { raw in
            guard let v = try? JSONParser.parse(bytes: raw) else { return false }
            return schema.validate(v).isValid
        }
    }
    parsedRates.append(parsed)
    withParseRates.append(withParse)
    let name = path.count > 58 ? "…" + path.suffix(57) : path
    print(pad(name, 60) + pad(String(bytes.count), 8, left: false) + pad(String(Int(parsed)), 16, left: false)
          + pad(String(Int(withParse)), 16, left: false))
}
if options.iterations != nil { exit(0) }
func harmonic(_ xs: [Double]) -> Double { Double(xs.count) / xs.reduce(0) { $0 + 1 / $1 } }
print(pad("harmonic mean (validations/s over the set)", 68) + pad(String(Int(harmonic(parsedRates))), 16, left: false)
      + pad(String(Int(harmonic(withParseRates))), 16, left: false))
