/// Everything the process knows about one case, derived from its events.
///
/// A value: `CaseProcess.apply(_:to:)` returns a new state or a refusal; nothing is mutated in
/// place. The state keeps the accepted events (in arrival order, as they are to be stored), so that
/// an annulment or a late event can derive the state again from the remaining events.
public struct CaseState: Hashable, Sendable {
    public let klagesakId: String
    /// Where the case stands.
    public internal(set) var posisjon: Posisjon = .ny
    /// The municipal NAV unit (organisation number) that holds the case at NAV and gets the decision
    /// back: set by the first NAV event or the transfer message. Only this unit may post NAV events.
    public internal(set) var navEnhet: String?
    /// The embete the case was sent to: set by VIDERESENDT's `mottaker` or the transfer message.
    /// Only this embete may post Statsforvalter events.
    public internal(set) var embete: EmbeteReferanse?
    public internal(set) var klageUtfall: KlageUtfall?
    public internal(set) var kommentarfrist: CalendarDate?
    public internal(set) var statsforvalterUtfall: StatsforvalterUtfall?
    /// NAV's urgency assessment (transfer message).
    public internal(set) var hastesakNav: Hastesak?
    /// The embete's own assessment on receipt (MOTTATT by STATSFORVALTER); overrides NAV's.
    public internal(set) var hastesakStatsforvalter: Hastesak?
    /// When the case was transferred: the earlier of VIDERESENDT and the message's `sendtTidspunkt`.
    public internal(set) var videresendtTidspunkt: Tidspunkt?
    /// When NAV received the appeal, from the transfer message (`klage.mottattDato`).
    public internal(set) var klageMottattDato: CalendarDate?
    /// The latest FORELOPIG_SVAR's expected decision date.
    public internal(set) var forventetAvgjortDato: CalendarDate?
    public internal(set) var trukketAv: TrukketAv?
    /// Tasks given to the appellant (dokumentasjonEtterspurt), in the order given.
    public internal(set) var oppgaver: [Oppgave] = []
    /// Delivery of the transfer message to the embete.
    public internal(set) var oversendelse = Leveranse()
    /// Delivery of the decision back to the NAV unit.
    public internal(set) var klagevedtak = Leveranse()
    /// Every change of position, in process order (what lead time is computed from).
    public internal(set) var historikk: [Posisjonsendring] = []
    /// Every accepted event, including annulled ones and the annulments, in arrival order.
    public internal(set) var events: [CaseEvent] = []
    /// Annulled hendelseId → the hendelseId of the annulment.
    public internal(set) var annulleringer: [String: String] = [:]
    /// Fold key of the latest effective event (for the fast path of `apply`).
    var sisteNokkel: FoldKey?

    /// An empty case (no events).
    public init(klagesakId: String) { self.klagesakId = klagesakId }

    /// The stage the case is in.
    public var trinn: Trinn { posisjon.trinn }

    /// The urgency that applies: the embete's own assessment once given, else NAV's.
    public var hastesak: Hastesak? { hastesakStatsforvalter ?? hastesakNav }
    public var erHastesak: Bool { hastesak?.erHastesak ?? false }

    /// Whether an event with this id has been accepted (the idempotency check).
    public func inneholder(hendelseId: String) -> Bool { events.contains { $0.hendelseId == hendelseId } }

    /// The events that count: not annulled, not annulments, in fold order.
    public var gjeldendeEvents: [CaseEvent] {
        CaseProcess.foldOrder(events.filter {
            if case .hendelseAnnullert = $0.kind { return false }
            return annulleringer[$0.hendelseId] == nil
        })
    }

    /// Inbox order for an embete: urgent cases first, then the oldest transfer first, then by id
    /// (so the order is total and stable).
    ///
    ///     innboks.sort(by: CaseState.innboksRekkefolge)
    public static func innboksRekkefolge(_ a: CaseState, _ b: CaseState) -> Bool {
        if a.erHastesak != b.erHastesak { return a.erHastesak }
        let ta = a.videresendtTidspunkt?.millisekunder ?? Int64.max
        let tb = b.videresendtTidspunkt?.millisekunder ?? Int64.max
        if ta != tb { return ta < tb }
        return a.klagesakId < b.klagesakId
    }
}

/// A task given to the appellant (`dokumentasjonEtterspurt` / the `oppgave` message).
public struct Oppgave: Hashable, Sendable {
    public var oppgaveId: String
    public var innsendelsesfrist: CalendarDate
    /// Who gave the task; replies go back to them.
    public var gittAv: Rolle
    public var gitt: Tidspunkt
    /// The first reply, if any.
    public var besvart: Tidspunkt?
}

/// The delivery of a message the exchange carries. Not monotonic: a message that was taken in can
/// later be reported as failed (as eFormidling's FEIL after LEVERT), and then be taken in again.
public struct Leveranse: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        /// Nothing sent.
        case ikkeSendt = "IKKE_SENDT"
        /// Stored and valid at the exchange (`mottatt` receipt given to the sender).
        case mottatt = "MOTTATT"
        /// The receiving side has taken it in (`kvittering`).
        case kvittert = "KVITTERT"
        /// The receiving side reported that taking it in failed.
        case feilet = "FEILET"
    }

    public internal(set) var status: Status = .ikkeSendt
    public internal(set) var meldingId: String?
    public internal(set) var mottatt: Tidspunkt?
    public internal(set) var kvittert: Tidspunkt?
    public internal(set) var feiletTidspunkt: Tidspunkt?
    public internal(set) var feilgrunn: String?

    public init() {}
}

/// One change of position, as recorded in `CaseState.historikk`.
public struct Posisjonsendring: Hashable, Sendable {
    public var posisjon: Posisjon
    /// When it happened (for a transfer: the message's `sendtTidspunkt` if earlier than the record).
    public var tidspunkt: Tidspunkt
    public var hendelseId: String
    public var rolle: Rolle
}
