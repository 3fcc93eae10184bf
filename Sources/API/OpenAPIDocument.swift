import JSONSchema

/// The OpenAPI 3.1 document served at /api/v1/openapi.json, built from the `Endpoint` table so it
/// names exactly the routes the router has. Message bodies are described by the standard's own
/// schemas, served at /api/v1/skjema/ and linked from each operation.
enum OpenAPIDocument {
    static func json(configuration: APIConfiguration, schemas: MessageSchemas) -> String {
        JSONWriter.string(document(configuration: configuration, schemas: schemas))
    }

    /// The message schemas as components: `$id`/`$schema` dropped and every `$ref` rewritten to
    /// point into the document (`felles.v1.schema.json#/$defs/x` → `#/components/schemas/felles/$defs/x`),
    /// so tools that read only this document see the exact schemas the server validates with.
    static func embeddedSchemas(_ schemas: MessageSchemas) -> [(String, JSONValue)] {
        schemas.parsed.keys.sorted().map { name in (name, embed(schemas.parsed[name]!, selfName: name)) }
    }

    static func embed(_ value: JSONValue, selfName: String) -> JSONValue {
        switch value {
        case .object(let o):
            var members: [(String, JSONValue)] = []
            for (key, child) in o.members {
                switch key {
                case "$id", "$schema": continue
                case "$ref":
                    guard case .string(let ref) = child else { members.append((key, child)); continue }
                    members.append((key, .string(rewrite(ref, selfName: selfName))))
                case "const", "enum", "examples", "default":
                    members.append((key, child))  // values, not schemas
                default:
                    members.append((key, embed(child, selfName: selfName)))
                }
            }
            return .object(JSONObject(members))
        case .array(let a):
            return .array(a.map { embed($0, selfName: selfName) })
        default:
            return value
        }
    }

    static func rewrite(_ ref: String, selfName: String) -> String {
        guard let hash = ref.firstIndex(of: "#") else { return ref }
        let file = ref[..<hash], fragment = ref[ref.index(after: hash)...]
        let target: String
        if file.isEmpty {
            target = selfName
        } else if file.hasSuffix(".v1.schema.json") {
            target = String(file.dropLast(".v1.schema.json".count))
        } else {
            return ref
        }
        return "#/components/schemas/" + target + fragment
    }

