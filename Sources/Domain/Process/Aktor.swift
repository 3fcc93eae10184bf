/// The role of the body behind an event, as the schemas' `aktor.rolle`: the NAV office as first
/// instance (underinstans) or the Statsforvalter as appeal body (klageinstans).
public enum Rolle: String, Hashable, Sendable, CaseIterable {
    case nav = "NAV"
    case statsforvalter = "STATSFORVALTER"
}

/// The body that registered an event (`aktor` in the schemas): a municipal NAV unit or an embete,
/// named by organisation number. Which number may act on a case is checked against the parties the
/// case already knows (see `CaseState.navEnhet` and `CaseState.embete`).
public struct Aktor: Hashable, Sendable {
    public var rolle: Rolle
    /// 9 digits; the check digit is the edge's business (the authenticated sender decides this).
    public var organisasjonsnummer: String
    /// NORG unit number, only for role NAV.
    public var navEnhetsnummer: String?
    /// Display name, e.g. «NAV Bergenhus» or «Statsforvalteren i Vestland».
    public var navn: String?

    public init(rolle: Rolle, organisasjonsnummer: String, navEnhetsnummer: String? = nil, navn: String? = nil) {
        self.rolle = rolle
        self.organisasjonsnummer = organisasjonsnummer
        self.navEnhetsnummer = navEnhetsnummer
        self.navn = navn
    }

    public static func nav(_ organisasjonsnummer: String, navEnhetsnummer: String? = nil, navn: String? = nil) -> Aktor {
        Aktor(rolle: .nav, organisasjonsnummer: organisasjonsnummer, navEnhetsnummer: navEnhetsnummer, navn: navn)
    }

    public static func statsforvalter(_ organisasjonsnummer: String, navn: String? = nil) -> Aktor {
        Aktor(rolle: .statsforvalter, organisasjonsnummer: organisasjonsnummer, navn: navn)
    }
}
