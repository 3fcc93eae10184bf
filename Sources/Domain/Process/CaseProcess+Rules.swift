// The transition table. One function per event kind; each either changes the state and returns nil
// or returns the refusal. Rules, in short (role in parentheses; "no-op" = accepted, nothing moves):
//
// | event                          | by   | allowed from                                           | to                       |
// |--------------------------------|------|--------------------------------------------------------|--------------------------|
// | SENDT                          | NAV  | new                                                    | SENDT                    |
// | MOTTATT                        | NAV  | new, SENDT                                             | MOTTATT (NAV)            |
// | UNDER_BEHANDLING               | NAV  | SENDT, MOTTATT (NAV)                                   | UNDER_BEHANDLING (NAV)   |
// |                                |      | statsforvalterUtfall OPPHEVER                          | new treatment at NAV     |
// | klageUtfall                    | NAV  | new, SENDT, MOTTATT/UNDER_BEHANDLING (NAV)             | klageUtfall X            |
// | saksfremlegg                   | NAV  | klageUtfall ≠ MEDHOLD, saksfremlegg (new deadline)     | saksfremlegg sent        |
// | VIDERESENDT / transfer received (exchange) | NAV | new … saksfremlegg sent, not after MEDHOLD (the message carries NAV's conclusion and saksfremlegg) | VIDERESENDT |
// | MOTTATT / kvittering           | SF   | VIDERESENDT                                            | MOTTATT (SF)             |
// | TILDELT_SAKSBEHANDLER          | SF   | MOTTATT (SF), TILDELT (reassigned), UNDER_BEHANDLING (SF) | TILDELT               |
// | UNDER_BEHANDLING               | SF   | MOTTATT (SF), TILDELT                                  | UNDER_BEHANDLING (SF)    |
// | statsforvalterUtfall / klagevedtak | SF | MOTTATT (SF), TILDELT, UNDER_BEHANDLING (SF)          | statsforvalterUtfall X   |
// | FERDIGBEHANDLET                | NAV  | klageUtfall MEDHOLD, OPPHEVER, new treatment at NAV    | FERDIGBEHANDLET          |
// |                                | SF   | statsforvalterUtfall ≠ OPPHEVER                        | FERDIGBEHANDLET          |
// | TRUKKET                        | holder | any open position before a final decision (not after MEDHOLD or an SF outcome other than OPPHEVER); at VIDERESENDT either side | TRUKKET |
// | FORELOPIG_SVAR, dokumentasjonEtterspurt | holder | any open position of the holder's stage    | no move                  |
// | the same status again by the same role | | (e.g. VIDERESENDT after the transfer record)       | no-op                    |
//
// Receipts and failures move `CaseState.oversendelse` / `.klagevedtak`, not the position: a delivery
// can fail after it was taken in, and be taken in again.

extension CaseProcess {
    static func step(_ s: inout CaseState, _ e: CaseEvent) -> TransitionRefusal? {
        if case .ukjent = e.kind { return nil }  // readers ignore what they do not know
        if let only = requiredRole(e.kind), only != e.aktor.rolle { return wrongRole(s, e, only: only) }
        if let refusal = checkParty(&s, e) { return refusal }
        switch e.kind {
        case .klageStatus(let c): return klageStatus(&s, e, c)
        case .klageUtfall(let u, _): return klageUtfall(&s, e, u)
        case .saksfremlegg(let frist): return saksfremlegg(&s, e, frist)
        case .statsforvalterUtfall(let u, _): return statsforvalterUtfall(&s, e, u)
        case .dokumentasjonEtterspurt(let id, let frist): return dokumentasjonEtterspurt(&s, e, id, frist)
        case .oversendelseMottatt(let o): return oversendelseMottatt(&s, e, o)
        case .oversendelseKvittert(let id): return oversendelseKvittert(&s, e, id)
        case .klagevedtakMottatt(let id, let u, _): return klagevedtakMottatt(&s, e, id, u)
        case .klagevedtakKvittert(let id): return klagevedtakKvittert(&s, e, id)
        case .leveringFeilet(let f, let grunn): return leveringFeilet(&s, e, f, grunn)
        case .oppgaveBesvart(let id, _): return oppgaveBesvart(&s, e, id)
        case .hendelseAnnullert, .ukjent: return nil  // handled by apply/fold
        }
    }

