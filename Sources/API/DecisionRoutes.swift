import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// The decision back: the embete sends the klagevedtak, only the sending NAV unit receives it.
extension ExchangeAPI {
    /// POST /api/v1/klagesaker/{klagesakId}/vedtak with a klagevedtak. 201 with a `mottatt`
    /// receipt naming the documents still to upload; 200 for an identical retry; 409 for the same
    /// meldingId with other content. The NAV unit named must be the one that sent the case.
    func sendDecision(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .sendDecision)
        let id = try caseId(context)
        try requireJSONBody(request)
        let body = request.bodyBytes
        let message = try schemas.read(body, as: .klagevedtak)
        if let bodyId = message["klagesakId"]?.stringValue, bodyId != id {
            throw APIProblem.bodyMismatch(pointer: "/klagesakId", expected: "the case in the path, \(id)", got: bodyId)
        }
        let embete = message["embete"]?["organisasjonsnummer"]?.stringValue ?? ""
        if embete != caller.organisasjonsnummer {
            throw APIProblem.bodyMismatch(pointer: "/embete/organisasjonsnummer", expected: "the authenticated embete \(caller.organisasjonsnummer)", got: embete)
        }
        let recipient = message["navEnhet"]?["organisasjonsnummer"]?.stringValue ?? ""
        try checkReturnAddressing(message, sender: caller.organisasjonsnummer, recipient: recipient)
        let meldingId = message["meldingId"]?.stringValue ?? ""
        let utfall = message["statsforvalterUtfall"]?.stringValue.flatMap(StatsforvalterUtfall.init(rawValue:)) ?? .stadfester
        let vedtaksdato = message["vedtaksdato"]?.stringValue.flatMap { CalendarDate(iso8601: $0) }
        let sha256 = SHA2.sha256Hex(body)
        let now = configuration.now()
        var listed: [JSONValue] = []
        if let d = message["vedtaksdokument"] { listed.append(d) }
        listed += message["dokumenter"]?.arrayValue ?? []
        let documents = Self.listedDocuments(.array(listed), klagesakId: id, listedBy: caller.organisasjonsnummer)

