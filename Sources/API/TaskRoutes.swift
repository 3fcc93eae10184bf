import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// Tasks for the appellant (the `oppgave` message): given by the body holding the case. A task
/// from the embete also comes back to the sending NAV unit among its tilbakemeldinger, so NAV
/// sees what the Statsforvalter asks the citizen for.
extension ExchangeAPI {
    /// POST /api/v1/klagesaker/{klagesakId}/oppgaver. Idempotent by `oppgaveId`. A documentation
    /// request records `dokumentasjonEtterspurt` in the timeline through the process.
    func postTask(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .postTask)
        let id = try caseId(context)
        try requireJSONBody(request)
        let body = request.bodyBytes
        let message = try schemas.read(body, as: .oppgave)
        if let bodyId = message["klagesakId"]?.stringValue, bodyId != id {
            throw APIProblem.bodyMismatch(pointer: "/klagesakId", expected: "the case in the path, \(id)", got: bodyId)
        }
        try requireActor(message["fra"], is: caller, pointer: "/fra")
        let oppgaveId = message["oppgaveId"]?.stringValue ?? ""
        let isDocumentationRequest = message["oppgavetype"]?.stringValue == "DOKUMENTASJON_ETTERSPURT"
        let frist = message["innsendelsesfrist"]?.stringValue.flatMap { CalendarDate(iso8601: $0) }
        let sha256 = SHA2.sha256Hex(body)
        let now = configuration.now()
        var listed: [JSONValue] = []
        if let letter = message["forvaltningsbrev"] { listed.append(letter) }
        let documents = Self.listedDocuments(.array(listed), klagesakId: id, listedBy: caller.organisasjonsnummer)

        let (created, task) = try await store.update(id, creating: nil) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record)
            if let existing = snapshot.feedback.first(where: { $0.meldingId == oppgaveId }) {
                guard Idempotency.sameContent(stored: existing.message, storedSha256: existing.contentSha256, received: message, receivedSha256: sha256) else {
                    throw APIProblem.idempotencyConflict(idName: "oppgaveId", id: oppgaveId, storedSha256: existing.contentSha256,
                                                         receivedSha256: sha256)
                }
                return (CaseChange(), (false, existing))
            }
            let taken = Set(snapshot.documents.map(\.dokumentId))
            if let clash = documents.first(where: { taken.contains($0.dokumentId) }) {
                throw APIProblem.semanticInvalid(errors: [.init(pointer: "/forvaltningsbrev/dokumentId", code: "dokumentid-ikke-unik",
                                                                message: "dokumentId \(clash.dokumentId) is already used in this case.")])
            }
            var change = CaseChange()
            let state = try CaseProcessBridge.state(of: snapshot)
            let aktor = caller.role == .nav ? Aktor.nav(caller.organisasjonsnummer) : Aktor.statsforvalter(caller.organisasjonsnummer)
            if isDocumentationRequest, let frist {
                let hendelseId = CaseEventCoding.derivedId("oppgave", oppgaveId)
                let event = CaseEvent(hendelseId: hendelseId, klagesakId: id, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                                      aktor: aktor, kind: .dokumentasjonEtterspurt(oppgaveId: oppgaveId, innsendelsesfrist: frist))
                let next = try CaseProcessBridge.apply(event, to: state)
                CaseProcessBridge.derived(next, into: &change)
                let json = CaseEventCoding.record(
                    type: "dokumentasjonEtterspurt", klagesakId: id, hendelseId: hendelseId, at: now, aktor: aktor,
                    fields: [("oppgaveId", .string(oppgaveId)), ("innsendelsesfrist", .string(frist.description))])
                change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            } else if state.posisjon.holder != aktor.rolle {
                throw APIProblem.illegalTransition(
                    current: state.posisjon.navn, requested: "oppgave (\(aktor.rolle.rawValue))",
                    reason: "only the body holding the case gives the appellant tasks", code: "feil-rolle", pointer: "/fra/rolle")
            }
            // Tasks from the embete come back to the NAV unit; a NAV unit's own tasks go to the embete.
            let recipient = caller.role == .statsforvalter ? snapshot.record.senderOrgnr : (snapshot.record.embeteOrgnr ?? "")
            let task = StoredFeedback(
                meldingId: oppgaveId, klagesakId: id, meldingstype: "oppgave", senderOrgnr: caller.organisasjonsnummer,
                recipientOrgnr: recipient, registrertTidspunkt: now, kvittertTidspunkt: nil, contentSha256: sha256, message: body)
            change.feedback = [task]
            change.documents = documents
            return (change, (true, task))
        }
        return JSONResponse.make(created ? .created : .ok, JSONResponse.object([
            ("kvitteringstype", .string("mottatt")), ("klagesakId", .string(id)), ("oppgaveId", .string(oppgaveId)),
            ("mottattTidspunkt", .time(task.registrertTidspunkt)), ("innholdSha256", .string(task.contentSha256)),
            ("mottaker", .string(task.recipientOrgnr)),
            ("manglendeDokumenter", .array(documents.map(Self.documentSummary))),
        ]))
    }
}