    // MARK: helpers

    /// Event types that belong to one role, whatever the position (the schema's per-type aktor rule,
    /// and the receiving side for receipts).
    static func requiredRole(_ kind: CaseEvent.Kind) -> Rolle? {
        switch kind {
        case .klageStatus(let c):
            switch c.status {
            case .sendt, .videresendt: .nav
            case .tildeltSaksbehandler: .statsforvalter
            default: nil
            }
        case .klageUtfall, .saksfremlegg, .oversendelseMottatt, .klagevedtakKvittert: .nav
        case .statsforvalterUtfall, .oversendelseKvittert, .klagevedtakMottatt: .statsforvalter
        case .leveringFeilet(let f, _): f == .oversendelse ? .statsforvalter : .nav
        case .dokumentasjonEtterspurt, .hendelseAnnullert, .ukjent, .oppgaveBesvart: nil
        }
    }

    private static func requested(_ e: CaseEvent) -> String {
        if case .klageStatus(let c) = e.kind { return "\(c.status.rawValue) (\(e.aktor.rolle.rawValue))" }
        return "\(e.kind.navn) (\(e.aktor.rolle.rawValue))"
    }

    private static func pointer(_ e: CaseEvent) -> String {
        switch e.kind {
        case .klageStatus: "/status"
        case .klageUtfall: "/klageUtfall"
        case .statsforvalterUtfall: "/utfall"
        case .hendelseAnnullert: "/annullertHendelseId"
        default: "/type"
        }
    }

    private static func refuse(_ s: CaseState, _ e: CaseEvent, _ why: String? = nil) -> TransitionRefusal {
        refuse(s, e, .overgangIkkeTillatt, pointer: nil, why)
    }

    private static func refuse(_ s: CaseState, _ e: CaseEvent, _ code: TransitionRefusal.Code,
                               pointer: String?, _ why: String?) -> TransitionRefusal {
        let req = requested(e)
        var message = "the case is \(s.posisjon.navn); \(req) is not allowed from there"
        if let why { message = code == .overgangIkkeTillatt ? message + ": " + why : why }
        return TransitionRefusal(code: code, hendelseId: e.hendelseId, pointer: pointer ?? Self.pointer(e),
                                 current: s.posisjon.navn, requested: req, message: message)
    }

    private static func wrongRole(_ s: CaseState, _ e: CaseEvent, only: Rolle) -> TransitionRefusal {
        let req = requested(e)
        return TransitionRefusal(
            code: .feilRolle, hendelseId: e.hendelseId, pointer: "/aktor/rolle",
            current: s.posisjon.navn, requested: req,
            message: "\(e.kind.navn) is registered only by \(only.rawValue), not by \(e.aktor.rolle.rawValue)")
    }

    private static func move(_ s: inout CaseState, _ e: CaseEvent, to p: Posisjon, at t: Tidspunkt? = nil) {
        s.posisjon = p
        s.historikk.append(Posisjonsendring(posisjon: p, tidspunkt: t ?? e.tidspunkt, hendelseId: e.hendelseId, rolle: e.aktor.rolle))
    }

