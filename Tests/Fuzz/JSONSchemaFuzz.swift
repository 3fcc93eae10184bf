// libFuzzer target: JSON parsing plus validation of whatever parses, against a fixed schema that
// exercises most keywords (refs, unevaluated*, patterns, formats, numbers), and, when the input is
// itself a schema-like object, compiling and applying it to itself.
//
// Build and run: Tests/Scripts/fuzz-json.sh (plain swiftc with -sanitize=fuzzer,address).

let fuzzSchemaText = #"""
{
  "$id": "https://fuzz.test/root.json",
  "$defs": {
    "node": {"$dynamicAnchor": "node", "type": ["object", "array", "string", "number", "boolean", "null"],
             "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}}},
    "num": {"type": "number", "multipleOf": 0.01, "minimum": -1e30, "exclusiveMaximum": 18446744073709551616}
  },
  "type": ["object", "array", "string", "number"],
  "properties": {
    "id": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"},
    "when": {"format": "date-time"}, "day": {"format": "date"}, "mail": {"format": "email"},
    "ip": {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}, "uri": {"format": "uri"},
    "n": {"$ref": "#/$defs/num"}, "tree": {"$ref": "#/$defs/node"},
    "tags": {"type": "array", "uniqueItems": true, "maxItems": 64, "contains": {"const": "x"}, "minContains": 0},
    "name": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^\\p{L}[\\p{L} .'-]*$"}
  },
  "patternProperties": {"^x-[a-z]+$": {"type": "string"}, "(a|b)+c?$": true},
  "dependentRequired": {"n": ["id"]},
  "dependentSchemas": {"tags": {"required": ["name"]}},
  "allOf": [{"if": {"required": ["kind"]}, "then": {"properties": {"kind": {"enum": ["a", "b", 1, 1.5, null]}}},
             "else": {"minProperties": 0}}],
  "oneOf": [{"type": "object"}, {"type": "array", "prefixItems": [{"type": "string"}], "unevaluatedItems": {"type": "number"}},
            {"type": ["string", "number"]}],
  "not": {"const": "forbidden"},
  "unevaluatedProperties": {"type": ["string", "number", "boolean", "object", "array"]}
}
"""#

/// Compiled once (a lazily initialised global constant), shared by every run.
private let fuzzSchema: CompiledSchema = try! SchemaRegistry().compile(
    schema: try! JSONParser.parse(text: fuzzSchemaText), options: SchemaOptions(assertFormat: true))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let schema = fuzzSchema
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(bytes: bytes, options: .init(maxDepth: 64)) else { return 0 }
    // Round trip: what we write must parse back to an equal value.
    let text = JSONWriter.string(value)
    guard let again = try? JSONParser.parse(text: text, options: .init(maxDepth: 64)), again == value else {
        fatalError("round trip changed the value: \(text)")
    }
    let fast = schema.isValid(value)
    let full = schema.validate(value, maxErrors: 20)
    if fast != full.isValid || (!full.isValid && full.errors.isEmpty) {
        fatalError("isValid and validate disagree")
    }
    // Input that looks like a schema: compile it and apply it to itself (refs stay local: no registry).
    if case .object = value, let compiled = try? SchemaRegistry().compile(schema: value, options: SchemaOptions(assertFormat: true)) {
        let selfFast = compiled.isValid(value)
        let selfFull = compiled.validate(value, maxErrors: 20)
        if selfFast != selfFull.isValid { fatalError("isValid and validate disagree on a fuzzed schema") }
    }
    if case .string(let s) = value, s.utf8.count < 64, let regex = try? ECMARegex(s) {
        _ = regex.matches(text)
    }
    return 0
}
