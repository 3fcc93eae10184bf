import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// Status events: posted by a party for its own stage, or recorded by the exchange for the
/// embete's receipt and handler assignment. Every one goes through `CaseProcess`.
extension ExchangeAPI {
    /// POST /api/v1/klagesaker/{klagesakId}/hendelser with a statushendelse. Idempotent by
    /// `hendelseId` (same content: 200 with the stored event; other content: 409). A NAV unit may
    /// report its own stage before the transfer: the first event creates the case (first contact).
    func postEvent(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .postEvent)
        let id = try caseId(context)
        try requireJSONBody(request)
        let body = request.bodyBytes
        let message = try schemas.read(body, as: .statushendelse)
        if let bodyId = message["klagesakId"]?.stringValue, bodyId != id {
            throw APIProblem.bodyMismatch(pointer: "/klagesakId", expected: "the case in the path, \(id)", got: bodyId)
        }
        try requireActor(message["aktor"], is: caller)
        let event: CaseEvent
        do { event = try CaseEventCoding.decode(message) } catch let error as CaseEventCoding.Malformed {
            throw APIProblem.semanticInvalid(errors: [.init(pointer: error.pointer, code: "ugyldig-felt", message: "The field cannot be read as the standard defines it.")])
        }
        let sha256 = SHA2.sha256Hex(body)
        let now = configuration.now()
        let stored = CaseProcessBridge.stored(body, event: event, at: now)
        // Only a NAV unit may open a case, and only by an event of its own stage.
        let creating = caller.role == .nav
            ? StoredCase(klagesakId: id, senderOrgnr: caller.organisasjonsnummer, opprettetTidspunkt: now, status: "NY", stage: "nav")
            : nil
        let citizen = request.headers[Authorization.citizenHeader]