    /// Only the case's own NAV unit and embete may act on it. The first NAV event names the unit;
    /// the transfer (or VIDERESENDT's mottaker) names the embete.
    private static func checkParty(_ s: inout CaseState, _ e: CaseEvent) -> TransitionRefusal? {
        let org = e.aktor.organisasjonsnummer
        switch e.aktor.rolle {
        case .nav:
            if let unit = s.navEnhet, unit != org {
                return TransitionRefusal(
                    code: .feilPart, hendelseId: e.hendelseId, pointer: "/aktor/organisasjonsnummer",
                    current: s.posisjon.navn, requested: requested(e),
                    message: "the case belongs to NAV unit \(unit); \(org) is not a party to it")
            }
            if s.navEnhet == nil { s.navEnhet = org }
        case .statsforvalter:
            if let embete = s.embete, embete.organisasjonsnummer != org {
                return TransitionRefusal(
                    code: .feilPart, hendelseId: e.hendelseId, pointer: "/aktor/organisasjonsnummer",
                    current: s.posisjon.navn, requested: requested(e),
                    message: "the case was sent to embete \(embete.organisasjonsnummer); \(org) is not a party to it")
            }
            if s.posisjon.trinn == .nav {
                return TransitionRefusal(
                    code: .overgangIkkeTillatt, hendelseId: e.hendelseId, pointer: "/aktor/rolle",
                    current: s.posisjon.navn, requested: requested(e),
                    message: "the case is \(s.posisjon.navn) and still at NAV; the Statsforvalter can act on it only after it is transferred (VIDERESENDT)")
            }
            if s.embete == nil { s.embete = EmbeteReferanse(organisasjonsnummer: org, navn: e.aktor.navn) }
        }
        return nil
    }

    /// The role that posts the status a position shows (for the "same status again" no-op).
    private static func statusRole(_ p: Posisjon) -> Rolle? {
        switch p {
        case .sendt, .mottattHosNav, .underBehandlingHosNav, .videresendt, .nyBehandlingHosNav: .nav
        case .mottattHosStatsforvalter, .tildeltSaksbehandler, .underBehandlingHosStatsforvalter: .statsforvalter
        default: nil
        }
    }

    private static let sfWorking: Set<Posisjon> = [.mottattHosStatsforvalter, .tildeltSaksbehandler, .underBehandlingHosStatsforvalter]

    // MARK: klageStatus

