import Foundation

/// The registry file that `klagebro registry import FILE` loads and `export` writes (JSON, UTF-8).
///
/// Every section is optional; an import changes only what it names:
///
///     {
///       "format": "klagebro-register",          // required, exactly this
///       "versjon": 1,                            // required, this format version
///       "synthetic": true,                       // optional: every entry in the file is test data
///       "kilde": "Enhetsregisteret 2026-11-01",  // optional, free text (where the data came from)
///       "embeter": [                             // organisation numbers of the embeter, by name
///         { "navn": "Statsforvalteren i Vestland", "organisasjonsnummer": "310001007",
///           "fylker": ["46"],                    // optional: replaces the fylker it covers
///           "synthetic": true }                  // optional, per entry
///       ],
///       "navEnheter": [                          // municipal NAV units, keyed by organisation number
///         { "organisasjonsnummer": "310050008", "navEnhetsnummer": "1203", "navn": "NAV Bergenhus",
///           "kommuner": ["4601"], "digitalMottak": true,
///           "gyldigFra": "2024-01-01", "gyldigTil": null }   // optional validity, gyldigTil exclusive
///       ],
///       "statligeNavEnheter": [                  // state NAV numbers: never a party to a case
///         { "organisasjonsnummer": "889640782", "navn": "Arbeids- og velferdsetaten" }
///       ],
///       "kommuner": [                            // extra (historical) kommune periods
///         { "kommunenummer": "3001", "navn": "Halden", "fylkesnummer": "30",   // fylkesnummer optional
///           "gyldigFra": "2020-01-01", "gyldigTil": "2024-01-01" }
///       ],
///       "fylker": [ { "fylkesnummer": "30", "navn": "Viken" } ]
///     }
///
/// Merging onto a registry: an embete is found by `navn` (an unknown name needs `fylker`, so a typo
/// cannot create an embete); a NAV unit or state NAV number replaces the one with the same
/// organisation number; a kommune period replaces the one with the same number and `gyldigFra`,
/// otherwise it is added; a fylke replaces the one with the same number. Unknown keys are refused,
/// so a misspelt key cannot be silently ignored. `gyldigTil` is the first day no longer valid.
/// An import never removes anything: to drop an entry, export, edit, and load the whole file onto
/// the shipped structure again (`Registry.load(contentsOf:)`).
public struct RegistryFile: Hashable, Sendable, Codable {
    public static let formatName = "klagebro-register"
    public static let currentVersion = 1

    public var format: String
    public var versjon: Int
    public var synthetic: Bool?
    public var kilde: String?
    public var embeter: [EmbeteEntry]?
    public var navEnheter: [NavEnhetEntry]?
    public var statligeNavEnheter: [StatligNavEntry]?
    public var kommuner: [KommuneEntry]?
    public var fylker: [FylkeEntry]?

    public init(
        synthetic: Bool? = nil, kilde: String? = nil, embeter: [EmbeteEntry]? = nil,
        navEnheter: [NavEnhetEntry]? = nil, statligeNavEnheter: [StatligNavEntry]? = nil,
        kommuner: [KommuneEntry]? = nil, fylker: [FylkeEntry]? = nil
    ) {
        self.format = Self.formatName
        self.versjon = Self.currentVersion
        self.synthetic = synthetic
        self.kilde = kilde
        self.embeter = embeter
        self.navEnheter = navEnheter
        self.statligeNavEnheter = statligeNavEnheter
        self.kommuner = kommuner
        self.fylker = fylker
    }

    public struct EmbeteEntry: Hashable, Sendable, Codable {
        public var navn: String
        public var organisasjonsnummer: Organisasjonsnummer?
        public var fylker: [Fylkesnummer]?
        public var synthetic: Bool?

        public init(navn: String, organisasjonsnummer: Organisasjonsnummer?, fylker: [Fylkesnummer]? = nil, synthetic: Bool? = nil) {
            self.navn = navn
            self.organisasjonsnummer = organisasjonsnummer
            self.fylker = fylker
            self.synthetic = synthetic
        }
    }

    public struct NavEnhetEntry: Hashable, Sendable, Codable {
        public var organisasjonsnummer: Organisasjonsnummer
        public var navEnhetsnummer: NavEnhetsnummer
        public var navn: String
        public var kommuner: [Kommunenummer]
        public var digitalMottak: Bool
        public var gyldigFra: CalendarDate?
        public var gyldigTil: CalendarDate?
        public var synthetic: Bool?

