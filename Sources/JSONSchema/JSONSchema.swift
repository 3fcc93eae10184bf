// JSONSchema: a general JSON Schema draft 2020-12 validator and the exact JSON reader it needs.
//
// The module knows no domain: it reads JSON, compiles schemas and validates instances.
//
// Reading JSON (untrusted input):
//
//     let value = try JSONParser.parse(bytes: body)              // [UInt8] or UnsafeRawBufferPointer
//     let value = try JSONParser.parse(bytes: body, options: .init(maxDepth: 64))
//
//   Strict RFC 8259; numbers stay exact (`JSONNumber`: decimal, 1.0 == 1, no rounding of big
//   integers); a duplicate key, invalid UTF-8, an unpaired surrogate escape or nesting beyond
//   `maxDepth` is a `JSONParseError` carrying the byte offset, line and column. Long strings and
//   arrays are read without recursion.
//
// Registering and compiling schemas (no network: `$ref` reaches registered documents only):
//
//     var registry = SchemaRegistry()
//     try registry.registerDirectory(atPath: "Schemas")          // every *.json with an $id
//     try registry.register(document, uri: "https://example.test/a.json")
//     let schema = try registry.compile(uri: "https://example.test/a.json",
//                                       options: SchemaOptions(assertFormat: true))
//
//   `CompiledSchema` is immutable and `Sendable`: compile once at start-up, validate from any
//   number of threads.
//
// Validating:
//
//     schema.isValid(value)                                      // fastest: first failure, no locations
//     let result = schema.validate(value, maxErrors: 50)
//     for e in result.errors {
//         e.instanceLocation          // JSON Pointer into the instance, e.g. "/klager/0/navn"
//         e.keywordLocation           // keyword path through $ref, e.g. "/properties/klager/$ref/pattern"
//         e.absoluteKeywordLocation   // resource URI + pointer of the keyword
//         e.keyword, e.message
//     }
//
// Supported: every keyword of the core, applicator, validation and unevaluated vocabularies of
// draft 2020-12 (including `$dynamicRef`/`$dynamicAnchor`, `$anchor`, `$vocabulary` of custom
// meta-schemas), boolean schemas, `format` as annotation or assertion (date, date-time, time,
// duration, email, hostname, ipv4, ipv6, uuid, uri, uri-reference, json-pointer,
// relative-json-pointer, regex), and `pattern` with ECMA-262 semantics (`ECMARegex`).
// Evaluation depth is bounded (`SchemaOptions.maxEvaluationDepth`) and regex matching has a step
// budget, so neither deep instances nor pathological patterns can exhaust the stack or hang.
