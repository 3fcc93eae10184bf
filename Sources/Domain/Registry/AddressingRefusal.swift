/// Why a message cannot be addressed as it is: refused before anything is stored.
///
/// Each case carries the data a problem response needs (the embete that does cover the kommune,
/// the date a kommune number expired), a stable `code`, the `field` that is wrong, and a plain
/// Norwegian `message` with English in parentheses.
public enum AddressingRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which side of the message a party is on.
    public enum Part: String, Hashable, Sendable {
        case avsender
        case mottaker

        var ordet: String { self == .avsender ? "Avsenderen" : "Mottakeren" }
        var english: String { self == .avsender ? "sender" : "recipient" }
    }

    /// The field of the message that is wrong. The pointers are those of `klagesak` and
    /// `klagevedtak` (both have `navEnhet` and `embete` objects); other messages map the field.
    public enum Field: String, Hashable, Sendable {
        case kommunenummer
        case navEnhetOrganisasjonsnummer
        case navEnhetsnummer
        case embeteOrganisasjonsnummer

        public var jsonPointer: String {
            switch self {
            case .kommunenummer: "/navEnhet/kommunenummer"
            case .navEnhetOrganisasjonsnummer: "/navEnhet/organisasjonsnummer"
            case .navEnhetsnummer: "/navEnhet/navEnhetsnummer"
            case .embeteOrganisasjonsnummer: "/embete/organisasjonsnummer"
            }
        }
    }

    /// No kommune has this number, on any date.
    case kommuneUnknown(Kommunenummer)
    /// The number was a kommune, but its period ended before `on` (`kommune.gyldighet.til`).
    case kommuneExpired(Kommune, on: CalendarDate)
    /// The number is a kommune only from a later date (`kommune.gyldighet.fra`).
    case kommuneNotYetValid(Kommune, on: CalendarDate)
    /// The kommune's fylke has no Statsforvalter embete in the registry (a registry gap).
    case noEmbeteCoversKommune(Kommune)
    /// A state NAV organisation number as a party: the confidentiality failure the seeds describe.
    /// `field` is where it stood: the embete field of a transfer, the NAV unit field of a decision.
    case statligNav(StatligNavEnhet, as: Part, field: Field)
    /// The organisation number is not a known embete. `known` says what it is if the registry knows
    /// it (e.g. a NAV unit); `expected` is the embete that covers the kommune, when known.
    case notEmbete(Organisasjonsnummer, as: Part, known: Organisasjon?, expected: Embete?)
    /// The recipient is an embete, but not the one that covers the kommune.
    case embeteDoesNotCoverKommune(Embete, kommune: Kommune, covering: Embete)
    /// The organisation number is not a known municipal NAV unit (`known` says what it is, if anything).
    case notNavEnhet(Organisasjonsnummer, as: Part, known: Organisasjon?)
    /// The NAV unit is known but not active on that date (closed or not yet opened).
    case navEnhetInactive(NavEnhet, on: CalendarDate)
    /// The NAV unit does not serve the kommune given in the message.
    case navEnhetDoesNotServeKommune(NavEnhet, Kommunenummer)
    /// The NAV enhetsnummer in the message is not the one registered for the organisation number.
    case navEnhetsnummerMismatch(NavEnhet, given: NavEnhetsnummer)
    /// The NAV unit cannot receive anything digitally, and something must be delivered to it.
    case noDigitalReceipt(NavEnhet)

    /// Stable machine-readable code for problem responses.
    public var code: String {
        switch self {
        case .kommuneUnknown: "kommune-ukjent"
        case .kommuneExpired: "kommune-utlopt"
        case .kommuneNotYetValid: "kommune-ikke-gyldig-enna"
        case .noEmbeteCoversKommune: "kommune-uten-embete"
        case .statligNav: "statlig-nav-organisasjonsnummer"
        case .notEmbete: "ikke-embete"
        case .embeteDoesNotCoverKommune: "feil-embete"
        case .notNavEnhet: "ikke-nav-enhet"
        case .navEnhetInactive: "nav-enhet-ikke-aktiv"
        case .navEnhetDoesNotServeKommune: "nav-enhet-betjener-ikke-kommunen"
        case .navEnhetsnummerMismatch: "nav-enhetsnummer-stemmer-ikke"
        case .noDigitalReceipt: "nav-enhet-uten-digitalt-mottak"
        }
    }

    /// The field of the message the refusal is about.
    public var field: Field {
        switch self {
        case .kommuneUnknown, .kommuneExpired, .kommuneNotYetValid, .noEmbeteCoversKommune: .kommunenummer
        case .statligNav(_, _, let field): field
        case .notEmbete, .embeteDoesNotCoverKommune: .embeteOrganisasjonsnummer
        case .notNavEnhet, .navEnhetInactive, .noDigitalReceipt: .navEnhetOrganisasjonsnummer
        case .navEnhetDoesNotServeKommune: .kommunenummer
        case .navEnhetsnummerMismatch: .navEnhetsnummer
        }
    }

    /// The facts behind the refusal, for a problem response's extension members: the organisation
    /// number and kommune involved, the embete that does cover the kommune, the dates of a validity
    /// period. Keys are Norwegian camelCase like the schemas; values are strings.
    public var details: [String: String] {
        var d: [String: String] = [:]
        func put(_ embete: Embete, prefix: String) {
            d[prefix] = embete.navn
            if let orgnr = embete.organisasjonsnummer { d[prefix + "Organisasjonsnummer"] = orgnr.value }
        }
        func put(_ kommune: Kommune) {
            d["kommunenummer"] = kommune.nummer.value
            d["kommunenavn"] = kommune.navn
            if let fra = kommune.gyldighet.fra { d["gyldigFra"] = fra.description }
            if let til = kommune.gyldighet.til { d["gyldigTil"] = til.description }
        }
        switch self {
        case .kommuneUnknown(let nummer):
            d["kommunenummer"] = nummer.value
        case .kommuneExpired(let kommune, let day), .kommuneNotYetValid(let kommune, let day):
            put(kommune)
            d["dato"] = day.description
        case .noEmbeteCoversKommune(let kommune):
            put(kommune)
            d["fylkesnummer"] = kommune.fylkesnummer.value
        case .statligNav(let statlig, _, _):
            d["organisasjonsnummer"] = statlig.organisasjonsnummer.value
            d["navn"] = statlig.navn
        case .notEmbete(let orgnr, _, let known, let expected):
            d["organisasjonsnummer"] = orgnr.value
            if let known { d["kjentSom"] = known.navn }
            if let expected { put(expected, prefix: "riktigEmbete") }
        case .embeteDoesNotCoverKommune(let embete, let kommune, let covering):
            d["organisasjonsnummer"] = embete.organisasjonsnummer?.value
            d["navn"] = embete.navn
            d["kommunenummer"] = kommune.nummer.value
            d["kommunenavn"] = kommune.navn
            put(covering, prefix: "riktigEmbete")
        case .notNavEnhet(let orgnr, _, let known):
            d["organisasjonsnummer"] = orgnr.value
            if let known { d["kjentSom"] = known.navn }
        case .navEnhetInactive(let enhet, let day):
            d["organisasjonsnummer"] = enhet.organisasjonsnummer.value
            d["navn"] = enhet.navn
            if let fra = enhet.gyldighet.fra { d["gyldigFra"] = fra.description }
            if let til = enhet.gyldighet.til { d["gyldigTil"] = til.description }
            d["dato"] = day.description
        case .navEnhetDoesNotServeKommune(let enhet, let kommune):
            d["organisasjonsnummer"] = enhet.organisasjonsnummer.value
            d["navn"] = enhet.navn
            d["kommunenummer"] = kommune.value
            d["betjenteKommuner"] = enhet.kommuner.map(\.value).joined(separator: ",")
        case .navEnhetsnummerMismatch(let enhet, let given):
            d["organisasjonsnummer"] = enhet.organisasjonsnummer.value
            d["navn"] = enhet.navn
            d["oppgittNavEnhetsnummer"] = given.value
            d["registrertNavEnhetsnummer"] = enhet.navEnhetsnummer.value
        case .noDigitalReceipt(let enhet):
            d["organisasjonsnummer"] = enhet.organisasjonsnummer.value
            d["navn"] = enhet.navn
        }
        return d
    }

    /// Plain Norwegian, English in parentheses.
    public var message: String {
        switch self {
        case .kommuneUnknown(let nummer):
            return "Kommunenummer \(nummer) finnes ikke i registeret (unknown kommune number)."
        case .kommuneExpired(let kommune, let day):
            let til = kommune.gyldighet.til.map(\.description) ?? "?"
            return "Kommunenummer \(kommune.nummer) (\(kommune.navn)) gjaldt bare til \(til) og er utløpt per \(day); bruk det nye kommunenummeret (kommune number expired on \(til))."
        case .kommuneNotYetValid(let kommune, let day):
            let fra = kommune.gyldighet.fra.map(\.description) ?? "?"
            return "Kommunenummer \(kommune.nummer) (\(kommune.navn)) gjelder først fra \(fra), ikke \(day) (kommune number not valid until \(fra))."
        case .noEmbeteCoversKommune(let kommune):
            return "Ingen statsforvalter er registrert for fylke \(kommune.fylkesnummer), som kommune \(kommune.nummer) (\(kommune.navn)) hører til (no embete covers this kommune)."
        case .statligNav(let statlig, let part, _):
            return "\(part.ordet) \(statlig.organisasjonsnummer) er et statlig NAV-organisasjonsnummer (\(statlig.navn)). En kommunal, taushetsbelagt sak sendt dit kan leses ved alle NAV-kontor i landet; bruk det kommunale NAV-kontorets eget organisasjonsnummer (the \(part.english) is a state NAV organisation number; never address a municipal case to it)."
        case .notEmbete(let orgnr, let part, let known, let expected):
            var text = "\(part.ordet) \(orgnr) er ikke et kjent statsforvalterembete"
            if let known { text += " (det er \(known.navn))" }
            if let expected {
                text += "; saken skal til \(expected.navn)"
                if let expectedOrgnr = expected.organisasjonsnummer { text += " (\(expectedOrgnr))" }
            }
            return text + " (the \(part.english) is not a known Statsforvalter embete)."
        case .embeteDoesNotCoverKommune(let embete, let kommune, let covering):
            var text = "\(embete.navn) dekker ikke kommune \(kommune.nummer) (\(kommune.navn)); saken skal til \(covering.navn)"
            if let orgnr = covering.organisasjonsnummer { text += " (\(orgnr))" }
            return text + " (this embete does not cover the kommune; \(covering.navn) does)."
        case .notNavEnhet(let orgnr, let part, let known):
            var text = "\(part.ordet) \(orgnr) er ikke en kjent kommunal NAV-enhet"
            if let known { text += " (det er \(known.navn))" }
            return text + " (the \(part.english) is not a known municipal NAV unit)."
        case .navEnhetInactive(let enhet, let day):
            return "NAV-enheten \(enhet.navn) (\(enhet.organisasjonsnummer)) er ikke aktiv \(day) (the NAV unit is not active on that date)."
        case .navEnhetDoesNotServeKommune(let enhet, let kommune):
            let served = enhet.kommuner.map(\.value).joined(separator: ", ")
            return "NAV-enheten \(enhet.navn) (\(enhet.organisasjonsnummer)) betjener ikke kommune \(kommune), bare \(served) (the NAV unit does not serve this kommune)."
        case .navEnhetsnummerMismatch(let enhet, let given):
            return "NAV-enhetsnummer \(given) stemmer ikke med organisasjonsnummer \(enhet.organisasjonsnummer); \(enhet.navn) har enhetsnummer \(enhet.navEnhetsnummer) (NAV unit number does not match the organisation number)."
        case .noDigitalReceipt(let enhet):
            return "NAV-enheten \(enhet.navn) (\(enhet.organisasjonsnummer)) har ikke digitalt mottak; send på annen måte (the NAV unit has no digital receipt)."
        }
    }

    public var description: String { message }
}
