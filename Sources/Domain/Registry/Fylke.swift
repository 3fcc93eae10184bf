/// A fylke (county). The registry keeps one name per number; old fylker (30 Viken, 38 Vestfold og
/// Telemark, 54 Troms og Finnmark) can be added by import for the kommuner that belonged to them.
public struct Fylke: Hashable, Sendable {
    public let nummer: Fylkesnummer
    public let navn: String
    public let synthetic: Bool

    public init(nummer: Fylkesnummer, navn: String, synthetic: Bool = false) {
        self.nummer = nummer
        self.navn = navn
        self.synthetic = synthetic
    }
}
