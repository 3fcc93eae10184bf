import Foundation

// The shipped structure (Resources/kommuner-2024.json): fylker with their kommuner, embeter with
// their fylker, one `gyldigFra` for all, which a kommune may override with its own dates.
private struct ShippedStructure: Decodable {
    struct EmbeteEntry: Decodable { let navn: String; let fylker: [Fylkesnummer] }
    struct KommuneEntry: Decodable {
        let kommunenummer: Kommunenummer
        let navn: String
        let gyldigFra: CalendarDate?
        let gyldigTil: CalendarDate?
    }
    struct FylkeEntry: Decodable { let fylkesnummer: Fylkesnummer; let navn: String; let kommuner: [KommuneEntry] }
    let gyldigFra: CalendarDate
    let embeter: [EmbeteEntry]
    let fylker: [FylkeEntry]
}

extension Registry {
    /// The real 2024 structure shipped with the server (15 fylker, 357 kommuner, 10 embeter, valid
    /// from 2024-01-01), without organisation numbers: those come from a registry file.
    public static func shipped() throws(RegistryError) -> Registry {
        try shippedResult.get()
    }

    private static let shippedResult: Result<Registry, RegistryError> = Result { () throws(RegistryError) -> Registry in
        guard let url = Bundle.module.url(forResource: "kommuner-2024", withExtension: "json", subdirectory: "Resources") else {
            throw RegistryError("Resources/kommuner-2024.json mangler i programpakken (shipped registry data missing)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistryError("kan ikke lese \(url.path): \(error.localizedDescription)")
        }
        return try Registry(shippedData: data)
    }

    /// Builds a registry from data in the shipped format (`kommuner-2024.json`).
    public init(shippedData data: Data) throws(RegistryError) {
        let structure: ShippedStructure
        do { structure = try JSONDecoder().decode(ShippedStructure.self, from: data) } catch let error as DecodingError {
            throw RegistryError(decodingError: error)
        } catch {
            throw RegistryError("\(error)")
        }
        var fylker: [Fylke] = []
        var kommuner: [Kommune] = []
        for fylke in structure.fylker {
            fylker.append(Fylke(nummer: fylke.fylkesnummer, navn: fylke.navn))
            for kommune in fylke.kommuner {
                kommuner.append(Kommune(
                    nummer: kommune.kommunenummer, navn: kommune.navn, fylkesnummer: fylke.fylkesnummer,
                    gyldighet: Gyldighet(fra: kommune.gyldigFra ?? structure.gyldigFra, til: kommune.gyldigTil)))
            }
        }
        let embeter = structure.embeter.map { Embete(navn: $0.navn, fylker: $0.fylker, organisasjonsnummer: nil) }
        try self.init(fylker: fylker, kommuner: kommuner, embeter: embeter, navEnheter: [], statligeNavEnheter: [])
    }

    /// The shipped structure with a registry file merged onto it: what `klagebro registry import`
    /// and the server's start-up use.
    public static func load(contentsOf url: URL) throws(RegistryError) -> Registry {
        try shipped().merging(RegistryFile(contentsOf: url))
    }

    /// A new registry with `file` applied (see `RegistryFile` for the rules), checked as a whole.
    public func merging(_ file: RegistryFile) throws(RegistryError) -> Registry {
        let fileSynthetic = file.synthetic ?? false
        func synthetic(_ entry: Bool?) -> Bool { fileSynthetic || (entry ?? false) }

        var fylker = self.fylker
        for entry in file.fylker ?? [] {
            fylker[entry.fylkesnummer] = Fylke(nummer: entry.fylkesnummer, navn: entry.navn, synthetic: synthetic(entry.synthetic))
        }

        var kommuner = self.kommuner.values.flatMap { $0 }
        for entry in file.kommuner ?? [] {
            let kommune = Kommune(
                nummer: entry.kommunenummer, navn: entry.navn, fylkesnummer: entry.fylkesnummer,
                gyldighet: Gyldighet(fra: entry.gyldigFra, til: entry.gyldigTil), synthetic: synthetic(entry.synthetic))
            kommuner.removeAll { $0.nummer == kommune.nummer && $0.gyldighet.fra == kommune.gyldighet.fra }
            kommuner.append(kommune)
        }

        var embeter = self.embeter
        for (index, entry) in (file.embeter ?? []).enumerated() {
            if let existing = embeter.firstIndex(where: { $0.navn == entry.navn }) {
                let old = embeter[existing]
                embeter[existing] = Embete(
                    navn: old.navn, fylker: entry.fylker ?? old.fylker,
                    organisasjonsnummer: entry.organisasjonsnummer ?? old.organisasjonsnummer,
                    synthetic: synthetic(entry.synthetic) || (old.synthetic && entry.organisasjonsnummer == nil))
            } else if let fylkerForNew = entry.fylker {
                embeter.append(Embete(navn: entry.navn, fylker: fylkerForNew, organisasjonsnummer: entry.organisasjonsnummer, synthetic: synthetic(entry.synthetic)))
            } else {
                let known = embeter.map { "«\($0.navn)»" }.joined(separator: ", ")
                throw RegistryError("ukjent embete «\(entry.navn)»; kjente navn: \(known). Et nytt embete må ha «fylker» (unknown embete name)", location: "/embeter/\(index)/navn")
            }
        }

        var navEnheter = self.navEnheter
        for entry in file.navEnheter ?? [] {
            navEnheter[entry.organisasjonsnummer] = NavEnhet(
                organisasjonsnummer: entry.organisasjonsnummer, navEnhetsnummer: entry.navEnhetsnummer, navn: entry.navn,
                kommuner: entry.kommuner, digitalMottak: entry.digitalMottak,
                gyldighet: Gyldighet(fra: entry.gyldigFra, til: entry.gyldigTil), synthetic: synthetic(entry.synthetic))
        }

        var statlige = self.statligeNavEnheter
        for entry in file.statligeNavEnheter ?? [] {
            statlige[entry.organisasjonsnummer] = StatligNavEnhet(
                organisasjonsnummer: entry.organisasjonsnummer, navn: entry.navn, synthetic: synthetic(entry.synthetic))
        }

        return try Registry(
            fylker: fylker.values.sorted { $0.nummer < $1.nummer }, kommuner: kommuner, embeter: embeter,
            navEnheter: navEnheter.values.sorted { $0.organisasjonsnummer < $1.organisasjonsnummer },
            statligeNavEnheter: statlige.values.sorted { $0.organisasjonsnummer < $1.organisasjonsnummer })
    }

    /// The whole registry as a registry file: importing it onto the shipped structure gives this
    /// registry back. Synthetic entries keep their per-entry marker.
    public func exportFile(kilde: String? = nil) -> RegistryFile {
        func mark(_ synthetic: Bool) -> Bool? { synthetic ? true : nil }
        return RegistryFile(
            kilde: kilde,
            embeter: embeter.map {
                .init(navn: $0.navn, organisasjonsnummer: $0.organisasjonsnummer, fylker: $0.fylker, synthetic: mark($0.synthetic))
            },
            navEnheter: navEnheter.values.sorted { $0.organisasjonsnummer < $1.organisasjonsnummer }.map {
                .init(organisasjonsnummer: $0.organisasjonsnummer, navEnhetsnummer: $0.navEnhetsnummer, navn: $0.navn,
                      kommuner: $0.kommuner, digitalMottak: $0.digitalMottak, gyldigFra: $0.gyldighet.fra,
                      gyldigTil: $0.gyldighet.til, synthetic: mark($0.synthetic))
            },
            statligeNavEnheter: statligeNavEnheter.values.sorted { $0.organisasjonsnummer < $1.organisasjonsnummer }.map {
                .init(organisasjonsnummer: $0.organisasjonsnummer, navn: $0.navn, synthetic: mark($0.synthetic))
            },
            kommuner: kommuner.keys.sorted().flatMap { kommuner[$0]! }.compactMap { kommune in
                // A kommune period always has a start once it is in a file (gyldigFra is required there).
                guard let fra = kommune.gyldighet.fra else { return nil }
                return .init(kommunenummer: kommune.nummer, navn: kommune.navn, fylkesnummer: kommune.fylkesnummer,
                             gyldigFra: fra, gyldigTil: kommune.gyldighet.til, synthetic: mark(kommune.synthetic))
            },
            fylker: fylker.keys.sorted().map { .init(fylkesnummer: $0, navn: fylker[$0]!.navn, synthetic: mark(fylker[$0]!.synthetic)) })
    }

    /// `exportFile()` as pretty-printed JSON.
    public func export(kilde: String? = nil) -> Data {
        exportFile(kilde: kilde).encoded()
    }
}