        let (replayed, snapshotEvent) = try await store.update(id, creating: creating) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record, citizen: citizen)
            if let existing = snapshot.events.first(where: { $0.hendelseId == event.hendelseId }) {
                guard Idempotency.sameContent(stored: existing.message, storedSha256: existing.contentSha256, received: message, receivedSha256: sha256) else {
                    throw APIProblem.idempotencyConflict(idName: "hendelseId", id: event.hendelseId,
                                                         storedSha256: existing.contentSha256, receivedSha256: sha256)
                }
                return (CaseChange(), (true, existing))
            }
            let state = try CaseProcessBridge.state(of: snapshot)
            let next = try CaseProcessBridge.apply(event, to: state)
            var change = CaseChange()
            CaseProcessBridge.derived(next, into: &change)
            change.events = [stored]
            return (change, (false, stored))
        }
        return JSONResponse.make(replayed ? .ok : .created, eventReceipt(snapshotEvent, klagesakId: id))
    }

    func eventReceipt(_ e: StoredEvent, klagesakId: String) -> JSONValue {
        JSONResponse.object([
            ("klagesakId", .string(klagesakId)), ("hendelseId", .string(e.hendelseId)), ("type", .string(e.type)),
            ("status", .text(e.status)), ("registrertTidspunkt", .string(e.registrertTidspunkt.text)),
            ("innholdSha256", .string(e.contentSha256)),
        ])
    }

    /// The actor of a posted message must be the authenticated caller, in the caller's role.
    func requireActor(_ aktor: JSONValue?, is caller: Caller, pointer: String = "/aktor") throws(APIProblem) {
        let orgnr = aktor?["organisasjonsnummer"]?.stringValue ?? ""
        if orgnr != caller.organisasjonsnummer {
            throw .bodyMismatch(pointer: pointer + "/organisasjonsnummer", expected: "the authenticated caller \(caller.organisasjonsnummer)", got: orgnr)
        }
        let rolle = aktor?["rolle"]?.stringValue ?? ""
        let expected = caller.role == .nav ? "NAV" : "STATSFORVALTER"
        if rolle != expected {
            throw .bodyMismatch(pointer: pointer + "/rolle", expected: "\(expected) for a \(caller.role.rawValue) caller", got: rolle)
        }
    }

    /// POST /api/v1/klagesaker/{klagesakId}/mottak: the embete has taken the case in. Records the
    /// `kvittering` (once; a repeat answers with the same receipt) and returns the receipt.
    func acknowledgeCase(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .acknowledgeCase)
        let id = try caseId(context)
        let now = configuration.now()
        let (created, record, documents) = try await store.update(id, creating: nil) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record)
            let meldingId = snapshot.record.meldingId ?? ""
            let hendelseId = CaseEventCoding.derivedId("kvittering", meldingId)
            if snapshot.events.contains(where: { $0.hendelseId == hendelseId }) {
                return (CaseChange(), (false, snapshot.record, snapshot.documents))
            }
            let event = CaseEvent(
                hendelseId: hendelseId, klagesakId: id, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                aktor: .statsforvalter(caller.organisasjonsnummer), kind: .oversendelseKvittert(meldingId: meldingId))
            let next = try CaseProcessBridge.apply(event, to: try CaseProcessBridge.state(of: snapshot))
            var change = CaseChange()
            CaseProcessBridge.derived(next, into: &change)
            change.kvitteringTidspunkt = now
            let json = CaseEventCoding.record(type: "oversendelseKvittert", klagesakId: id, hendelseId: hendelseId, at: now,
                                              aktor: event.aktor, fields: [("meldingId", .string(meldingId))])
            change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            var record = snapshot.record
            record.kvitteringTidspunkt = now
            record.status = change.status ?? record.status
            record.stage = change.stage ?? record.stage
            return (change, (true, record, snapshot.documents))
        }
        return JSONResponse.make(created ? .created : .ok, receipt(record, documents: documents, notes: []))
    }

    /// PUT /api/v1/klagesaker/{klagesakId}/saksbehandler with `{"navn": "…"}`: records
    /// TILDELT_SAKSBEHANDLER (again for a new handler; nothing for the same one).
    func assignHandler(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .assignHandler)
        let id = try caseId(context)
        try requireJSONBody(request)
        let body: JSONValue
        do { body = try JSONParser.parse(bytes: request.bodyBytes, options: .init(maxDepth: 8)) } catch { throw APIProblem.malformedJSON(error) }
        guard case .object(let object) = body else {
            throw APIProblem.schemaInvalid(meldingstype: "saksbehandler", errors: [.init(pointer: "", code: "type", message: "must be an object")], truncated: false)
        }
        var errors: [APIProblem.FieldError] = []
        for key in object.keys where key != "navn" {
            errors.append(.init(pointer: "/" + JSONPointer.escape(key), code: "additionalProperties", message: "unknown property \(key)"))
        }
        let navn = body["navn"]?.stringValue?.trimmingSpaces() ?? ""
        if navn.isEmpty || navn.count > 200 {
            errors.append(.init(pointer: "/navn", code: "required", message: "navn must be a string of 1 to 200 characters"))
        }
        if !errors.isEmpty { throw APIProblem.schemaInvalid(meldingstype: "saksbehandler", errors: errors, truncated: false) }
        let now = configuration.now()
        let (changed, record) = try await store.update(id, creating: nil) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record)
            if snapshot.record.saksbehandler == navn { return (CaseChange(), (false, snapshot.record)) }
            let event = CaseEvent(
                hendelseId: Identifiers.newUUID(), klagesakId: id, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                aktor: .statsforvalter(caller.organisasjonsnummer), kind: .klageStatus(KlageStatusEndring(.tildeltSaksbehandler)))
            let next = try CaseProcessBridge.apply(event, to: try CaseProcessBridge.state(of: snapshot))
            var change = CaseChange()
            CaseProcessBridge.derived(next, into: &change)
            change.saksbehandler = navn
            let json = CaseEventCoding.record(type: "klageStatus", klagesakId: id, hendelseId: event.hendelseId, at: now,
                                              aktor: event.aktor, fields: [("status", .string("TILDELT_SAKSBEHANDLER"))])
            change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            var record = snapshot.record
            record.saksbehandler = navn
            record.status = change.status ?? record.status
            return (change, (true, record))
        }
        return JSONResponse.make(.ok, JSONResponse.object([
            ("klagesakId", .string(id)), ("saksbehandler", .text(record.saksbehandler)), ("status", .string(record.status)),
            ("endret", .bool(changed)),
        ]))
    }
}
