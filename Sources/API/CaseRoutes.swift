import Domain
import HTTPCore
import HTTPServer
import JSONSchema

/// Reading cases: the embete's inbox, one case with its documents, and the status timeline.
extension ExchangeAPI {
    /// GET /api/v1/innboks?status=…&minAlderDager=…&maksAlderDager=…&limit=…&cursor=…
    /// Lists no personal data (ids, status, urgency, times), so it is not audited; opening a case is.
    func listInbox(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .listInbox)
        let query = try QueryParameters(request.head.query)
        let now = configuration.now()
        var inbox = InboxQuery(embeteOrgnr: caller.organisasjonsnummer, limit: try query.limit(configuration))
        if let statuses = query["status"] {
            inbox.statuses = statuses.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
        }
        let day: Int64 = 86_400_000
        if let minAge = try query.nonNegativeInt("minAlderDager") {
            inbox.receivedBefore = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(minAge) * day)
        }
        if let maxAge = try query.nonNegativeInt("maksAlderDager") {
            inbox.receivedAfter = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(maxAge) * day)
        }
        if let cursor = query["cursor"] {
            guard let parsed = InboxCursor(token: cursor) else {
                throw APIProblem.invalidQuery(parameter: "cursor", reason: "not a cursor this server gave out")
            }
            inbox.after = parsed
        }
        let cases = try await store.inbox(inbox)
        let next = cases.count == inbox.limit ? cases.last.map {
            InboxCursor(isUrgent: $0.isUrgent, mottatt: $0.inboxTime, klagesakId: $0.klagesakId).token
        } : nil
        let items: [JSONValue] = cases.map { c in
            JSONResponse.object([
                ("klagesakId", .string(c.klagesakId)), ("status", .string(c.status)), ("trinn", .string(c.stage)),
                ("hastesak", .bool(c.isUrgent)), ("mottattTidspunkt", .time(c.mottattTidspunkt)),
                ("kvittertTidspunkt", .time(c.kvitteringTidspunkt)), ("navEnhet", .string(c.senderOrgnr)),
                ("kommunenummer", .text(c.kommunenummer)), ("saksbehandler", .text(c.saksbehandler)),
                ("href", .string("/api/v1/klagesaker/\(c.klagesakId)")),
            ])
        }
        return JSONResponse.make(.ok, JSONResponse.object([("klagesaker", .array(items)), ("nesteCursor", next.map { .string($0) } ?? .null)]))
    }

    /// GET /api/v1/klagesaker/{klagesakId}: the transfer message, documents and timeline (audited).
    func getCase(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .getCase)
        let snapshot = try await visibleCase(try caseId(context), for: caller, request)
        try await audit(caller, [snapshot.record.klagesakId], "les-klagesak", context)
        let c = snapshot.record
        let message = try c.message.map { try JSONParser.parse(bytes: $0) }
        let body = JSONResponse.object([
            ("klagesakId", .string(c.klagesakId)), ("status", .string(c.status)), ("trinn", .string(c.stage)),
            ("hastesak", .bool(c.isUrgent)), ("navEnhet", .string(c.senderOrgnr)), ("embete", .text(c.embeteOrgnr)),
            ("mottattTidspunkt", .time(c.mottattTidspunkt)), ("kvittertTidspunkt", .time(c.kvitteringTidspunkt)),
            ("saksbehandler", .text(c.saksbehandler)), ("komplett", .bool(snapshot.missingDocuments.isEmpty)),
            ("oversendelse", message),
            ("dokumenter", .array(snapshot.documents.map(Self.documentSummary))),
            ("hendelser", .array(try timeline(snapshot))),
            ("vedtak", .array(try snapshot.feedback.filter { $0.meldingstype == "klagevedtak" }.map { try JSONParser.parse(bytes: $0.message) })),
            ("oppgaver", .array(try snapshot.feedback.filter { $0.meldingstype == "oppgave" }.map { try JSONParser.parse(bytes: $0.message) })),
            ("oppgavesvar", .array(try snapshot.feedback.filter { $0.meldingstype == "oppgavesvar" }.map { try JSONParser.parse(bytes: $0.message) })),
        ])
        return JSONResponse.make(.ok, body)
    }

    /// GET /api/v1/klagesaker/{klagesakId}/status: where the case stands and its timeline, for the
    /// citizen's view (innsyn names the citizen in `Klagebro-Innbygger`) and for the parties (audited).
    func getStatus(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .getStatus)
        let snapshot = try await visibleCase(try caseId(context), for: caller, request, parts: [])
        try await audit(caller, [snapshot.record.klagesakId], "les-status", context)
        let events = try CaseProcessBridge.events(of: snapshot)
        let state = try CaseProcessBridge.state(of: snapshot, events: events)
        let lead = Ledetid.beregn(state, now: Tidspunkt(millisekunder: configuration.now().millisecondsSinceEpoch))
        func hours(_ v: Varighet?) -> JSONValue? { v.map { .number(JSONNumber(Int($0.millisekunder / 3_600_000)) ) } }
        let ledetid = JSONResponse.object([
            ("start", .text(lead.start?.description)),
            ("avgjort", .text(lead.avgjort?.description)),
            ("erAvgjort", .bool(lead.erAvgjort)),
            ("ledetidTimer", hours(lead.ledetid)),
            ("hosStatsforvalterTimer", hours(lead.hosStatsforvalter)),
            ("liggetidTimer", hours(lead.liggetidTotalt)),
            ("arbeidstidTimer", hours(lead.arbeidstid)),
        ])
        let body = JSONResponse.object([
            ("klagesakId", .string(snapshot.record.klagesakId)),
            ("status", .string(CaseProcessBridge.statusWord(state.posisjon))),
            ("posisjon", .string(state.posisjon.navn)),
            ("trinn", .string(state.trinn.rawValue)),
            ("hastesak", .bool(state.erHastesak)),
            ("klageUtfall", .text(state.klageUtfall?.rawValue)),
            ("statsforvalterUtfall", .text(state.statsforvalterUtfall?.rawValue)),
            ("forventetAvgjortDato", .text(state.forventetAvgjortDato?.description)),
            ("ledetid", ledetid),
            ("tidslinje", .array(timeline(snapshot, events: events))),
        ])
        return JSONResponse.make(.ok, body)
    }

    /// Every event in time order, annulled ones marked (never removed).
    func timeline(_ snapshot: CaseSnapshot) throws -> [JSONValue] {
        timeline(snapshot, events: try CaseProcessBridge.events(of: snapshot))
    }

    /// The timeline from events already decoded, in the order of `snapshot.events`.
    func timeline(_ snapshot: CaseSnapshot, events: [CaseEvent]) -> [JSONValue] {
        let decoded = zip(snapshot.events, events).map { ($0, $1) }
        var annulled: [String: String] = [:]
        for (_, e) in decoded {
            if case .hendelseAnnullert(let target, let type, _) = e.kind { annulled[target] = type.rawValue }
        }
        return decoded.sorted { $0.1.tidspunkt < $1.1.tidspunkt }.map { stored, e in
            JSONResponse.object([
                ("hendelseId", .string(e.hendelseId)), ("type", .string(stored.type)), ("status", .text(stored.status)),
                ("beskrivelse", .string(e.kind.navn)),
                ("hendelsestidspunkt", .string(e.tidspunkt.description)),
                ("registrertTidspunkt", .string(stored.registrertTidspunkt.text)),
                ("aktor", CaseEventCoding.encode(e.aktor)),
                ("hendelseTekst", .text(e.hendelseTekst)),
                ("annullert", annulled[e.hendelseId].map { .string($0) }),
            ])
        }
    }
}

