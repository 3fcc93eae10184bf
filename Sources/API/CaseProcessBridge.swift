import Domain
import JSONSchema

/// Connects stored events to the Domain's status machine: decode, fold, apply, and the status
/// words the API lists cases by.
enum CaseProcessBridge {
    /// A stored history that no longer folds is a server fault, never the caller's.
    struct CorruptHistory: Error, CustomStringConvertible {
        let klagesakId: String
        let reason: String
        var description: String { "case \(klagesakId): stored events do not fold: \(reason)" }
    }

    static func events(of snapshot: CaseSnapshot) throws -> [CaseEvent] {
        try snapshot.events.map { stored in
            try CaseEventCoding.decode(try JSONParser.parse(bytes: stored.message))
        }
    }

    static func state(of snapshot: CaseSnapshot) throws -> CaseState {
        try state(of: snapshot, events: try events(of: snapshot))
    }

    /// The state from events already decoded (`events(of:)`), for a caller that shows them too.
    static func state(of snapshot: CaseSnapshot, events: [CaseEvent]) throws -> CaseState {
        switch CaseProcess.fold(klagesakId: snapshot.record.klagesakId, events: events) {
        case .success(let state): return state
        case .failure(let refusal):
            throw CorruptHistory(klagesakId: snapshot.record.klagesakId, reason: refusal.description)
        }
    }

    static func state(ofNew klagesakId: String) -> CaseState { CaseState(klagesakId: klagesakId) }

    /// Applies `event`, mapping a refusal to the problem response naming both states.
    static func apply(_ event: CaseEvent, to state: CaseState) throws(APIProblem) -> CaseState {
        switch CaseProcess.apply(event, to: state) {
        case .success(let next): return next
        case .failure(let r):
            throw .illegalTransition(current: r.current, requested: r.requested, reason: r.message, code: r.code.rawValue,
                                     pointer: r.pointer)
        }
    }

    /// The status word of a position: NAV's klageStatus word where there is one, else the event type.
    static func statusWord(_ p: Posisjon) -> String {
        switch p {
        case .ny: "NY"
        case .sendt: "SENDT"
        case .mottattHosNav, .mottattHosStatsforvalter: "MOTTATT"
        case .underBehandlingHosNav, .underBehandlingHosStatsforvalter, .nyBehandlingHosNav: "UNDER_BEHANDLING"
        case .klageUtfall: "klageUtfall"
        case .saksfremleggSendt: "saksfremlegg"
        case .videresendt: "VIDERESENDT"
        case .tildeltSaksbehandler: "TILDELT_SAKSBEHANDLER"
        case .avgjort: "statsforvalterUtfall"
        case .ferdigbehandlet: "FERDIGBEHANDLET"
        case .trukket: "TRUKKET"
        }
    }

    /// The derived columns of a case after a change.
    static func derived(_ state: CaseState, into change: inout CaseChange) {
        change.status = statusWord(state.posisjon)
        change.stage = state.trinn.rawValue
        change.isUrgent = state.erHastesak
        if let at = kvittering(state) { change.kvitteringTidspunkt = at }
    }

    /// When the embete took the case in: its receipt (`/mottak`), or else its MOTTATT status event.
    static func kvittering(_ state: CaseState) -> Timestamp? {
        if state.oversendelse.status == .kvittert, let t = state.oversendelse.kvittert {
            return Timestamp(millisecondsSinceEpoch: t.millisekunder)
        }
        if let entry = state.historikk.first(where: { $0.posisjon == .mottattHosStatsforvalter }) {
            return Timestamp(millisecondsSinceEpoch: entry.tidspunkt.millisekunder)
        }
        return nil
    }

    static func stored(_ json: JSONValue, event: CaseEvent, at: Timestamp) -> StoredEvent {
        stored(JSONBytes.encode(json), event: event, at: at)
    }

    static func stored(_ bytes: [UInt8], event: CaseEvent, at: Timestamp) -> StoredEvent {
        var status: String?
        if case .klageStatus(let c) = event.kind { status = c.status.rawValue }
        let type = json(typeOf: event.kind)
        return StoredEvent(
            klagesakId: event.klagesakId, hendelseId: event.hendelseId, type: type, status: status,
            aktorRolle: event.aktor.rolle.rawValue, aktorOrgnr: event.aktor.organisasjonsnummer,
            hendelsestidspunkt: event.tidspunkt.description, registrertTidspunkt: at,
            contentSha256: SHA2.sha256Hex(bytes), message: bytes)
    }

    static func json(typeOf kind: CaseEvent.Kind) -> String {
        switch kind {
        case .klageStatus: "klageStatus"
        case .klageUtfall: "klageUtfall"
        case .saksfremlegg: "saksfremlegg"
        case .statsforvalterUtfall: "statsforvalterUtfall"
        case .dokumentasjonEtterspurt: "dokumentasjonEtterspurt"
        case .hendelseAnnullert: "hendelseAnnullert"
        case .ukjent(let t): t
        case .oversendelseMottatt: "oversendelseMottatt"
        case .oversendelseKvittert: "oversendelseKvittert"
        case .klagevedtakMottatt: "klagevedtakMottatt"
        case .klagevedtakKvittert: "klagevedtakKvittert"
        case .leveringFeilet: "leveringFeilet"
        case .oppgaveBesvart: "oppgaveBesvart"
        }
    }
}
