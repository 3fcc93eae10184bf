/// A municipal NAV unit (NAV-kontor) that may send appeal cases and receive decisions: its own
/// organisation number (the municipal sub-unit, never the state NAV number), its NORG enhetsnummer,
/// the kommuner it serves (several for an inter-municipal office) and whether it has digital receipt.
public struct NavEnhet: Hashable, Sendable {
    public let organisasjonsnummer: Organisasjonsnummer
    public let navEnhetsnummer: NavEnhetsnummer
    public let navn: String
    public let kommuner: [Kommunenummer]
    /// Whether decisions and tasks can be delivered to it digitally; without it, a sender has to
    /// find another channel (the seeds: "phone around to find … whether it has digital receipt").
    public let digitalMottak: Bool
    public let gyldighet: Gyldighet
    public let synthetic: Bool

    public init(
        organisasjonsnummer: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer, navn: String,
        kommuner: [Kommunenummer], digitalMottak: Bool, gyldighet: Gyldighet = .alltid, synthetic: Bool = false
    ) {
        self.organisasjonsnummer = organisasjonsnummer
        self.navEnhetsnummer = navEnhetsnummer
        self.navn = navn
        self.kommuner = kommuner
        self.digitalMottak = digitalMottak
        self.gyldighet = gyldighet
        self.synthetic = synthetic
    }

    public func serves(_ kommune: Kommunenummer) -> Bool { kommuner.contains(kommune) }
}
