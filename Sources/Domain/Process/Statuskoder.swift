// The code lists of statushendelse v1, spelled exactly as in the schema (NAV's 2024 klage words,
// plus TILDELT_SAKSBEHANDLER and hendelseAnnullert). Unknown values are not modelled here: a reader
// ignores an event whose type or status it does not know (`CaseEvent.Kind.ukjent`).

/// `klageStatus.status`.
public enum KlageStatus: String, Hashable, Sendable, CaseIterable {
    case sendt = "SENDT"
    case mottatt = "MOTTATT"
    case underBehandling = "UNDER_BEHANDLING"
    case trukket = "TRUKKET"
    case ferdigbehandlet = "FERDIGBEHANDLET"
    case videresendt = "VIDERESENDT"
    case forelopigSvar = "FORELOPIG_SVAR"
    case tildeltSaksbehandler = "TILDELT_SAKSBEHANDLER"
}

/// NAV's conclusion as first instance (`klageUtfall.klageUtfall`). Closed list.
public enum KlageUtfall: String, Hashable, Sendable, CaseIterable {
    case medhold = "MEDHOLD"
    case delvisMedhold = "DELVIS_MEDHOLD"
    case opprettholdt = "OPPRETTHOLDT"
    case avvist = "AVVIST"

    /// Everything except full medhold goes on to the Statsforvalter.
    public var sendesVidere: Bool { self != .medhold }
}

/// The Statsforvalter's outcome (`statsforvalterUtfall.utfall`, `klagevedtak.statsforvalterUtfall`). Closed list.
public enum StatsforvalterUtfall: String, Hashable, Sendable, CaseIterable {
    case stadfester = "STADFESTER"
    case nyttVedtak = "NYTT_VEDTAK"
    case avvist = "AVVIST"
    /// Sets NAV's decision aside: the case goes back to NAV for new treatment.
    case opphever = "OPPHEVER"
}

/// Why an event is retracted (`hendelseAnnullert.annulleringstype`), Digisos' words. Closed list.
public enum Annulleringstype: String, Hashable, Sendable, CaseIterable {
    /// The event was right but no longer applies.
    case annullert = "ANNULLERT"
    /// The event should never have been registered.
    case feilregistrert = "FEILREGISTRERT"
}

/// Who withdrew the appeal (`trukketAv`). Closed list.
public enum TrukketAv: String, Hashable, Sendable, CaseIterable {
    case klager = "KLAGER"
    case fullmektig = "FULLMEKTIG"
}

/// The urgency flag (`hastesak`): NAV's on the transfer, the embete's own on receipt (MOTTATT).
public struct Hastesak: Hashable, Sendable {
    /// A reason for urgency. Extensible list: an unknown value reads as `.annet`.
    public enum Arsak: String, Hashable, Sendable, CaseIterable {
        case nodhjelp = "NODHJELP"
        case barnBerort = "BARN_BERORT"
        case annet = "ANNET"
    }

    public var erHastesak: Bool
    public var arsaker: [Arsak]
    public var tekst: String?

    public init(erHastesak: Bool, arsaker: [Arsak] = [], tekst: String? = nil) {
        self.erHastesak = erHastesak
        self.arsaker = arsaker
        self.tekst = tekst
    }

    public static let ikkeHastesak = Hastesak(erHastesak: false)
}

/// An embete named in a message (`embete`, `mottaker`).
public struct EmbeteReferanse: Hashable, Sendable {
    public var organisasjonsnummer: String
    public var navn: String?

    public init(organisasjonsnummer: String, navn: String? = nil) {
        self.organisasjonsnummer = organisasjonsnummer
        self.navn = navn
    }
}
