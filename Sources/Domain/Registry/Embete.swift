/// A Statsforvalter embete: the state appeal body for the kommuner in its fylker.
///
/// The shipped data knows the names and fylker; the organisation number comes from configuration
/// (a registry file), so it is nil until imported. An embete without an organisation number can
/// be found for a kommune but cannot receive anything.
public struct Embete: Hashable, Sendable {
    /// As in the shipped data, e.g. "Statsforvalteren i Vestland"; the key that imports refer to.
    public let navn: String
    public let fylker: [Fylkesnummer]
    public let organisasjonsnummer: Organisasjonsnummer?
    public let synthetic: Bool

    public init(navn: String, fylker: [Fylkesnummer], organisasjonsnummer: Organisasjonsnummer?, synthetic: Bool = false) {
        self.navn = navn
        self.fylker = fylker
        self.organisasjonsnummer = organisasjonsnummer
        self.synthetic = synthetic
    }
}