/// The query string, decoded once; unknown parameters are ignored, malformed ones refused.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ query: Substring?) throws(APIProblem) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { throw .invalidQuery(parameter: String(parts[0]), reason: "bad percent-encoding") }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            guard let value else { throw .invalidQuery(parameter: name, reason: "bad percent-encoding") }
            values[name] = value
        }
    }

    subscript(name: String) -> String? { values[name] }

    func nonNegativeInt(_ name: String) throws(APIProblem) -> Int? {
        guard let text = values[name] else { return nil }
        guard let n = Int(text), n >= 0, n <= 100_000 else { throw .invalidQuery(parameter: name, reason: "must be a whole number from 0 to 100000") }
        return n
    }

    func limit(_ configuration: APIConfiguration) throws(APIProblem) -> Int {
        guard let text = values["limit"] else { return configuration.defaultPageSize }
        guard let n = Int(text), n >= 1, n <= configuration.maxPageSize else {
            throw .invalidQuery(parameter: "limit", reason: "must be from 1 to \(configuration.maxPageSize)")
        }
        return n
    }

    func flag(_ name: String) throws(APIProblem) -> Bool {
        switch values[name] {
        case nil, "false": return false
        case "true": return true
        default: throw .invalidQuery(parameter: name, reason: "must be true or false")
        }
    }

    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%") {
                let h = utf8.index(after: i)
                guard h < utf8.endIndex, utf8.index(after: h) < utf8.endIndex,
                    let hi = hex(utf8[h]), let lo = hex(utf8[utf8.index(after: h)]) else { return nil }
                bytes.append(hi << 4 | lo)
                i = utf8.index(after: h)
            } else {
                bytes.append(b)
            }
            i = utf8.index(after: i)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x37
        case 0x61...0x66: b - 0x57
        default: nil
        }
    }
}