extension ExchangeAPI {
    /// POST /api/v1/klagesaker/{klagesakId}/oppgaver/{oppgaveId}/svar with an `oppgavesvar`: the
    /// appellant's (or helper's) reply, forwarded by the citizen's view (innsyn, naming the citizen,
    /// who must be the one replying) or registered by the body that received it. Idempotent by
    /// `svarId`; the reply goes to the body that gave the task, and answers it in the timeline.
    func answerTask(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .answerTask)
        let id = try caseId(context)
        let oppgaveId = pathParameter(context, "oppgaveId")
        try requireJSONBody(request)
        let body = request.bodyBytes
        let message = try schemas.read(body, as: .oppgavesvar)
        if let bodyId = message["klagesakId"]?.stringValue, bodyId != id {
            throw APIProblem.bodyMismatch(pointer: "/klagesakId", expected: "the case in the path, \(id)", got: bodyId)
        }
        if let bodyTask = message["oppgaveId"]?.stringValue, bodyTask != oppgaveId {
            throw APIProblem.bodyMismatch(pointer: "/oppgaveId", expected: "the task in the path, \(oppgaveId)", got: bodyTask)
        }
        let citizen = request.headers[Authorization.citizenHeader]
        let replier = message["besvartAv"]?["fodselsnummer"]?.stringValue ?? ""
        if caller.role == .innsyn && replier != citizen {
            throw APIProblem.bodyMismatch(pointer: "/besvartAv/fodselsnummer", expected: "the citizen named in \(Authorization.citizenHeader)",
                                          got: "another person")
        }
        let svarId = message["svarId"]?.stringValue ?? ""
        let sha256 = SHA2.sha256Hex(body)
        let now = configuration.now()
        let documents = Self.listedDocuments(message["dokumenter"], klagesakId: id, listedBy: caller.organisasjonsnummer)

        let (created, reply) = try await store.update(id, creating: nil) { snapshot in
            try Authorization.requireParty(caller, to: snapshot.record, citizen: citizen)
            guard let task = snapshot.feedback.first(where: { $0.meldingId == oppgaveId && $0.meldingstype == "oppgave" }) else {
                throw APIProblem.feedbackNotFound(id: oppgaveId)
            }
            if let existing = snapshot.feedback.first(where: { $0.meldingId == svarId }) {
                guard Idempotency.sameContent(stored: existing.message, storedSha256: existing.contentSha256, received: message, receivedSha256: sha256) else {
                    throw APIProblem.idempotencyConflict(idName: "svarId", id: svarId, storedSha256: existing.contentSha256, receivedSha256: sha256)
                }
                return (CaseChange(), (false, existing))
            }
            // The appellant may be the klager or the helper; the case knows both.
            if replier != snapshot.record.klagerIdent && replier != snapshot.record.fullmektigIdent {
                throw APIProblem.bodyMismatch(pointer: "/besvartAv/fodselsnummer", expected: "the appellant or their helper", got: "another person")
            }
            let taken = Set(snapshot.documents.map(\.dokumentId))
            if let clash = documents.first(where: { taken.contains($0.dokumentId) }) {
                throw APIProblem.semanticInvalid(errors: [.init(pointer: "/dokumenter", code: "dokumentid-ikke-unik",
                                                                message: "dokumentId \(clash.dokumentId) is already used in this case.")])
            }
            var change = CaseChange()
            let state = try CaseProcessBridge.state(of: snapshot)
            if let given = state.oppgaver.first(where: { $0.oppgaveId == oppgaveId }) {
                // Recorded for the body that gave the task, as the process defines the reply's actor.
                let aktor = given.gittAv == .nav ? Aktor.nav(task.senderOrgnr) : Aktor.statsforvalter(task.senderOrgnr)
                let hendelseId = CaseEventCoding.derivedId("oppgavesvar", svarId)
                let event = CaseEvent(hendelseId: hendelseId, klagesakId: id, tidspunkt: Tidspunkt(millisekunder: now.millisecondsSinceEpoch),
                                      aktor: aktor, kind: .oppgaveBesvart(oppgaveId: oppgaveId, svarId: svarId))
                let next = try CaseProcessBridge.apply(event, to: state)
                CaseProcessBridge.derived(next, into: &change)
                let json = CaseEventCoding.record(type: "oppgaveBesvart", klagesakId: id, hendelseId: hendelseId, at: now, aktor: aktor,
                                                  fields: [("oppgaveId", .string(oppgaveId)), ("svarId", .string(svarId))])
                change.events = [CaseProcessBridge.stored(json, event: event, at: now)]
            }
            let reply = StoredFeedback(
                meldingId: svarId, klagesakId: id, meldingstype: "oppgavesvar", senderOrgnr: caller.organisasjonsnummer,
                recipientOrgnr: task.senderOrgnr, registrertTidspunkt: now, kvittertTidspunkt: nil, contentSha256: sha256, message: body)
            change.feedback = [reply]
            change.documents = documents
            return (change, (true, reply))
        }
        return JSONResponse.make(created ? .created : .ok, JSONResponse.object([
            ("kvitteringstype", .string("mottatt")), ("klagesakId", .string(id)), ("oppgaveId", .string(oppgaveId)),
            ("svarId", .string(svarId)), ("mottattTidspunkt", .time(reply.registrertTidspunkt)),
            ("innholdSha256", .string(reply.contentSha256)), ("mottaker", .string(reply.recipientOrgnr)),
            ("manglendeDokumenter", .array(documents.map(Self.missingDocument))),
        ]))
    }
}