    private static func klageStatus(_ s: inout CaseState, _ e: CaseEvent, _ c: KlageStatusEndring) -> TransitionRefusal? {
        let role = e.aktor.rolle
        let p = s.posisjon

        // Side effects carried by particular statuses.
        func recordDetails() {
            if c.status == .mottatt, role == .statsforvalter, let h = c.hastesak { s.hastesakStatsforvalter = h }
            if c.status == .forelopigSvar, let d = c.forventetAvgjortDato { s.forventetAvgjortDato = d }
        }

        // The same status again by the role that posts it: nothing moves (a re-sent status with a
        // new id, or the twin of an exchange record: VIDERESENDT after the transfer was received,
        // MOTTATT after the embete's kvittering). FERDIGBEHANDLET again is a no-op for either role.
        if c.status != .forelopigSvar, p.klageStatus == c.status, statusRole(p) == role || p == .ferdigbehandlet {
            if c.status == .videresendt, let m = c.mottaker {
                if let embete = s.embete, embete.organisasjonsnummer != m.organisasjonsnummer {
                    return refuse(s, e, .feilPart, pointer: "/mottaker/organisasjonsnummer",
                                  "the case was transferred to embete \(embete.organisasjonsnummer), not \(m.organisasjonsnummer)")
                }
                s.embete = s.embete ?? m
            }
            recordDetails()
            return nil
        }

        switch c.status {
        case .sendt:
            guard role == .nav else { return wrongRole(s, e, only: .nav) }
            guard p == .ny else { return refuse(s, e, "SENDT is the first status of a case") }
            move(&s, e, to: .sendt)

        case .mottatt:
            switch role {
            case .nav:
                guard p == .ny || p == .sendt else {
                    return refuse(s, e, "NAV registers receipt of the appeal only at the start of the case")
                }
                move(&s, e, to: .mottattHosNav)
            case .statsforvalter:
                guard p == .videresendt else {
                    return refuse(s, e, p.trinn == .avsluttet ? nil : "the embete acknowledges receipt once, right after the transfer")
                }
                recordDetails()
                move(&s, e, to: .mottattHosStatsforvalter)
            }

        case .underBehandling:
            switch role {
            case .nav:
                switch p {
                case .sendt, .mottattHosNav: move(&s, e, to: .underBehandlingHosNav)
                case .avgjort(.opphever): move(&s, e, to: .nyBehandlingHosNav)
                case .ny: return refuse(s, e, "register the appeal first (SENDT or MOTTATT)")
                default: return refuse(s, e)
                }
            case .statsforvalter:
                switch p {
                case .mottattHosStatsforvalter, .tildeltSaksbehandler: move(&s, e, to: .underBehandlingHosStatsforvalter)
                case .videresendt: return refuse(s, e, "acknowledge receipt first (MOTTATT)")
                default: return refuse(s, e)
                }
            }

        case .videresendt:
            guard role == .nav else { return wrongRole(s, e, only: .nav) }
            // Allowed from the same positions as the transfer message it accompanies (README: sent
            // "samtidig med meldingen klagesak-oversendelse"), so that the order in which the two
            // arrive does not decide whether either is accepted. The message carries NAV's conclusion
            // and the saksfremlegg, so NAV's stage is complete even where NAV did not report it.
            switch p {
            case .klageUtfall(.medhold):
                return refuse(s, e, "MEDHOLD ends the case at NAV; there is nothing to transfer")
            case .ny, .sendt, .mottattHosNav, .underBehandlingHosNav, .klageUtfall, .saksfremleggSendt:
                if let m = c.mottaker { s.embete = m }
                s.videresendtTidspunkt = min(s.videresendtTidspunkt ?? e.tidspunkt, e.tidspunkt)
                move(&s, e, to: .videresendt)
            default:
                return refuse(s, e)
            }

        case .tildeltSaksbehandler:
            guard role == .statsforvalter else { return wrongRole(s, e, only: .statsforvalter) }
            switch p {
            case .mottattHosStatsforvalter, .tildeltSaksbehandler, .underBehandlingHosStatsforvalter:
                move(&s, e, to: .tildeltSaksbehandler)
            case .videresendt: return refuse(s, e, "acknowledge receipt first (MOTTATT)")
            default: return refuse(s, e)
            }

        case .forelopigSvar:
            guard !p.erAvsluttet, p != .ny else { return refuse(s, e) }
            guard p.holder == role || p == .videresendt else {
                return refuse(s, e, "the case is with \(p.holder?.rawValue ?? "nobody"), who answers the appellant about processing time")
            }
            recordDetails()

        case .ferdigbehandlet:
            switch (role, p) {
            case (.nav, .klageUtfall(.medhold)), (.nav, .avgjort(.opphever)), (.nav, .nyBehandlingHosNav):
                move(&s, e, to: .ferdigbehandlet)
            case (.statsforvalter, .avgjort(let u)) where u != .opphever:
                move(&s, e, to: .ferdigbehandlet)
            case (.statsforvalter, .avgjort(.opphever)):
                return refuse(s, e, "OPPHEVER sends the case back to NAV for new treatment; NAV closes it")
            case (.statsforvalter, _) where sfWorking.contains(p):
                return refuse(s, e, "register the outcome first (statsforvalterUtfall, or send the klagevedtak)")
            case (.nav, .klageUtfall), (.nav, .saksfremleggSendt):
                return refuse(s, e, "only MEDHOLD ends the case at NAV; otherwise it is transferred to the Statsforvalter")
            default:
                return refuse(s, e)
            }

        case .trukket:
            switch p {
            case .ferdigbehandlet, .trukket:
                return refuse(s, e, "the case is closed")
            case .klageUtfall(.medhold):
                return refuse(s, e, "NAV has given full medhold; there is no appeal left to withdraw")
            case .avgjort(let u) where u != .opphever:
                return refuse(s, e, "the Statsforvalter has decided (\(u.rawValue)); a decided appeal cannot be withdrawn")
            default:
                guard p.holder == role || p == .videresendt || p == .ny else {
                    return refuse(s, e, .feilRolle, pointer: "/aktor/rolle", "the case is with \(p.holder?.rawValue ?? "nobody"), who registers the withdrawal")
                }
                s.trukketAv = c.trukketAv
                move(&s, e, to: .trukket)
            }
        }
        return nil
    }

