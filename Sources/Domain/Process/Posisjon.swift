/// Where a case stands in the process (DESIGN.md "The process and its statuses").
///
/// Side events (FORELOPIG_SVAR, dokumentasjonEtterspurt, receipts) do not move the case; they are
/// recorded on `CaseState` beside the position.
public enum Posisjon: Hashable, Sendable {
    /// No event yet.
    case ny
    // NAV stage (underinstans)
    /// SENDT: the appellant has sent the appeal (registered by NAV).
    case sendt
    /// MOTTATT by NAV.
    case mottattHosNav
    /// UNDER_BEHANDLING by NAV.
    case underBehandlingHosNav
    /// NAV has concluded (`klageUtfall`). MEDHOLD ends the case at NAV; the others go on.
    case klageUtfall(KlageUtfall)
    /// The saksfremlegg is with the appellant for comment.
    case saksfremleggSendt
    // Statsforvalter stage (klageinstans)
    /// VIDERESENDT: transferred, not yet acknowledged by the embete.
    case videresendt
    /// MOTTATT by STATSFORVALTER (or the embete's kvittering): receipt acknowledged.
    case mottattHosStatsforvalter
    case tildeltSaksbehandler
    /// UNDER_BEHANDLING by STATSFORVALTER.
    case underBehandlingHosStatsforvalter
    /// The Statsforvalter has decided. OPPHEVER hands the case back to NAV.
    case avgjort(StatsforvalterUtfall)
    // Back at NAV after OPPHEVER
    /// UNDER_BEHANDLING by NAV after the Statsforvalter set the decision aside.
    case nyBehandlingHosNav
    // End
    case ferdigbehandlet
    case trukket

    /// The stage the case is in.
    public var trinn: Trinn {
        switch self {
        case .ny, .sendt, .mottattHosNav, .underBehandlingHosNav, .klageUtfall, .saksfremleggSendt: .nav
        case .videresendt, .mottattHosStatsforvalter, .tildeltSaksbehandler, .underBehandlingHosStatsforvalter: .statsforvalter
        case .avgjort(let u): u == .opphever ? .nyBehandlingHosNav : .statsforvalter
        case .nyBehandlingHosNav: .nyBehandlingHosNav
        case .ferdigbehandlet, .trukket: .avsluttet
        }
    }

    /// The role that holds the case and is expected to act next (nil at the end).
    /// VIDERESENDT is in transit: both sides may still act (withdrawal), see the rules.
    public var holder: Rolle? {
        switch trinn {
        case .nav, .nyBehandlingHosNav: .nav
        case .statsforvalter: .statsforvalter
        case .avsluttet: nil
        }
    }

    /// True once the case is closed (FERDIGBEHANDLET or TRUKKET).
    public var erAvsluttet: Bool { trinn == .avsluttet }

    /// The status word NAV's vocabulary gives this position, with the role where it matters:
    /// `"MOTTATT (NAV)"`, `"klageUtfall MEDHOLD"`, `"FERDIGBEHANDLET"`. Used in refusals.
    public var navn: String {
        switch self {
        case .ny: "new (no events yet)"
        case .sendt: "SENDT"
        case .mottattHosNav: "MOTTATT (NAV)"
        case .underBehandlingHosNav: "UNDER_BEHANDLING (NAV)"
        case .klageUtfall(let u): "klageUtfall \(u.rawValue)"
        case .saksfremleggSendt: "saksfremlegg sent for comment"
        case .videresendt: "VIDERESENDT"
        case .mottattHosStatsforvalter: "MOTTATT (STATSFORVALTER)"
        case .tildeltSaksbehandler: "TILDELT_SAKSBEHANDLER"
        case .underBehandlingHosStatsforvalter: "UNDER_BEHANDLING (STATSFORVALTER)"
        case .avgjort(let u): "statsforvalterUtfall \(u.rawValue)"
        case .nyBehandlingHosNav: "UNDER_BEHANDLING (NAV, new treatment after OPPHEVER)"
        case .ferdigbehandlet: "FERDIGBEHANDLET"
        case .trukket: "TRUKKET"
        }
    }

    /// The klageStatus a citizen view shows for this position (nil where the last thing that
    /// happened is an outcome rather than a status).
    public var klageStatus: KlageStatus? {
        switch self {
        case .ny, .klageUtfall, .saksfremleggSendt, .avgjort: nil
        case .sendt: .sendt
        case .mottattHosNav, .mottattHosStatsforvalter: .mottatt
        case .underBehandlingHosNav, .underBehandlingHosStatsforvalter, .nyBehandlingHosNav: .underBehandling
        case .videresendt: .videresendt
        case .tildeltSaksbehandler: .tildeltSaksbehandler
        case .ferdigbehandlet: .ferdigbehandlet
        case .trukket: .trukket
        }
    }
}

/// A stage of the process: who holds the case.
public enum Trinn: String, Hashable, Sendable, CaseIterable {
    /// NAV as first instance, from the appeal received to the transfer.
    case nav
    /// The Statsforvalter, from the transfer (`sendtTidspunkt`, VIDERESENDT) to its decision.
    case statsforvalter
    /// Back at NAV after OPPHEVER, until NAV closes the case.
    case nyBehandlingHosNav
    /// Closed.
    case avsluttet
}