        public init(
            organisasjonsnummer: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer, navn: String,
            kommuner: [Kommunenummer], digitalMottak: Bool, gyldigFra: CalendarDate? = nil,
            gyldigTil: CalendarDate? = nil, synthetic: Bool? = nil
        ) {
            self.organisasjonsnummer = organisasjonsnummer
            self.navEnhetsnummer = navEnhetsnummer
            self.navn = navn
            self.kommuner = kommuner
            self.digitalMottak = digitalMottak
            self.gyldigFra = gyldigFra
            self.gyldigTil = gyldigTil
            self.synthetic = synthetic
        }
    }

    public struct StatligNavEntry: Hashable, Sendable, Codable {
        public var organisasjonsnummer: Organisasjonsnummer
        public var navn: String
        public var synthetic: Bool?

        public init(organisasjonsnummer: Organisasjonsnummer, navn: String, synthetic: Bool? = nil) {
            self.organisasjonsnummer = organisasjonsnummer
            self.navn = navn
            self.synthetic = synthetic
        }
    }

    public struct KommuneEntry: Hashable, Sendable, Codable {
        public var kommunenummer: Kommunenummer
        public var navn: String
        public var fylkesnummer: Fylkesnummer?
        public var gyldigFra: CalendarDate
        public var gyldigTil: CalendarDate?
        public var synthetic: Bool?

        public init(
            kommunenummer: Kommunenummer, navn: String, fylkesnummer: Fylkesnummer? = nil,
            gyldigFra: CalendarDate, gyldigTil: CalendarDate? = nil, synthetic: Bool? = nil
        ) {
            self.kommunenummer = kommunenummer
            self.navn = navn
            self.fylkesnummer = fylkesnummer
            self.gyldigFra = gyldigFra
            self.gyldigTil = gyldigTil
            self.synthetic = synthetic
        }
    }

    public struct FylkeEntry: Hashable, Sendable, Codable {
        public var fylkesnummer: Fylkesnummer
        public var navn: String
        public var synthetic: Bool?

        public init(fylkesnummer: Fylkesnummer, navn: String, synthetic: Bool? = nil) {
            self.fylkesnummer = fylkesnummer
            self.navn = navn
            self.synthetic = synthetic
        }
    }
}

// MARK: Reading and writing

extension RegistryFile {
    /// Reads a registry file, refusing unknown keys, bad identifiers (with their check digits) and
    /// another format or version. The error names the place as a JSON Pointer.
    public init(data: Data) throws(RegistryError) {
        let decoded: RegistryFile
        do {
            decoded = try JSONDecoder().decode(RegistryFile.self, from: data)
        } catch let error as DecodingError {
            throw RegistryError(decodingError: error)
        } catch {
            throw RegistryError("registerfilen kunne ikke leses: \(error) (registry file could not be read)")
        }
        guard decoded.format == Self.formatName else {
            throw RegistryError("«format» må være «\(Self.formatName)» (not a Klagebro registry file)", location: "/format")
        }
        guard decoded.versjon == Self.currentVersion else {
            throw RegistryError("versjon \(decoded.versjon) støttes ikke; denne serveren leser versjon \(Self.currentVersion) (unsupported registry file version)", location: "/versjon")
        }
        self = decoded
    }

    /// Reads a registry file from disk.
    public init(contentsOf url: URL) throws(RegistryError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistryError("kan ikke lese \(url.path): \(error.localizedDescription) (cannot read file)")
        }
        try self.init(data: data)
    }

    /// Pretty-printed JSON with sorted keys, so an export diffs well.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every member is a plain string, number, bool or array of them: encoding cannot fail.
        return try! encoder.encode(self)
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case format, versjon, synthetic, kilde, embeter, navEnheter, statligeNavEnheter, kommuner, fylker
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        versjon = try c.decode(Int.self, forKey: .versjon)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
        kilde = try c.decodeIfPresent(String.self, forKey: .kilde)
        embeter = try c.decodeIfPresent([EmbeteEntry].self, forKey: .embeter)
        navEnheter = try c.decodeIfPresent([NavEnhetEntry].self, forKey: .navEnheter)
        statligeNavEnheter = try c.decodeIfPresent([StatligNavEntry].self, forKey: .statligeNavEnheter)
        kommuner = try c.decodeIfPresent([KommuneEntry].self, forKey: .kommuner)
        fylker = try c.decodeIfPresent([FylkeEntry].self, forKey: .fylker)
    }
}

