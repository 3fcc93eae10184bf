import HTTPCore
import HTTPServer
import JSONSchema

/// Every way the API refuses a request, as values. `problem` is the one place they become
/// RFC 9457 responses (the router adds the correlation id); each kind has its own `type` URI so a
/// client can act on it without reading prose.
public enum APIProblem: Error, Sendable, ProblemConvertible {
    /// One located error: a JSON Pointer into the request body and what is wrong there.
    public struct FieldError: Sendable, Equatable {
        public var pointer: String
        public var code: String
        public var message: String
        public init(pointer: String, code: String, message: String) {
            self.pointer = pointer
            self.code = code
            self.message = message
        }
    }

    case unauthenticated(String)
    case roleNotAllowed(role: Role, action: String)
    /// The case does not exist or the caller is not a party to it (indistinguishable on purpose).
    case caseNotFound(klagesakId: String)
    case documentNotFound(klagesakId: String, dokumentId: String)
    case feedbackNotFound(id: String)
    case malformedJSON(JSONParseError)
    case unsupportedMediaType(expected: String, got: String?)
    case schemaInvalid(meldingstype: String, errors: [FieldError], truncated: Bool)
    case semanticInvalid(errors: [FieldError])
    /// The addressing registry refuses the message: wrong embete, state NAV number, no digital receipt, …
    case addressingRefused(reason: String, code: String, pointer: String)
    case idempotencyConflict(idName: String, id: String, storedSha256: String, receivedSha256: String)
    case illegalTransition(current: String, requested: String, reason: String, code: String, pointer: String)
    /// A transfer names a klagesakId that belongs to another unit or was already transferred.
    case klagesakIdInUse(klagesakId: String)
    case documentMismatch(dokumentId: String, errors: [FieldError])
    case documentTooLarge(limit: Int)
    case invalidQuery(parameter: String, reason: String)
    case bodyMismatch(pointer: String, expected: String, got: String)

    static let typeBase = "https://klagebro.no/problemer/"