    // MARK: NAV's stage

    private static func klageUtfall(_ s: inout CaseState, _ e: CaseEvent, _ u: KlageUtfall) -> TransitionRefusal? {
        guard e.aktor.rolle == .nav else { return wrongRole(s, e, only: .nav) }
        switch s.posisjon {
        case .ny, .sendt, .mottattHosNav, .underBehandlingHosNav:
            s.klageUtfall = u
            move(&s, e, to: .klageUtfall(u))
            return nil
        case .klageUtfall(let earlier) where earlier == u:
            return nil  // the same conclusion again: no-op
        case .klageUtfall(let earlier):
            return refuse(s, e, "NAV has already concluded \(earlier.rawValue); annul that event (hendelseAnnullert) to correct it")
        default:
            return refuse(s, e)
        }
    }

    private static func saksfremlegg(_ s: inout CaseState, _ e: CaseEvent, _ frist: CalendarDate) -> TransitionRefusal? {
        guard e.aktor.rolle == .nav else { return wrongRole(s, e, only: .nav) }
        switch s.posisjon {
        case .klageUtfall(.medhold):
            return refuse(s, e, "MEDHOLD ends the case at NAV; no saksfremlegg goes to the Statsforvalter")
        case .klageUtfall:
            s.kommentarfrist = frist
            move(&s, e, to: .saksfremleggSendt)
        case .saksfremleggSendt:
            s.kommentarfrist = frist  // a new or extended deadline
        default:
            return refuse(s, e, s.posisjon.trinn == .nav ? "NAV's conclusion (klageUtfall) comes first" : nil)
        }
        return nil
    }

    // MARK: the transfer and its delivery

    private static func oversendelseMottatt(_ s: inout CaseState, _ e: CaseEvent, _ o: CaseEvent.Oversendelse) -> TransitionRefusal? {
        guard e.aktor.rolle == .nav else { return wrongRole(s, e, only: .nav) }
        if let earlier = s.oversendelse.meldingId, s.oversendelse.status != .feilet {
            return refuse(s, e, .meldingStemmerIkke, pointer: "/meldingId",
                          "the case was already transferred with message \(earlier); re-send that message with the same meldingId")
        }
        if o.navEnhet != e.aktor.organisasjonsnummer {
            return refuse(s, e, .feilPart, pointer: "/navEnhet/organisasjonsnummer",
                          "the sending NAV unit \(e.aktor.organisasjonsnummer) is not navEnhet \(o.navEnhet) of the message")
        }
        if let embete = s.embete, embete.organisasjonsnummer != o.embete.organisasjonsnummer {
            return refuse(s, e, .feilPart, pointer: "/embete/organisasjonsnummer",
                          "the VIDERESENDT event named embete \(embete.organisasjonsnummer), the message names \(o.embete.organisasjonsnummer)")
        }
        if let u = s.klageUtfall, u != o.klageUtfall {
            return refuse(s, e, .utfallStemmerIkke, pointer: "/vurdering/klageUtfall",
                          "NAV registered klageUtfall \(u.rawValue) for this case, the message says \(o.klageUtfall.rawValue)")
        }
        let at = min(o.sendtTidspunkt, e.tidspunkt)
        switch s.posisjon {
        case .klageUtfall(.medhold):
            return refuse(s, e, "MEDHOLD ends the case at NAV; there is nothing to transfer")
        case .ny, .sendt, .mottattHosNav, .underBehandlingHosNav, .klageUtfall, .saksfremleggSendt:
            // The message carries NAV's conclusion and the saksfremlegg, so it completes NAV's stage.
            move(&s, e, to: .videresendt, at: at)
        case .videresendt:
            break  // the VIDERESENDT event came first
        case _ where s.oversendelse.meldingId == nil && s.posisjon.trinn == .statsforvalter:
            // VIDERESENDT was reported and the embete went on (the case may have come by post or
            // SvarUt); the message arrives late. It is recorded; the case does not move back.
            break
        default:
            guard s.oversendelse.status == .feilet else { return refuse(s, e) }
            // A transfer re-sent after the embete reported that taking it in failed.
        }
        s.embete = s.embete.map { $0.navn == nil ? o.embete : $0 } ?? o.embete
        s.klageUtfall = o.klageUtfall
        s.kommentarfrist = o.kommentarfrist
        s.hastesakNav = o.hastesak
        s.klageMottattDato = o.klageMottattDato
        s.videresendtTidspunkt = min(s.videresendtTidspunkt ?? at, at)
        s.oversendelse.status = .mottatt
        s.oversendelse.meldingId = o.meldingId
        s.oversendelse.mottatt = e.tidspunkt
        return nil
    }

