import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// Settings of the API, with the defaults the issue names.
public struct APIConfiguration: Sendable {
    /// Largest document file (10 MB by default, as NAV's own upload limit).
    public var maxDocumentBytes = 10 * 1024 * 1024
    /// Largest JSON message body.
    public var maxMessageBytes = 1024 * 1024
    /// Whether synthetic test identity numbers (Tenor, NAV's test numbers) are accepted.
    public var identityPolicy = FodselsnummerPolicy.production
    /// Page size of lists when the caller names none, and the most it may ask for.
    public var defaultPageSize = 50
    public var maxPageSize = 200
    /// The clock (tests pass a fixed one).
    public var now: @Sendable () -> Timestamp = { Timestamp.now() }

    public init() {}
}

/// The exchange's HTTP API under /api/v1: mounts every `Endpoint` on a `Router`.
///
///     let api = ExchangeAPI(store: store, files: files, schemas: schemas, registry: registry)
///     var router = Router()
///     api.mount(on: &router)
public struct ExchangeAPI: Sendable {
    let store: any ExchangeStore
    let files: any DocumentFiles
    let schemas: MessageSchemas
    let registry: Registry
    let configuration: APIConfiguration
    let callers: CallerResolver
    let transferChecks: TransferChecks
    let openAPI: [UInt8]

    public init(
        store: any ExchangeStore, files: any DocumentFiles, schemas: MessageSchemas, registry: Registry,
        configuration: APIConfiguration = APIConfiguration()
    ) {
        self.store = store
        self.files = files
        self.schemas = schemas
        self.registry = registry
        self.configuration = configuration
        self.callers = CallerResolver(tokens: store, roleForCertificate: { Self.role(of: $0, in: registry) })
        self.transferChecks = TransferChecks(registry: registry, identityPolicy: configuration.identityPolicy)
        self.openAPI = Array(OpenAPIDocument.json(configuration: configuration, schemas: schemas).utf8)
    }

    /// Adds every endpoint to `router`.
    public func mount(on router: inout Router) {
        let messageBody = Router.BodyHandling.collect(maxBytes: configuration.maxMessageBytes)
        let api = self
        for endpoint in Endpoint.allCases {
            switch endpoint {
            case .openAPIDocument:
                let document = openAPI
                router.add(.get, endpoint.path) { _, _ in
                    HTTPResponse(status: .ok, contentType: "application/json", bytes: document)
                }
            case .messageSchema:
                router.add(.get, endpoint.path) { _, context in try api.messageSchema(context) }
            case .uploadDocument:
                router.add(endpoint.method, endpoint.path, body: .stream(api.makeUploadSink)) { request, context in
                    try await api.uploadDocument(request, context)
                }
            default:
                router.add(endpoint.method, endpoint.path, body: messageBody) { request, context in
                    try await api.handle(endpoint, request, context)
                }
            }
        }
    }

    private func handle(_ endpoint: Endpoint, _ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        switch endpoint {
        case .submitTransfer: try await submitTransfer(request, context)
        case .getReceipt: try await getReceipt(request, context)
        case .listInbox: try await listInbox(request, context)
        case .getCase: try await getCase(request, context)
        case .downloadDocument: try await downloadDocument(request, context)
        case .acknowledgeCase: try await acknowledgeCase(request, context)
        case .assignHandler: try await assignHandler(request, context)
        case .postEvent: try await postEvent(request, context)
        case .sendDecision: try await sendDecision(request, context)
        case .postTask: try await postTask(request, context)
        case .answerTask: try await answerTask(request, context)
        case .listFeedback: try await listFeedback(request, context)
        case .acknowledgeFeedback: try await acknowledgeFeedback(request, context)
        case .getStatus: try await getStatus(request, context)
        case .listAudit: try await listAudit(request, context)
        case .openAPIDocument, .messageSchema, .uploadDocument: preconditionFailure("mounted separately")
        }
    }

    // MARK: Shared steps

