import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// The NAV unit's transfer (klagesak-oversendelse) and its two-step receipt.
extension ExchangeAPI {
    /// POST /api/v1/klagesaker: parse once, validate with the compiled schema, check, and store in
    /// one write job. 201 with the `mottatt` receipt; 200 with the same receipt for an identical
    /// retry; 409 naming both hashes when the meldingId comes again with other content.
    func submitTransfer(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .submitTransfer)
        try requireJSONBody(request)
        let body = request.bodyBytes
        let message = try schemas.read(body, as: .klagesakOversendelse)
        let notes = try transferChecks.check(message, caller: caller, now: configuration.now())

        let meldingId = message["meldingId"]?.stringValue ?? ""
        let klagesakId = message["klagesakId"]?.stringValue ?? Identifiers.newUUID()
        let sha256 = SHA2.sha256Hex(body)
        let now = configuration.now()
        let event = transferEvent(message, klagesakId: klagesakId, caller: caller, at: now)
        let documents = Self.listedDocuments(message["dokumenter"], klagesakId: klagesakId, listedBy: caller.organisasjonsnummer)
        let navEnhet = message["navEnhet"]
        let embeteOrgnr = message["embete"]?["organisasjonsnummer"]?.stringValue
        let klager = message["klager"]?["fodselsnummer"]?.stringValue
        let fullmektig = message["fullmektig"]?["fodselsnummer"]?.stringValue

        let sha512 = SHA2.sha512Hex(body)
        // Everything the write needs is worked out here, on the request's thread; the single writer
        // only checks for an existing row and inserts. Only a klagesakId that already names a case (the
        // unit's own pre-transfer events) makes the writer fold that case's history first.
        let write = { @Sendable (existing: CaseSnapshot?) throws -> TransferWrite in
            // A klagesakId the unit used for its own stage's events may be transferred once, by that unit.
            if let existing, existing.record.senderOrgnr != caller.organisasjonsnummer || existing.record.meldingId != nil {
                throw APIProblem.klagesakIdInUse(klagesakId: klagesakId)
            }
            let before = try existing.map(CaseProcessBridge.state(of:)) ?? CaseProcessBridge.state(ofNew: klagesakId)
            let after = try CaseProcessBridge.apply(event, to: before)
            var record = existing?.record
                ?? StoredCase(klagesakId: klagesakId, senderOrgnr: caller.organisasjonsnummer, opprettetTidspunkt: now,
                              status: "", stage: "")
            var change = CaseChange()
            CaseProcessBridge.derived(after, into: &change)
            record.status = change.status ?? record.status
            record.stage = change.stage ?? record.stage
            record.isUrgent = change.isUrgent ?? record.isUrgent
            record.meldingId = meldingId
            record.embeteOrgnr = embeteOrgnr
            record.kommunenummer = navEnhet?["kommunenummer"]?.stringValue
            record.mottattTidspunkt = now
            record.contentSha256 = sha256
            record.contentSha512 = sha512
            record.message = body
            record.klagerIdent = klager
            record.fullmektigIdent = fullmektig
            let stored = CaseProcessBridge.stored(Self.encodeTransferEvent(event), event: event, at: now)
            return TransferWrite(record: record, documents: documents, events: [stored])
        }
        let fresh = Result { try write(nil) }
        let outcome = try await store.submitTransfer(sender: caller.organisasjonsnummer, meldingId: meldingId, klagesakId: klagesakId) {
            existing in
            guard let existing else { return try fresh.get() }
            return try write(existing)
        }

