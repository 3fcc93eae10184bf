import HTTPCore

/// Every operation of the API, with its method, path and the roles that may call it. The router,
/// the authorisation check and the OpenAPI document are all built from this one table, so they
/// cannot disagree.
public enum Endpoint: String, CaseIterable, Sendable {
    case openAPIDocument
    case messageSchema
    case submitTransfer
    case uploadDocument
    case getReceipt
    case listInbox
    case getCase
    case downloadDocument
    case acknowledgeCase
    case assignHandler
    case postEvent
    case sendDecision
    case postTask
    case answerTask
    case listFeedback
    case acknowledgeFeedback
    case getStatus
    case listAudit

    public var method: HTTPMethod {
        switch self {
        case .openAPIDocument, .messageSchema, .getReceipt, .listInbox, .getCase, .downloadDocument, .listFeedback,
             .getStatus, .listAudit: .get
        case .submitTransfer, .acknowledgeCase, .postEvent, .sendDecision, .postTask, .answerTask, .acknowledgeFeedback: .post
        case .uploadDocument, .assignHandler: .put
        }
    }

    public var path: String {
        switch self {
        case .openAPIDocument: "/api/v1/openapi.json"
        case .messageSchema: "/api/v1/skjema/{filnavn}"
        case .submitTransfer: "/api/v1/klagesaker"
        case .uploadDocument, .downloadDocument: "/api/v1/klagesaker/{klagesakId}/dokumenter/{dokumentId}"
        case .getReceipt: "/api/v1/klagesaker/{klagesakId}/kvittering"
        case .listInbox: "/api/v1/innboks"
        case .getCase: "/api/v1/klagesaker/{klagesakId}"
        case .acknowledgeCase: "/api/v1/klagesaker/{klagesakId}/mottak"
        case .assignHandler: "/api/v1/klagesaker/{klagesakId}/saksbehandler"
        case .postEvent: "/api/v1/klagesaker/{klagesakId}/hendelser"
        case .sendDecision: "/api/v1/klagesaker/{klagesakId}/vedtak"
        case .postTask: "/api/v1/klagesaker/{klagesakId}/oppgaver"
        case .answerTask: "/api/v1/klagesaker/{klagesakId}/oppgaver/{oppgaveId}/svar"
        case .listFeedback: "/api/v1/tilbakemeldinger"
        case .acknowledgeFeedback: "/api/v1/tilbakemeldinger/{meldingId}/kvitter"
        case .getStatus: "/api/v1/klagesaker/{klagesakId}/status"
        case .listAudit: "/api/v1/audit"
        }
    }

    /// Who may call it at all; nil for the public documents (the OpenAPI document and the schemas).
    /// Which cases a caller then sees is decided per case (`Authorization.requireParty`).
    public var allowedRoles: Set<Role>? {
        switch self {
        case .openAPIDocument, .messageSchema: nil
        case .submitTransfer, .getReceipt, .listFeedback, .acknowledgeFeedback: [.nav]
        case .listInbox, .acknowledgeCase, .assignHandler, .sendDecision: [.statsforvalter]
        case .getCase, .downloadDocument, .postEvent, .postTask: [.nav, .statsforvalter]
        case .uploadDocument, .answerTask: [.nav, .statsforvalter, .innsyn]
        case .getStatus: [.nav, .statsforvalter, .innsyn]
        case .listAudit: [.admin]
        }
    }

    var summary: String {
        switch self {
        case .openAPIDocument: "This OpenAPI 3.1 document"
        case .messageSchema: "A message schema (JSON Schema 2020-12) of the standard"
        case .submitTransfer: "NAV unit: submit a klagesak transfer (klagesak-oversendelse); answers with the mottatt receipt"
        case .uploadDocument: "Upload a listed document's bytes (streamed; checked against the listed size, SHA-512 and media type)"
        case .getReceipt: "NAV unit: the two-step receipt of its transfer (mottatt, then kvittering once the embete has taken it in)"
        case .listInbox: "Embete: cases addressed to it, urgent first, then oldest (cursor pagination; filters by status and age)"
        case .getCase: "A case with its transfer message, document list and timeline (parties only; audited)"
        case .downloadDocument: "Download a document of the case (streamed; parties only; audited)"
        case .acknowledgeCase: "Embete: acknowledge receipt of the case (the kvittering to the NAV unit)"
        case .assignHandler: "Embete: assign the case to a handler"
        case .postEvent: "Post a status event (statushendelse) for the caller's own stage"
        case .sendDecision: "Embete: send the decision (klagevedtak) back to the sending NAV unit"
        case .postTask: "Give the appellant a task (oppgave); the embete's tasks also come back to the NAV unit"
        case .answerTask: "The appellant's reply to a task (oppgavesvar), from the citizen's view or registered by the body that received it"
        case .listFeedback: "NAV unit: what came back to it (decisions, the embete's tasks for the appellant)"
        case .acknowledgeFeedback: "NAV unit: acknowledge a decision or task (kvittering)"
        case .getStatus: "Status and timeline of a case (the citizen's view; innsyn names the citizen in Klagebro-Innbygger)"
        case .listAudit: "Admin: the audit log of reads of personal data"
        }
    }
}
