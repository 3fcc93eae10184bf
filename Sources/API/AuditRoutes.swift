import HTTPCore
import HTTPServer
import JSONSchema

/// The audit log of reads of personal data, for admin.
extension ExchangeAPI {
    /// GET /api/v1/audit[?klagesakId=…&organisasjonsnummer=…&limit=N]: the newest entries, oldest first.
    func listAudit(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        _ = try await authenticate(request, .listAudit)
        let query = try QueryParameters(request.head.query)
        let entries = try await store.audit(AuditQuery(klagesakId: query["klagesakId"], organisasjonsnummer: query["organisasjonsnummer"],
                                                       limit: try query.limit(configuration)))
        return JSONResponse.make(.ok, JSONResponse.object([("oppforinger", .array(entries.map(Self.auditJSON)))]))
    }

    static func auditJSON(_ e: AuditEntry) -> JSONValue {
        JSONResponse.object([
            ("tidspunkt", .string(e.tidspunkt.text)), ("rolle", .string(e.rolle)), ("organisasjonsnummer", .string(e.organisasjonsnummer)),
            ("klagesakId", .text(e.klagesakId)), ("handling", .string(e.handling)), ("correlationId", .string(e.correlationId)),
        ])
    }
}