        switch outcome {
        case .created(let record):
            var headers = HTTPHeaders()
            headers.add("Location", "/api/v1/klagesaker/\(record.klagesakId)")
            return JSONResponse.make(.created, receipt(record, documents: documents, notes: notes.merknader), headers: headers)
        case .existing(let record):
            guard Idempotency.sameContent(stored: record.message ?? [], storedSha256: record.contentSha256 ?? "", received: message, receivedSha256: sha256) else {
                throw APIProblem.idempotencyConflict(idName: "meldingId", id: meldingId, storedSha256: record.contentSha256 ?? "",
                                                     receivedSha256: sha256)
            }
            let current = try await store.loadCase(record.klagesakId)
            var headers = HTTPHeaders()
            headers.add("Location", "/api/v1/klagesaker/\(record.klagesakId)")
            return JSONResponse.make(.ok, receipt(current?.record ?? record, documents: current?.documents ?? [], notes: notes.merknader),
                                     headers: headers)
        }
    }

    /// GET /api/v1/klagesaker/{klagesakId}/kvittering: `mottatt`, or `kvittering` once the embete took it in.
    func getReceipt(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .getReceipt)
        let snapshot = try await visibleCase(try caseId(context), for: caller, request, parts: .documents)
        guard snapshot.record.meldingId != nil else { throw APIProblem.caseNotFound(klagesakId: snapshot.record.klagesakId) }
        return JSONResponse.make(.ok, receipt(snapshot.record, documents: snapshot.documents, notes: []))
    }

    /// The receipt body: ids, time, content hashes, status, and the documents still missing.
    func receipt(_ c: StoredCase, documents: [ListedDocument], notes: [APIProblem.FieldError]) -> JSONValue {
        let missing = documents.filter { $0.mottattTidspunkt == nil }
        return JSONResponse.object([
            ("kvitteringstype", .string(c.kvitteringTidspunkt == nil ? "mottatt" : "kvittering")),
            ("klagesakId", .string(c.klagesakId)),
            ("meldingId", .text(c.meldingId)),
            ("mottattTidspunkt", .time(c.mottattTidspunkt)),
            ("kvittertTidspunkt", .time(c.kvitteringTidspunkt)),
            ("innholdSha256", .text(c.contentSha256)),
            ("innholdSha512", .text(c.contentSha512)),
            ("status", .string(c.status)),
            ("komplett", .bool(missing.isEmpty)),
            ("manglendeDokumenter", .array(missing.map(Self.missingDocument))),
            ("merknader", .array(notes.map { JSONResponse.object([("pointer", .string($0.pointer)), ("code", .string($0.code)), ("message", .string($0.message))]) })),
        ])
    }

    /// A missing document in a receipt: which one, and where to upload it (the sender has the rest).
    static func missingDocument(_ d: ListedDocument) -> JSONValue {
        JSONResponse.object([
            ("dokumentId", .string(d.dokumentId)), ("dokumenttype", .string(d.dokumenttype)), ("tittel", .string(d.tittel)),
            ("href", .string("/api/v1/klagesaker/\(d.klagesakId)/dokumenter/\(d.dokumentId)")),
        ])
    }

    static func documentSummary(_ d: ListedDocument) -> JSONValue {
        JSONResponse.object([
            ("dokumentId", .string(d.dokumentId)), ("tittel", .string(d.tittel)), ("dokumenttype", .string(d.dokumenttype)),
            ("mediatype", .string(d.mediatype)), ("storrelse", .int(d.storrelse)), ("sha512", .string(d.sha512)),
            ("mottatt", .bool(d.mottattTidspunkt != nil)), ("mottattTidspunkt", .time(d.mottattTidspunkt)),
            ("href", .string("/api/v1/klagesaker/\(d.klagesakId)/dokumenter/\(d.dokumentId)")),
        ])
    }

    static func listedDocuments(_ list: JSONValue?, klagesakId: String, listedBy: String) -> [ListedDocument] {
        (list?.arrayValue ?? []).map { d in
            ListedDocument(
                klagesakId: klagesakId, dokumentId: d["dokumentId"]?.stringValue ?? "", tittel: d["tittel"]?.stringValue ?? "",
                dokumenttype: d["dokumenttype"]?.stringValue ?? "ANNET", mediatype: d["mediatype"]?.stringValue ?? "",
                storrelse: d["storrelse"].flatMap { if case .number(let n) = $0 { n.intValue } else { nil } } ?? 0,
                sha512: d["sha512"]?.stringValue ?? "", listedBy: listedBy, mottattTidspunkt: nil)
        }
    }

    /// The exchange's record of the transfer: the `oversendelseMottatt` event.
    func transferEvent(_ m: JSONValue, klagesakId: String, caller: Caller, at: Timestamp) -> CaseEvent {
        let meldingId = m["meldingId"]?.stringValue ?? ""
        let navEnhet = m["navEnhet"]
        let aktor = Aktor.nav(caller.organisasjonsnummer, navEnhetsnummer: navEnhet?["navEnhetsnummer"]?.stringValue,
                              navn: navEnhet?["navn"]?.stringValue)
        let sendt = m["sendtTidspunkt"]?.stringValue.flatMap { Tidspunkt(iso8601: $0) } ?? Tidspunkt(millisekunder: at.millisecondsSinceEpoch)
        let embete = m["embete"].flatMap(CaseEventCoding.decodeEmbete) ?? EmbeteReferanse(organisasjonsnummer: "")
        let vurdering = m["vurdering"]
        let oversendelse = CaseEvent.Oversendelse(
            meldingId: meldingId, sendtTidspunkt: sendt, navEnhet: navEnhet?["organisasjonsnummer"]?.stringValue ?? "",
            embete: embete, hastesak: m["hastesak"].map(CaseEventCoding.decodeHastesak) ?? .ikkeHastesak,
            klageMottattDato: m["klage"]?["mottattDato"]?.stringValue.flatMap { CalendarDate(iso8601: $0) } ?? today(),
            klageUtfall: vurdering?["klageUtfall"]?.stringValue.flatMap(KlageUtfall.init(rawValue:)) ?? .opprettholdt,
            kommentarfrist: vurdering?["kommentarfrist"]?.stringValue.flatMap { CalendarDate(iso8601: $0) } ?? today())
        return CaseEvent(hendelseId: CaseEventCoding.derivedId("oversendelse", meldingId), klagesakId: klagesakId,
                         tidspunkt: Tidspunkt(millisekunder: at.millisecondsSinceEpoch), aktor: aktor,
                         kind: .oversendelseMottatt(oversendelse))
    }

    static func encodeTransferEvent(_ e: CaseEvent) -> JSONValue {
        guard case .oversendelseMottatt(let o) = e.kind else { preconditionFailure("a transfer event") }
        var hastesak: [(String, JSONValue)] = [("erHastesak", .bool(o.hastesak.erHastesak))]
        if !o.hastesak.arsaker.isEmpty || o.hastesak.tekst != nil {
            var begrunnelse: [(String, JSONValue)] = [("arsaker", .array(o.hastesak.arsaker.map { .string($0.rawValue) }))]
            if let t = o.hastesak.tekst { begrunnelse.append(("tekst", .string(t))) }
            hastesak.append(("begrunnelse", .object(JSONObject(begrunnelse))))
        }
        var embete: [(String, JSONValue)] = [("organisasjonsnummer", .string(o.embete.organisasjonsnummer))]
        if let n = o.embete.navn { embete.append(("navn", .string(n))) }
        return CaseEventCoding.record(
            type: "oversendelseMottatt", klagesakId: e.klagesakId, hendelseId: e.hendelseId,
            at: Timestamp(millisecondsSinceEpoch: e.tidspunkt.millisekunder), aktor: e.aktor,
            fields: [
                ("meldingId", .string(o.meldingId)), ("sendtTidspunkt", .string(o.sendtTidspunkt.description)),
                ("navEnhet", .string(o.navEnhet)), ("embete", .object(JSONObject(embete))),
                ("hastesak", .object(JSONObject(hastesak))), ("klageMottattDato", .string(o.klageMottattDato.description)),
                ("klageUtfall", .string(o.klageUtfall.rawValue)), ("kommentarfrist", .string(o.kommentarfrist.description)),
            ])
    }
}