    private static func oversendelseKvittert(_ s: inout CaseState, _ e: CaseEvent, _ id: String) -> TransitionRefusal? {
        guard e.aktor.rolle == .statsforvalter else { return wrongRole(s, e, only: .statsforvalter) }
        guard s.oversendelse.meldingId == id else {
            return refuse(s, e, .meldingStemmerIkke, pointer: "/meldingId",
                          s.oversendelse.meldingId.map { "the transfer of this case is message \($0), not \(id)" } ?? "no transfer message has been received for this case")
        }
        if s.oversendelse.status == .kvittert { return nil }
        s.oversendelse.status = .kvittert
        s.oversendelse.kvittert = e.tidspunkt
        if s.posisjon == .videresendt { move(&s, e, to: .mottattHosStatsforvalter) }
        return nil
    }

    private static func klagevedtakMottatt(_ s: inout CaseState, _ e: CaseEvent, _ id: String, _ u: StatsforvalterUtfall) -> TransitionRefusal? {
        guard e.aktor.rolle == .statsforvalter else { return wrongRole(s, e, only: .statsforvalter) }
        if let earlier = s.klagevedtak.meldingId, earlier != id, s.klagevedtak.status != .feilet {
            return refuse(s, e, .meldingStemmerIkke, pointer: "/meldingId",
                          "the decision was already sent as message \(earlier); re-send that message with the same meldingId")
        }
        if sfWorking.contains(s.posisjon) {
            s.statsforvalterUtfall = u
            move(&s, e, to: .avgjort(u))
        } else if let registered = s.statsforvalterUtfall {
            guard registered == u else {
                return refuse(s, e, .utfallStemmerIkke, pointer: "/statsforvalterUtfall",
                              "the Statsforvalter registered \(registered.rawValue) for this case, the decision says \(u.rawValue)")
            }
        } else {
            return refuse(s, e, s.posisjon == .videresendt ? "acknowledge receipt first (MOTTATT)" : nil)
        }
        s.klagevedtak.status = .mottatt
        s.klagevedtak.meldingId = id
        s.klagevedtak.mottatt = e.tidspunkt
        return nil
    }

    private static func klagevedtakKvittert(_ s: inout CaseState, _ e: CaseEvent, _ id: String) -> TransitionRefusal? {
        guard e.aktor.rolle == .nav else { return wrongRole(s, e, only: .nav) }
        guard s.klagevedtak.meldingId == id else {
            return refuse(s, e, .meldingStemmerIkke, pointer: "/meldingId",
                          s.klagevedtak.meldingId.map { "the decision of this case is message \($0), not \(id)" } ?? "no decision has been sent for this case")
        }
        if s.klagevedtak.status == .kvittert { return nil }
        s.klagevedtak.status = .kvittert
        s.klagevedtak.kvittert = e.tidspunkt
        return nil
    }

