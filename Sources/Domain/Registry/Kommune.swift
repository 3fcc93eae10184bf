/// A kommune as the registry knows it: one number, one name, one period. A number that was reused
/// or renamed has one `Kommune` per period.
public struct Kommune: Hashable, Sendable {
    public let nummer: Kommunenummer
    public let navn: String
    /// Normally the first two digits of the number; stored because historical data may say otherwise.
    public let fylkesnummer: Fylkesnummer
    public let gyldighet: Gyldighet
    /// From a file or entry marked synthetic (test data).
    public let synthetic: Bool

    public init(nummer: Kommunenummer, navn: String, fylkesnummer: Fylkesnummer? = nil, gyldighet: Gyldighet, synthetic: Bool = false) {
        self.nummer = nummer
        self.navn = navn
        self.fylkesnummer = fylkesnummer ?? nummer.fylkesnummer
        self.gyldighet = gyldighet
        self.synthetic = synthetic
    }
}