    static func document(configuration: APIConfiguration, schemas: MessageSchemas) -> JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for endpoint in Endpoint.allCases {
            let operation = (endpoint.method.rawValue.lowercased(), self.operation(endpoint, configuration))
            if let i = paths.firstIndex(where: { $0.0 == endpoint.path }) {
                paths[i].1.append(operation)
            } else {
                paths.append((endpoint.path, [operation]))
            }
        }
        return obj([
            ("openapi", .string("3.1.0")),
            ("info", obj([
                ("title", .string("Klagebro")),
                ("version", .string("1.0.0")),
                ("description", .string("Case exchange for appeals (klagesaker) on decisions about economic social assistance: municipal NAV units send transfers with documents to the Statsforvalter's embete; the embete acknowledges, posts status events and sends the decision back to the sending NAV unit only. Callers authenticate with a client certificate (mutual TLS; its organisation number) or, in development, a bearer token from `klagebro token create`. Errors are RFC 9457 problem+json with a JSON Pointer per error and the correlation id.")),
            ])),
            ("paths", .object(JSONObject(paths.map { ($0.0, .object(JSONObject($0.1))) }))),
            ("components", obj([
                ("securitySchemes", obj([
                    ("bearer", obj([("type", .string("http")), ("scheme", .string("bearer"))])),
                    ("mutualTLS", obj([("type", .string("mutualTLS"))])),
                ])),
                ("schemas", .object(JSONObject([("Problem", problemSchema)] + embeddedSchemas(schemas)))),
            ])),
            ("security", .array([obj([("bearer", .array([]))]), obj([("mutualTLS", .array([]))])])),
        ])
    }

    static func operation(_ e: Endpoint, _ configuration: APIConfiguration) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("operationId", .string(e.rawValue)),
            ("summary", .string(e.summary)),
        ]
        if let roles = e.allowedRoles {
            members.append(("x-roller", .array(roles.map(\.rawValue).sorted().map { .string($0) })))
        } else {
            members.append(("security", .array([])))
        }
        var parameters = pathParameters(e.path).map { name in
            let schema = name == "klagesakId" ? obj([("type", .string("string")), ("format", .string("uuid"))]) : string
            return obj([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)), ("schema", schema)])
        }
        parameters += queryParameters(e, configuration)
        if e == .getStatus || e == .getCase || e == .answerTask || e == .uploadDocument {
            parameters.append(obj([
                ("name", .string("Klagebro-Innbygger")), ("in", .string("header")), ("required", .bool(false)),
                ("description", .string("For the innsyn role: the fødselsnummer or d-nummer of the citizen (or helper) it acts for.")),
                ("schema", string),
            ]))
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body = requestBody(e, configuration) { members.append(("requestBody", body)) }
        members.append(("responses", responses(e)))
        return obj(members)
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    static func queryParameters(_ e: Endpoint, _ configuration: APIConfiguration) -> [JSONValue] {
        func q(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
            obj([("name", .string(name)), ("in", .string("query")), ("required", .bool(false)), ("description", .string(description)),
                 ("schema", schema)])
        }
        let limit = q("limit", obj([("type", .string("integer")), ("minimum", .int(1)), ("maximum", .int(configuration.maxPageSize))]),
                      "Page size (default \(configuration.defaultPageSize)).")
        let days = obj([("type", .string("integer")), ("minimum", .int(0)), ("maximum", .int(100_000))])
        switch e {
        case .listInbox:
            return [
                q("status", string, "Comma-separated status words (e.g. VIDERESENDT,MOTTATT,TILDELT_SAKSBEHANDLER,UNDER_BEHANDLING)."),
                q("minAlderDager", days, "Only cases received at least this many days ago."),
                q("maksAlderDager", days, "Only cases received at most this many days ago."),
                limit,
                q("cursor", obj([("type", .string("string")), ("pattern", .string("^[01]\\.[0-9]{1,15}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]),
                  "nesteCursor from the previous page (opaque; a position in the inbox order)."),
            ]
        case .listFeedback:
            return [q("inkluderKvitterte", obj([("type", .string("boolean"))]), "Also list acknowledged messages."), limit]
        case .listAudit:
            return [q("klagesakId", string, "Only this case."), q("organisasjonsnummer", string, "Only this caller."), limit]
        default:
            return []
        }
    }

    static func requestBody(_ e: Endpoint, _ configuration: APIConfiguration) -> JSONValue? {
        func message(_ kind: MessageSchemas.Kind) -> JSONValue {
            obj([
                ("required", .bool(true)),
                ("description", .string("A \(kind.rawValue) message, as in /api/v1/skjema/\(kind.rawValue).v1.schema.json. Beyond the schema the server checks identifiers' check digits, addressing, parties and dates (422 with a pointer per error).")),
                ("content", obj([("application/json", obj([("schema", obj([
                    ("$ref", .string("#/components/schemas/\(kind.rawValue)")),
                ]))]))])),
            ])
        }
        switch e {
        case .submitTransfer: return message(.klagesakOversendelse)
        case .postEvent: return message(.statushendelse)
        case .sendDecision: return message(.klagevedtak)
        case .postTask: return message(.oppgave)
        case .answerTask: return message(.oppgavesvar)
        case .assignHandler:
            return obj([
                ("required", .bool(true)),
                ("content", obj([("application/json", obj([("schema", obj([
                    ("type", .string("object")), ("required", .array([.string("navn")])), ("additionalProperties", .bool(false)),
                    ("properties", obj([("navn", obj([("type", .string("string")), ("minLength", .int(1)), ("maxLength", .int(200))]))])),
                ]))]))])),
            ])
        case .uploadDocument:
            let binary = obj([("schema", obj([("type", .string("string")), ("format", .string("binary"))]))])
            return obj([
                ("required", .bool(true)),
                ("description", .string("The file's bytes (at most \(configuration.maxDocumentBytes) bytes); size, SHA-512 and the media type sniffed from content must match the listing.")),
                ("content", obj([("application/pdf", binary), ("image/jpeg", binary), ("image/png", binary)])),
            ])
        default:
            return nil
        }
    }

    static func responses(_ e: Endpoint) -> JSONValue {
        let json = obj([("application/json", obj([("schema", obj([("type", .string("object"))]))]))])
        func ok(_ description: String) -> JSONValue { obj([("description", .string(description)), ("content", json)]) }
        var members: [(String, JSONValue)] = []
        switch e {
        case .openAPIDocument: members = [("200", ok("This document."))]
        case .messageSchema:
            members = [("200", obj([("description", .string("The schema.")),
                                    ("content", obj([("application/schema+json", obj([("schema", obj([("type", .string("object"))]))]))]))]))]
        case .submitTransfer:
            members = [("201", ok("Stored and valid: the mottatt receipt.")), ("200", ok("An identical retry: the original receipt."))]
        case .uploadDocument:
            members = [("201", ok("The file matched and is stored.")), ("200", ok("The same file again."))]
        case .downloadDocument:
            let binary = obj([("schema", obj([("type", .string("string")), ("format", .string("binary"))]))])
            members = [("200", obj([("description", .string("The file.")),
                                    ("content", obj([("application/pdf", binary), ("image/jpeg", binary), ("image/png", binary)]))]))]
        case .acknowledgeCase:
            members = [("201", ok("Receipt recorded: the kvittering.")), ("200", ok("Already acknowledged: the same kvittering."))]
        case .postEvent:
            members = [("201", ok("The event is recorded.")), ("200", ok("The same event again."))]
        case .sendDecision, .postTask, .answerTask:
            members = [("201", ok("Stored and valid: the mottatt receipt.")), ("200", ok("An identical retry."))]
        default: members = [("200", ok("OK."))]
        }
        let problem = obj([("application/problem+json", obj([("schema", obj([("$ref", .string("#/components/schemas/Problem"))]))]))])
        func refusal(_ description: String) -> JSONValue { obj([("description", .string(description)), ("content", problem)]) }
        switch e {
        case .submitTransfer, .postEvent, .sendDecision, .postTask, .answerTask:
            members.append(("409", refusal("Same id with other content (both SHA-256 named), an illegal status transition (current and requested state named), or a klagesakId in use.")))
            members.append(("422", refusal("Schema errors, failed checks (check digits, dates, parties) or an addressing refusal saying why; a JSON Pointer per error.")))
        case .uploadDocument:
            members.append(("413", refusal("Larger than the per-file limit.")))
            members.append(("422", refusal("Size, SHA-512 or the media type sniffed from content differs from the listing.")))
        default: break
        }
        members.append(("default", obj([
            ("description", .string("An RFC 9457 problem: what is wrong, where (JSON Pointer per error), and the correlation id.")),
            ("content", obj([("application/problem+json", obj([("schema", obj([("$ref", .string("#/components/schemas/Problem"))]))]))])),
        ])))
        return obj(members)
    }

    static let string = obj([("type", .string("string"))])

    static let problemSchema = obj([
        ("type", .string("object")),
        ("required", .array([.string("type"), .string("title"), .string("status")])),
        ("properties", obj([
            ("type", obj([("type", .string("string"))])),
            ("title", obj([("type", .string("string"))])),
            ("status", obj([("type", .string("integer"))])),
            ("detail", obj([("type", .string("string"))])),
            ("correlationId", obj([("type", .string("string"))])),
            ("errorId", obj([("type", .string("string"))])),
            ("errors", obj([("type", .string("array")), ("items", obj([
                ("type", .string("object")),
                ("properties", obj([("pointer", obj([("type", .string("string"))])), ("code", obj([("type", .string("string"))])),
                                    ("message", obj([("type", .string("string"))]))])),
            ]))])),
        ])),
    ])

    static func obj(_ members: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(members)) }
}
