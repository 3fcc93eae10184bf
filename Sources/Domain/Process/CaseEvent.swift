/// One event in a case's timeline: either a status event posted by a party (statushendelse v1) or
/// a fact the exchange itself records (a transfer received, a receipt, a decision delivered).
///
/// Events are append-only. `hendelseId` is the idempotency key: the same id twice is the same event.
/// For records made by the exchange the API chooses a stable id (e.g. derived from the message's
/// `meldingId`), so that a re-sent message records nothing new.
///
///     let e = CaseEvent(hendelseId: "e3ff07e8-…", klagesakId: sak, tidspunkt: t,
///                       aktor: .nav("310050539"), kind: .klageStatus(.init(.mottatt)))
public struct CaseEvent: Hashable, Sendable {
    public var hendelseId: String
    public var klagesakId: String
    /// When the thing happened (statushendelse `hendelsestidspunkt`), or for exchange records when
    /// the exchange recorded it. Events are ordered by this, as in NAV's fold.
    public var tidspunkt: Tidspunkt
    public var aktor: Aktor
    public var kind: Kind
    /// Optional display text (`hendelseTekst`).
    public var hendelseTekst: String?

    public init(hendelseId: String, klagesakId: String, tidspunkt: Tidspunkt, aktor: Aktor, kind: Kind, hendelseTekst: String? = nil) {
        self.hendelseId = hendelseId
        self.klagesakId = klagesakId
        self.tidspunkt = tidspunkt
        self.aktor = aktor
        self.kind = kind
        self.hendelseTekst = hendelseTekst
    }

    /// What happened.
    public enum Kind: Hashable, Sendable {
        // statushendelse v1 types
        /// `klageStatus`: the case moves to a status.
        case klageStatus(KlageStatusEndring)
        /// `klageUtfall`: NAV's conclusion (role NAV only).
        case klageUtfall(KlageUtfall, vedtakId: String?)
        /// `saksfremlegg`: the summary has been sent to the appellant for comment (role NAV only).
        case saksfremlegg(kommentarfrist: CalendarDate)
        /// `statsforvalterUtfall`: the Statsforvalter's outcome (role STATSFORVALTER only).
        case statsforvalterUtfall(StatsforvalterUtfall, vedtaksdato: CalendarDate?)
        /// `dokumentasjonEtterspurt`: the appellant has been given a task (the `oppgave` message).
        case dokumentasjonEtterspurt(oppgaveId: String, innsendelsesfrist: CalendarDate)
        /// `hendelseAnnullert`: an earlier event by the same actor is retracted; the state is
        /// derived again from the remaining events.
        case hendelseAnnullert(annullertHendelseId: String, annulleringstype: Annulleringstype, begrunnelse: String?)
        /// A type or status this version does not know. Recorded (it is part of the history) and
        /// otherwise ignored, as NAV's fold ignores unknown types. `type` is e.g. `"nyType"` or
        /// `"klageStatus/NY_STATUS"`.
        case ukjent(type: String)

        // Recorded by the exchange (never posted as a statushendelse)
        /// The transfer message (klagesak-oversendelse) is stored and valid: the `mottatt` receipt
        /// to the sending NAV unit. This *is* the transfer: it moves the case to VIDERESENDT like the
        /// VIDERESENDT status event, whichever of the two comes first. Actor: the sending NAV unit.
        case oversendelseMottatt(Oversendelse)
        /// The embete has taken the case in (`kvittering`). Same effect on the process as
        /// MOTTATT by STATSFORVALTER, whichever comes first. Actor: the embete.
        case oversendelseKvittert(meldingId: String)
        /// The decision (klagevedtak) is stored and valid and on its way to the sending NAV unit.
        /// Actor: the embete. Carries the outcome, so it also records `statsforvalterUtfall`.
        case klagevedtakMottatt(meldingId: String, utfall: StatsforvalterUtfall, vedtaksdato: CalendarDate?)
        /// The NAV unit has taken the decision in (`kvittering`). Actor: the NAV unit.
        case klagevedtakKvittert(meldingId: String)
        /// The receiving side reports that a message it had received could not be taken in after
        /// all (a delivery can fail after it was delivered). Actor: the receiving side.
        case leveringFeilet(Forsendelse, grunn: String)
        /// The appellant (or proxy) answered a task (`oppgavesvar`). Actor: the body that gave the
        /// task, which is the one the reply is for.
        case oppgaveBesvart(oppgaveId: String, svarId: String)
    }