    public var problem: Problem {
        switch self {
        case .unauthenticated(let detail):
            var headers = HTTPHeaders()
            headers.add("WWW-Authenticate", "Bearer realm=\"klagebro\"")
            return make(.unauthorized, "ikke-autentisert", "Not authenticated", detail, headers: headers)
        case .roleNotAllowed(let role, let action):
            return make(.forbidden, "rolle-ikke-tillatt", "Role not allowed",
                        "The role '\(role.rawValue)' may not \(action).", [("rolle", JSONText.quoted(role.rawValue))])
        case .caseNotFound(let id):
            return make(.notFound, "klagesak-ikke-funnet", "Case not found",
                        "No case \(id) that you are a party to.", [("klagesakId", JSONText.quoted(id))])
        case .documentNotFound(let id, let dokumentId):
            return make(.notFound, "dokument-ikke-funnet", "Document not found",
                        "Case \(id) lists no document \(dokumentId) that you may send or read, or its file has not arrived.",
                        [("klagesakId", JSONText.quoted(id)), ("dokumentId", JSONText.quoted(dokumentId))])
        case .feedbackNotFound(let id):
            return make(.notFound, "tilbakemelding-ikke-funnet", "Message not found",
                        "No message \(id) addressed to you.", [("meldingId", JSONText.quoted(id))])
        case .malformedJSON(let error):
            let errors = [FieldError(pointer: "", code: "json", message: error.description)]
            return make(.badRequest, "ugyldig-json", "Body is not valid JSON", error.description,
                        [("errors", Self.encode(errors)), ("line", "\(error.line)"), ("column", "\(error.column)")])
        case .unsupportedMediaType(let expected, let got):
            return make(.unsupportedMediaType, "feil-medietype", "Unsupported media type",
                        "Send the body as \(expected)" + (got.map { ", not \($0)." } ?? "."))
        case .schemaInvalid(let meldingstype, let errors, let truncated):
            let n = errors.count
            return make(.unprocessableContent, "skjemafeil", "Message does not follow the schema",
                        "The \(meldingstype) message has \(n)\(truncated ? "+" : "") schema error\(n == 1 ? "" : "s"); see errors[].pointer.",
                        [("errors", Self.encode(errors)), ("meldingstype", JSONText.quoted(meldingstype))])
        case .semanticInvalid(let errors):
            let detail = errors.count == 1 ? errors[0].message : "\(errors.count) errors; see errors[].pointer."
            return make(.unprocessableContent, "semantisk-feil", "Message fails the exchange's checks", detail,
                        [("errors", Self.encode(errors))])
        case .addressingRefused(let reason, let code, let pointer):
            let errors = [FieldError(pointer: pointer, code: code, message: reason)]
            return make(.unprocessableContent, "adressering-avvist", "Addressing refused", reason,
                        [("errors", Self.encode(errors)), ("arsak", JSONText.quoted(code))])
        case .idempotencyConflict(let idName, let id, let stored, let received):
            return make(.conflict, "idempotens-konflikt", "Same id, other content",
                        "\(idName) \(id) was already received with other content (stored SHA-256 \(stored), this request \(received)). A retry must send the same content; new content needs a new \(idName).",
                        [(idName, JSONText.quoted(id)), ("lagretSha256", JSONText.quoted(stored)),
                         ("mottattSha256", JSONText.quoted(received))])
        case .illegalTransition(let current, let requested, let reason, let code, let pointer):
            let errors = [FieldError(pointer: pointer, code: code, message: reason)]
            return make(.conflict, "ulovlig-overgang", "Illegal status transition",
                        "The case is \(current); \(requested) is not allowed now: \(reason)",
                        [("gjeldendeStatus", JSONText.quoted(current)), ("onsketStatus", JSONText.quoted(requested)),
                         ("arsak", JSONText.quoted(code)), ("errors", Self.encode(errors))])
        case .klagesakIdInUse(let id):
            let message = "klagesakId \(id) is already used by another case or transfer; omit it to get a new one."
            return make(.conflict, "klagesakid-i-bruk", "klagesakId in use", message,
                        [("klagesakId", JSONText.quoted(id)),
                         ("errors", Self.encode([FieldError(pointer: "/klagesakId", code: "klagesakid-i-bruk", message: message)]))])
        case .documentMismatch(let dokumentId, let errors):
            let detail = errors.map(\.message).joined(separator: " ")
            return make(.unprocessableContent, "dokument-stemmer-ikke", "Document does not match the list", detail,
                        [("dokumentId", JSONText.quoted(dokumentId)), ("errors", Self.encode(errors))])
        case .documentTooLarge(let limit):
            return make(.contentTooLarge, "dokument-for-stort", "Document too large",
                        "A document may be at most \(limit) bytes.", [("maksBytes", "\(limit)")])
        case .invalidQuery(let parameter, let reason):
            let errors = [FieldError(pointer: "", code: "query", message: "\(parameter): \(reason)")]
            return make(.badRequest, "ugyldig-parameter", "Invalid query parameter", "\(parameter): \(reason)",
                        [("parameter", JSONText.quoted(parameter)), ("errors", Self.encode(errors))])
        case .bodyMismatch(let pointer, let expected, let got):
            let message = "\(pointer) is \(got), but must be \(expected)."
            return make(.unprocessableContent, "semantisk-feil", "Message fails the exchange's checks", message,
                        [("errors", Self.encode([FieldError(pointer: pointer, code: "mismatch", message: message)]))])
        }
    }

    private func make(
        _ status: HTTPStatus, _ slug: String, _ title: String, _ detail: String,
        _ extensions: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders()
    ) -> Problem {
        // errorId: as in Fiks IO's error bodies, one id per error occurrence for support cases.
        let errorId = JSONText.quoted(Identifiers.newUUID())
        return Problem(status: status, type: Self.typeBase + slug, title: title, detail: detail,
                       extensions: [("errorId", errorId)] + extensions, headers: headers)
    }

    static func encode(_ errors: [FieldError]) -> String {
        var out = "["
        for (i, e) in errors.enumerated() {
            if i > 0 { out += "," }
            out += "{\"pointer\":" + JSONText.quoted(e.pointer) + ",\"code\":" + JSONText.quoted(e.code)
                + ",\"message\":" + JSONText.quoted(e.message) + "}"
        }
        return out + "]"
    }
}