extension RegistryFile.EmbeteEntry {
    private enum CodingKeys: String, CodingKey, CaseIterable { case navn, organisasjonsnummer, fylker, synthetic }
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        navn = try c.decode(String.self, forKey: .navn)
        organisasjonsnummer = try c.decodeIfPresent(Organisasjonsnummer.self, forKey: .organisasjonsnummer)
        fylker = try c.decodeIfPresent([Fylkesnummer].self, forKey: .fylker)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
    }
}

extension RegistryFile.NavEnhetEntry {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case organisasjonsnummer, navEnhetsnummer, navn, kommuner, digitalMottak, gyldigFra, gyldigTil, synthetic
    }
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organisasjonsnummer = try c.decode(Organisasjonsnummer.self, forKey: .organisasjonsnummer)
        navEnhetsnummer = try c.decode(NavEnhetsnummer.self, forKey: .navEnhetsnummer)
        navn = try c.decode(String.self, forKey: .navn)
        kommuner = try c.decode([Kommunenummer].self, forKey: .kommuner)
        digitalMottak = try c.decode(Bool.self, forKey: .digitalMottak)
        gyldigFra = try c.decodeIfPresent(CalendarDate.self, forKey: .gyldigFra)
        gyldigTil = try c.decodeIfPresent(CalendarDate.self, forKey: .gyldigTil)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
    }
}

extension RegistryFile.StatligNavEntry {
    private enum CodingKeys: String, CodingKey, CaseIterable { case organisasjonsnummer, navn, synthetic }
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organisasjonsnummer = try c.decode(Organisasjonsnummer.self, forKey: .organisasjonsnummer)
        navn = try c.decode(String.self, forKey: .navn)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
    }
}

extension RegistryFile.KommuneEntry {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kommunenummer, navn, fylkesnummer, gyldigFra, gyldigTil, synthetic
    }
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kommunenummer = try c.decode(Kommunenummer.self, forKey: .kommunenummer)
        navn = try c.decode(String.self, forKey: .navn)
        fylkesnummer = try c.decodeIfPresent(Fylkesnummer.self, forKey: .fylkesnummer)
        gyldigFra = try c.decode(CalendarDate.self, forKey: .gyldigFra)
        gyldigTil = try c.decodeIfPresent(CalendarDate.self, forKey: .gyldigTil)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
    }
}

extension RegistryFile.FylkeEntry {
    private enum CodingKeys: String, CodingKey, CaseIterable { case fylkesnummer, navn, synthetic }
    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fylkesnummer = try c.decode(Fylkesnummer.self, forKey: .fylkesnummer)
        navn = try c.decode(String.self, forKey: .navn)
        synthetic = try c.decodeIfPresent(Bool.self, forKey: .synthetic)
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A configuration file with a misspelt key must fail loudly, not be half-applied.
private func rejectUnknownKeys(_ decoder: any Decoder, allowed: [String]) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    for key in container.allKeys where !allowed.contains(key.stringValue) {
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "ukjent felt «\(key.stringValue)»; tillatt: \(allowed.joined(separator: ", ")) (unknown key)"))
    }
}

extension RegistryError {
    init(decodingError: DecodingError) {
        func pointer(_ path: [any CodingKey]) -> String {
            path.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
        }
        switch decodingError {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init("registerfilen er ikke gyldig JSON (not valid JSON)", location: "")
            } else {
                self.init(context.debugDescription, location: pointer(context.codingPath))
            }
        case .keyNotFound(let key, let context):
            self.init("feltet «\(key.stringValue)» mangler (required key missing)", location: pointer(context.codingPath))
        case .typeMismatch(let type, let context):
            self.init("feil type, ventet \(type) (wrong type)", location: pointer(context.codingPath))
        case .valueNotFound(let type, let context):
            self.init("verdi mangler, ventet \(type) (null where a value is required)", location: pointer(context.codingPath))
        @unknown default:
            self.init("registerfilen kunne ikke leses (registry file could not be read)")
        }
    }
}