    /// Who calls, and whether their role may use `endpoint` at all.
    func authenticate(_ request: HTTPRequest, _ endpoint: Endpoint) async throws -> Caller {
        let caller = try await callers.caller(of: request)
        try Authorization.requireRole(caller, for: endpoint)
        return caller
    }

    /// The case, if it exists and the caller is a party to it (404 otherwise, indistinguishably), with
    /// the `parts` the endpoint shows.
    func visibleCase(
        _ id: String, for caller: Caller, _ request: HTTPRequest, parts: CaseSnapshot.Parts = .all
    ) async throws -> CaseSnapshot {
        guard let snapshot = try await store.loadCase(id, parts: parts),
            Authorization.isParty(caller, to: snapshot.record, citizen: request.headers[Authorization.citizenHeader])
        else { throw APIProblem.caseNotFound(klagesakId: id) }
        return snapshot
    }

    /// Writes the audit entry for a read of personal data before the data is returned.
    func audit(_ caller: Caller, _ klagesakIds: [String], _ action: String, _ context: RouteContext) async throws {
        let at = configuration.now()
        let entries = klagesakIds.map {
            AuditEntry(tidspunkt: at, rolle: caller.role.rawValue, organisasjonsnummer: caller.organisasjonsnummer,
                       klagesakId: $0, handling: action, correlationId: context.correlationID)
        }
        try await store.appendAudit(entries)
    }

    func requireJSONBody(_ request: HTTPRequest) throws(APIProblem) {
        let type = request.headers["Content-Type"]
        let base = type.map { $0.split(separator: ";", maxSplits: 1)[0].trimmingSpacesSubstring().lowercased() }
        guard base == "application/json" else { throw .unsupportedMediaType(expected: "application/json", got: type) }
    }

    func pathParameter(_ context: RouteContext, _ name: String) -> String { context.parameters[name] ?? "" }

    /// A path parameter that must be a lowercase UUID; anything else cannot name a case (404).
    func caseId(_ context: RouteContext) throws(APIProblem) -> String {
        let id = pathParameter(context, "klagesakId")
        guard Identifiers.isUUID(id) else { throw .caseNotFound(klagesakId: id) }
        return id
    }

    func today() -> CalendarDate {
        CalendarDate(iso8601: configuration.now().dateText) ?? CalendarDate(year: 2024, month: 1, day: 1)!
    }

    /// The role of a client certificate's organisation number: a registered municipal NAV unit or an
    /// embete. A state NAV number is never a party.
    static func role(of organisasjonsnummer: String, in registry: Registry) -> Role? {
        guard let orgnr = Organisasjonsnummer(organisasjonsnummer) else { return nil }
        switch registry.organisasjon(orgnr) {
        case .navEnhet: return .nav
        case .embete: return .statsforvalter
        case .statligNav, nil: return nil
        }
    }

    private func messageSchema(_ context: RouteContext) throws -> HTTPResponse {
        let name = pathParameter(context, "filnavn")
        guard let document = schemas.documents[name] else {
            throw Problem(status: .notFound, detail: "No schema \(name); the schemas are: \(schemas.documents.keys.sorted().joined(separator: ", ")).")
        }
        return HTTPResponse(status: .ok, contentType: "application/schema+json", text: document)
    }
}

extension String {
    func trimmingSpacesSubstring() -> String { trimmingSpaces() }
}
extension Substring {
    func trimmingSpacesSubstring() -> String { String(self).trimmingSpaces() }
}

/// JSON response bodies.
enum JSONResponse {
    static func make(_ status: HTTPStatus, _ value: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", bytes: JSONBytes.encode(value), headers: headers)
    }

    static func object(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(JSONObject(members.compactMap { k, v in v.map { (k, $0) } }))
    }
}

extension JSONValue {
    static func text(_ s: String?) -> JSONValue? { s.map { .string($0) } }
    static func int(_ i: Int) -> JSONValue { .number(JSONNumber(i)) }
    static func time(_ t: Timestamp?) -> JSONValue? { t.map { .string($0.text) } }
}