    private static func leveringFeilet(_ s: inout CaseState, _ e: CaseEvent, _ f: CaseEvent.Forsendelse, _ grunn: String) -> TransitionRefusal? {
        let receiver: Rolle = f == .oversendelse ? .statsforvalter : .nav
        guard e.aktor.rolle == receiver else {
            return refuse(s, e, .feilRolle, pointer: "/aktor/rolle", "only the receiving side (\(receiver.rawValue)) reports that taking in the \(f.rawValue) failed")
        }
        var l = f == .oversendelse ? s.oversendelse : s.klagevedtak
        guard l.status == .mottatt || l.status == .kvittert else {
            return refuse(s, e, .meldingStemmerIkke, pointer: "",
                          l.status == .feilet ? "the failure is already recorded" : "no \(f.rawValue) has been delivered")
        }
        l.status = .feilet
        l.feiletTidspunkt = e.tidspunkt
        l.feilgrunn = grunn
        if f == .oversendelse { s.oversendelse = l } else { s.klagevedtak = l }
        return nil
    }

    // MARK: the Statsforvalter's stage

    private static func statsforvalterUtfall(_ s: inout CaseState, _ e: CaseEvent, _ u: StatsforvalterUtfall) -> TransitionRefusal? {
        guard e.aktor.rolle == .statsforvalter else { return wrongRole(s, e, only: .statsforvalter) }
        if sfWorking.contains(s.posisjon) {
            s.statsforvalterUtfall = u
            move(&s, e, to: .avgjort(u))
            return nil
        }
        if let registered = s.statsforvalterUtfall {
            // The same outcome again (re-sent with a new id, or after the klagevedtak recorded it): no-op.
            if registered == u { return nil }
            return refuse(s, e, .utfallStemmerIkke, pointer: "/utfall",
                          "the Statsforvalter has already decided \(registered.rawValue); annul that event (hendelseAnnullert) to correct it")
        }
        return refuse(s, e, s.posisjon == .videresendt ? "acknowledge receipt first (MOTTATT)" : nil)
    }

    // MARK: tasks

    private static func dokumentasjonEtterspurt(_ s: inout CaseState, _ e: CaseEvent, _ id: String, _ frist: CalendarDate) -> TransitionRefusal? {
        let p = s.posisjon
        guard !p.erAvsluttet, p != .ny, p != .videresendt else {
            return refuse(s, e, p == .videresendt ? "the case is in transit; the embete acknowledges receipt first" : nil)
        }
        guard p.holder == e.aktor.rolle else {
            return refuse(s, e, .feilRolle, pointer: "/aktor/rolle", "the case is with \(p.holder?.rawValue ?? "nobody"), who asks the appellant for documentation")
        }
        if let i = s.oppgaver.firstIndex(where: { $0.oppgaveId == id }) {
            guard s.oppgaver[i].gittAv == e.aktor.rolle else {
                return refuse(s, e, .feilPart, pointer: "/oppgaveId", "task \(id) was given by \(s.oppgaver[i].gittAv.rawValue)")
            }
            s.oppgaver[i].innsendelsesfrist = frist  // a new deadline for the same task
        } else {
            s.oppgaver.append(Oppgave(oppgaveId: id, innsendelsesfrist: frist, gittAv: e.aktor.rolle, gitt: e.tidspunkt, besvart: nil))
        }
        return nil
    }

    private static func oppgaveBesvart(_ s: inout CaseState, _ e: CaseEvent, _ id: String) -> TransitionRefusal? {
        guard let i = s.oppgaver.firstIndex(where: { $0.oppgaveId == id }) else {
            return refuse(s, e, .ukjentOppgave, pointer: "/oppgaveId", "the case has no task \(id)")
        }
        guard s.oppgaver[i].gittAv == e.aktor.rolle else {
            return refuse(s, e, .feilRolle, pointer: "/aktor/rolle", "task \(id) was given by \(s.oppgaver[i].gittAv.rawValue); the reply is recorded for them")
        }
        if s.oppgaver[i].besvart == nil { s.oppgaver[i].besvart = e.tidspunkt }
        return nil
    }
}