    /// Which of the two messages whose delivery the exchange tracks.
    public enum Forsendelse: String, Hashable, Sendable {
        /// klagesak-oversendelse, NAV → embete.
        case oversendelse
        /// klagevedtak, embete → NAV.
        case klagevedtak
    }

    /// What the process needs from a transfer message.
    public struct Oversendelse: Hashable, Sendable {
        public var meldingId: String
        /// When NAV transferred the case (`sendtTidspunkt`): the start of the Statsforvalter stage.
        public var sendtTidspunkt: Tidspunkt
        /// The sending NAV unit (`navEnhet.organisasjonsnummer`): the only unit the decision goes back to.
        public var navEnhet: String
        public var embete: EmbeteReferanse
        /// NAV's urgency assessment.
        public var hastesak: Hastesak
        /// `klage.mottattDato`: when NAV received the appeal; starts the lead time when NAV did not
        /// report its own stage.
        public var klageMottattDato: CalendarDate
        /// `vurdering.klageUtfall`.
        public var klageUtfall: KlageUtfall
        /// `vurdering.kommentarfrist`.
        public var kommentarfrist: CalendarDate

        public init(meldingId: String, sendtTidspunkt: Tidspunkt, navEnhet: String, embete: EmbeteReferanse,
                    hastesak: Hastesak, klageMottattDato: CalendarDate, klageUtfall: KlageUtfall, kommentarfrist: CalendarDate) {
            self.meldingId = meldingId
            self.sendtTidspunkt = sendtTidspunkt
            self.navEnhet = navEnhet
            self.embete = embete
            self.hastesak = hastesak
            self.klageMottattDato = klageMottattDato
            self.klageUtfall = klageUtfall
            self.kommentarfrist = kommentarfrist
        }
    }
}

/// A `klageStatus` event: the status and the fields that belong to particular statuses.
public struct KlageStatusEndring: Hashable, Sendable {
    public var status: KlageStatus
    /// With MOTTATT by STATSFORVALTER: the embete's own urgency assessment.
    public var hastesak: Hastesak?
    /// With FORELOPIG_SVAR: the date the appellant was told to expect a decision.
    public var forventetAvgjortDato: CalendarDate?
    /// With TRUKKET.
    public var trukketAv: TrukketAv?
    /// With VIDERESENDT: the embete the case was sent to.
    public var mottaker: EmbeteReferanse?

    public init(_ status: KlageStatus, hastesak: Hastesak? = nil, forventetAvgjortDato: CalendarDate? = nil,
                trukketAv: TrukketAv? = nil, mottaker: EmbeteReferanse? = nil) {
        self.status = status
        self.hastesak = hastesak
        self.forventetAvgjortDato = forventetAvgjortDato
        self.trukketAv = trukketAv
        self.mottaker = mottaker
    }
}

extension CaseEvent.Kind {
    /// Short name for messages and logs: the schema's type, with the status for klageStatus
    /// (`"UNDER_BEHANDLING"`, `"klageUtfall MEDHOLD"`, `"kvittering for oversendelse"`).
    public var navn: String {
        switch self {
        case .klageStatus(let e): e.status.rawValue
        case .klageUtfall(let u, _): "klageUtfall \(u.rawValue)"
        case .saksfremlegg: "saksfremlegg"
        case .statsforvalterUtfall(let u, _): "statsforvalterUtfall \(u.rawValue)"
        case .dokumentasjonEtterspurt: "dokumentasjonEtterspurt"
        case .hendelseAnnullert: "hendelseAnnullert"
        case .ukjent(let type): type
        case .oversendelseMottatt: "oversendelse mottatt"
        case .oversendelseKvittert: "kvittering for oversendelse"
        case .klagevedtakMottatt(_, let u, _): "klagevedtak \(u.rawValue)"
        case .klagevedtakKvittert: "kvittering for klagevedtak"
        case .leveringFeilet(let f, _): "levering feilet (\(f.rawValue))"
        case .oppgaveBesvart: "oppgavesvar"
        }
    }

    /// True for the records the exchange makes itself; these cannot be annulled by a party.
    public var erUtvekslingshendelse: Bool {
        switch self {
        case .oversendelseMottatt, .oversendelseKvittert, .klagevedtakMottatt, .klagevedtakKvittert,
             .leveringFeilet, .oppgaveBesvart: true
        default: false
        }
    }
}