        let (created, feedback, snapshotDocuments) = try await store.update(id, creating: nil) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record)
            if let existing = snapshot.feedback.first(where: { $0.meldingId == meldingId }) {
                guard Idempotency.sameContent(stored: existing.message, storedSha256: existing.contentSha256, received: message, receivedSha256: sha256) else {
                    throw APIProblem.idempotencyConflict(idName: "meldingId", id: meldingId, storedSha256: existing.contentSha256,
                                                         receivedSha256: sha256)
                }
                return (CaseChange(), (false, existing, snapshot.documents))
            }
            // The decision goes back to the unit that sent the case, and only to it.
            if recipient != snapshot.record.senderOrgnr {
                throw APIProblem.bodyMismatch(pointer: "/navEnhet/organisasjonsnummer",
                                              expected: "the NAV unit that sent the case, \(snapshot.record.senderOrgnr)", got: recipient)
            }
            let taken = Set(snapshot.documents.map(\.dokumentId))
            if let clash = documents.first(where: { taken.contains($0.dokumentId) }) {
                throw APIProblem.semanticInvalid(errors: [.init(pointer: "/vedtaksdokument/dokumentId", code: "dokumentid-ikke-unik",
                                                                message: "dokumentId \(clash.dokumentId) is already used in this case.")])
            }
            let hendelseId = CaseEventCoding.derivedId("klagevedtak", meldingId)
            let event = CaseEvent(
                hendelseId: hendelseId, klagesakId: id, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                aktor: .statsforvalter(caller.organisasjonsnummer),
                kind: .klagevedtakMottatt(meldingId: meldingId, utfall: utfall, vedtaksdato: vedtaksdato))
            let next = try CaseProcessBridge.apply(event, to: try CaseProcessBridge.state(of: snapshot))
            var change = CaseChange()
            CaseProcessBridge.derived(next, into: &change)
            var fields: [(String, JSONValue)] = [("meldingId", .string(meldingId)), ("utfall", .string(utfall.rawValue))]
            if let vedtaksdato { fields.append(("vedtaksdato", .string(vedtaksdato.description))) }
            let json = CaseEventCoding.record(type: "klagevedtakMottatt", klagesakId: id, hendelseId: hendelseId, at: now,
                                              aktor: event.aktor, fields: fields)
            change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            change.documents = documents
            let feedback = StoredFeedback(
                meldingId: meldingId, klagesakId: id, meldingstype: "klagevedtak", senderOrgnr: caller.organisasjonsnummer,
                recipientOrgnr: snapshot.record.senderOrgnr, registrertTidspunkt: now, kvittertTidspunkt: nil,
                contentSha256: sha256, message: body)
            change.feedback = [feedback]
            return (change, (true, feedback, snapshot.documents + documents))
        }
        let mine = snapshotDocuments.filter { d in listed.contains { $0["dokumentId"]?.stringValue == d.dokumentId } }
        let missing = mine.filter { $0.mottattTidspunkt == nil }
        let receipt = JSONResponse.object([
            ("kvitteringstype", .string(feedback.kvittertTidspunkt == nil ? "mottatt" : "kvittering")),
            ("klagesakId", .string(id)), ("meldingId", .string(meldingId)),
            ("mottattTidspunkt", .time(feedback.registrertTidspunkt)), ("kvittertTidspunkt", .time(feedback.kvittertTidspunkt)),
            ("innholdSha256", .string(feedback.contentSha256)), ("mottaker", .string(feedback.recipientOrgnr)),
            ("komplett", .bool(missing.isEmpty)), ("manglendeDokumenter", .array(missing.map(Self.documentSummary))),
        ])
        return JSONResponse.make(created ? .created : .ok, receipt)
    }

    /// The registry's check of something sent back to a NAV unit: not a state NAV number, a unit
    /// with digital receipt, serving the kommune named, which the sending embete covers.
    func checkReturnAddressing(_ m: JSONValue, sender: String, recipient: String) throws(APIProblem) {
        guard let senderNumber = Organisasjonsnummer(sender) else { return }
        guard let recipientNumber = Organisasjonsnummer(recipient) else {
            throw .semanticInvalid(errors: [.init(pointer: "/navEnhet/organisasjonsnummer", code: "organisasjonsnummer-ugyldig",
                                                  message: "\(recipient) is not a valid organisation number (check digit).")])
        }
        let enhetsnummer = m["navEnhet"]?["navEnhetsnummer"]?.stringValue.flatMap(NavEnhetsnummer.init)
        let kommune = m["navEnhet"]?["kommunenummer"]?.stringValue.flatMap(Kommunenummer.init)
        if case .failure(let refusal) = registry.checkReturn(
            sender: senderNumber, recipient: recipientNumber, navEnhetsnummer: enhetsnummer, kommunenummer: kommune, on: today())
        {
            throw .addressingRefused(reason: refusal.message, code: refusal.code, pointer: refusal.field.jsonPointer)
        }
    }

    /// GET /api/v1/tilbakemeldinger[?inkluderKvitterte=true&limit=N]: decisions addressed to the
    /// calling NAV unit, oldest first (audited per case, since they carry personal data).
    func listFeedback(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .listFeedback)
        let query = try QueryParameters(request.head.query)
        let items = try await store.feedback(recipient: caller.organisasjonsnummer, includeAcknowledged: try query.flag("inkluderKvitterte"),
                                             limit: try query.limit(configuration))
        if !items.isEmpty { try await audit(caller, items.map(\.klagesakId), "les-tilbakemelding", context) }
        let list: [JSONValue] = try items.map { f in
            JSONResponse.object([
                ("meldingId", .string(f.meldingId)), ("meldingstype", .string(f.meldingstype)), ("klagesakId", .string(f.klagesakId)),
                ("avsender", .string(f.senderOrgnr)), ("registrertTidspunkt", .time(f.registrertTidspunkt)),
                ("kvittertTidspunkt", .time(f.kvittertTidspunkt)), ("melding", try JSONParser.parse(bytes: f.message)),
                ("kvitterHref", .string("/api/v1/tilbakemeldinger/\(f.meldingId)/kvitter")),
            ])
        }
        return JSONResponse.make(.ok, JSONResponse.object([("tilbakemeldinger", .array(list))]))
    }

    /// POST /api/v1/tilbakemeldinger/{meldingId}/kvitter: the NAV unit has taken the decision in.
    /// Idempotent: a repeat answers with the first acknowledgement's time.
    func acknowledgeFeedback(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .acknowledgeFeedback)
        let meldingId = pathParameter(context, "meldingId")
        guard let found = try await store.feedbackMessage(meldingId: meldingId), found.recipientOrgnr == caller.organisasjonsnummer else {
            throw APIProblem.feedbackNotFound(id: meldingId)
        }
        let now = configuration.now()
        let acknowledged = try await store.update(found.klagesakId, creating: nil) { snapshot in
            guard let f = snapshot.feedback.first(where: { $0.meldingId == meldingId }) else { throw APIProblem.feedbackNotFound(id: meldingId) }
            if let at = f.kvittertTidspunkt { return (CaseChange(), at) }
            var change = CaseChange()
            // The decision's receipt is part of the process; a task's is only the message's.
            if f.meldingstype == "klagevedtak" {
                let hendelseId = CaseEventCoding.derivedId("klagevedtak-kvittering", meldingId)
                let event = CaseEvent(
                    hendelseId: hendelseId, klagesakId: f.klagesakId, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                    aktor: .nav(caller.organisasjonsnummer), kind: .klagevedtakKvittert(meldingId: meldingId))
                let next = try CaseProcessBridge.apply(event, to: try CaseProcessBridge.state(of: snapshot))
                CaseProcessBridge.derived(next, into: &change)
                let json = CaseEventCoding.record(type: "klagevedtakKvittert", klagesakId: f.klagesakId, hendelseId: hendelseId, at: now,
                                                  aktor: event.aktor, fields: [("meldingId", .string(meldingId))])
                change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            }
            change.acknowledgedFeedback = [(meldingId, now)]
            return (change, now)
        }
        return JSONResponse.make(.ok, JSONResponse.object([
            ("meldingId", .string(meldingId)), ("klagesakId", .string(found.klagesakId)), ("kvittertTidspunkt", .time(acknowledged)),
        ]))
    }
}
