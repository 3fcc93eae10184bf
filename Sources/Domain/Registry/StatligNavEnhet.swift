/// An organisation number of the state NAV organisation (Arbeids- og velferdsetaten and its state
/// units). A municipal, confidential case sent there becomes readable in every NAV office in the
/// country, so it must never be a recipient or a sender of a case.
public struct StatligNavEnhet: Hashable, Sendable {
    public let organisasjonsnummer: Organisasjonsnummer
    public let navn: String
    public let synthetic: Bool

    public init(organisasjonsnummer: Organisasjonsnummer, navn: String, synthetic: Bool = false) {
        self.organisasjonsnummer = organisasjonsnummer
        self.navn = navn
        self.synthetic = synthetic
    }
}
