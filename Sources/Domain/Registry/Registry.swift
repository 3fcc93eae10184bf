import Foundation

/// The addressing registry: kommune → fylke → Statsforvalter embete, municipal NAV units, and the
/// state NAV organisation numbers that must never receive a municipal case.
///
/// An immutable value: build it once at start-up (`Registry.shipped()`, then `merging` imported
/// files, or `Registry.development()`), share it freely; a new import makes a new value.
///
///     let registry = try Registry.shipped().merging(RegistryFile(contentsOf: url))
///     let embete = try registry.embete(covering: Kommunenummer("4601")!, on: CalendarDate(.now))
public struct Registry: Sendable {
    public let fylker: [Fylkesnummer: Fylke]
    /// Every period of every kommune number, each list sorted by start.
    public let kommuner: [Kommunenummer: [Kommune]]
    /// In the order of the shipped data, imported ones after.
    public let embeter: [Embete]
    public let navEnheter: [Organisasjonsnummer: NavEnhet]
    public let statligeNavEnheter: [Organisasjonsnummer: StatligNavEnhet]

    private let embeteByFylke: [Fylkesnummer: Int]
    private let embeteByOrganisasjonsnummer: [Organisasjonsnummer: Int]

    /// Builds and checks a registry: kommune periods of one number do not overlap, a fylke has at
    /// most one embete, an organisation number has one role, a NAV unit serves known kommuner.
    public init(
        fylker: [Fylke], kommuner: [Kommune], embeter: [Embete], navEnheter: [NavEnhet],
        statligeNavEnheter: [StatligNavEnhet]
    ) throws(RegistryError) {
        var fylkeMap: [Fylkesnummer: Fylke] = [:]
        for fylke in fylker {
            guard fylkeMap.updateValue(fylke, forKey: fylke.nummer) == nil else {
                throw RegistryError("fylke \(fylke.nummer) står to ganger (fylke listed twice)")
            }
        }
        var kommuneMap: [Kommunenummer: [Kommune]] = [:]
        for kommune in kommuner {
            guard !kommune.gyldighet.isEmpty else {
                throw RegistryError("kommune \(kommune.nummer) \(kommune.navn): gyldigTil er ikke etter gyldigFra (empty validity period)")
            }
            if let clash = kommuneMap[kommune.nummer]?.first(where: { $0.gyldighet.overlaps(kommune.gyldighet) }) {
                throw RegistryError("kommune \(kommune.nummer): periodene for \(clash.navn) og \(kommune.navn) overlapper (overlapping validity periods for one number)")
            }
            kommuneMap[kommune.nummer, default: []].append(kommune)
        }
        for key in kommuneMap.keys {
            kommuneMap[key]!.sort { ($0.gyldighet.fra ?? CalendarDate(year: 1, month: 1, day: 1)!) < ($1.gyldighet.fra ?? CalendarDate(year: 1, month: 1, day: 1)!) }
        }

        var byFylke: [Fylkesnummer: Int] = [:]
        var byOrgnr: [Organisasjonsnummer: Int] = [:]
        var names: Set<String> = []
        var roles: [Organisasjonsnummer: String] = [:]
        func claim(_ orgnr: Organisasjonsnummer, _ role: String) throws(RegistryError) {
            if let other = roles.updateValue(role, forKey: orgnr) {
                throw RegistryError("organisasjonsnummer \(orgnr) kan ikke ha to roller: det er både \(other) og \(role) (one organisation number, two roles)")
            }
        }
        for (index, embete) in embeter.enumerated() {
            guard names.insert(embete.navn).inserted else {
                throw RegistryError("embetet «\(embete.navn)» står to ganger (embete listed twice)")
            }
            for fylke in embete.fylker {
                if let other = byFylke.updateValue(index, forKey: fylke) {
                    throw RegistryError("fylke \(fylke) dekkes av både «\(embeter[other].navn)» og «\(embete.navn)» (fylke covered by two embeter)")
                }
            }
            if let orgnr = embete.organisasjonsnummer {
                try claim(orgnr, "embetet «\(embete.navn)»")
                byOrgnr[orgnr] = index
            }
        }
        var enhetMap: [Organisasjonsnummer: NavEnhet] = [:]
        for enhet in navEnheter {
            try claim(enhet.organisasjonsnummer, "NAV-enheten «\(enhet.navn)»")
            guard !enhet.kommuner.isEmpty else {
                throw RegistryError("NAV-enheten «\(enhet.navn)» (\(enhet.organisasjonsnummer)) betjener ingen kommuner (serves no kommune)")
            }
            for kommune in enhet.kommuner where kommuneMap[kommune] == nil {
                throw RegistryError("NAV-enheten «\(enhet.navn)» (\(enhet.organisasjonsnummer)) betjener kommune \(kommune), som ikke finnes i registeret (serves an unknown kommune)")
            }
            // One NORG number names one unit at a time; two active at once is a typo in the file.
            if let twin = enhetMap.values.first(where: {
                $0.navEnhetsnummer == enhet.navEnhetsnummer && $0.gyldighet.overlaps(enhet.gyldighet)
            }) {
                throw RegistryError("NAV-enhetsnummer \(enhet.navEnhetsnummer) brukes av både «\(twin.navn)» (\(twin.organisasjonsnummer)) og «\(enhet.navn)» (\(enhet.organisasjonsnummer)) i samme periode (one NAV unit number, two units)")
            }
            enhetMap[enhet.organisasjonsnummer] = enhet
        }
        var statligMap: [Organisasjonsnummer: StatligNavEnhet] = [:]
        for statlig in statligeNavEnheter {
            try claim(statlig.organisasjonsnummer, "statlig NAV-enhet «\(statlig.navn)»")
            statligMap[statlig.organisasjonsnummer] = statlig
        }

        self.fylker = fylkeMap
        self.kommuner = kommuneMap
        self.embeter = embeter
        self.navEnheter = enhetMap
        self.statligeNavEnheter = statligMap
        self.embeteByFylke = byFylke
        self.embeteByOrganisasjonsnummer = byOrgnr
    }

    // MARK: Lookups without a date

    /// The embete responsible for a fylke, if any.
    public func embete(forFylke fylke: Fylkesnummer) -> Embete? {
        embeteByFylke[fylke].map { embeter[$0] }
    }

    /// The embete with this organisation number, if it is one.
    public func embete(organisasjonsnummer: Organisasjonsnummer) -> Embete? {
        embeteByOrganisasjonsnummer[organisasjonsnummer].map { embeter[$0] }
    }

    /// The embete with this name (as in the shipped data), if any.
    public func embete(navn: String) -> Embete? {
        embeter.first { $0.navn == navn }
    }

    /// The municipal NAV unit with this organisation number, if it is one.
    public func navEnhet(organisasjonsnummer: Organisasjonsnummer) -> NavEnhet? {
        navEnheter[organisasjonsnummer]
    }

    /// The NAV units that serve a kommune, sorted by name.
    public func navEnheter(serving kommune: Kommunenummer) -> [NavEnhet] {
        navEnheter.values.filter { $0.serves(kommune) }.sorted { $0.navn < $1.navn }
    }

    /// Whether this is a state NAV organisation number (never a valid party to a municipal case).
    public func isStatligNav(_ organisasjonsnummer: Organisasjonsnummer) -> Bool {
        statligeNavEnheter[organisasjonsnummer] != nil
    }

    /// What this organisation number is, if the registry knows it. For mapping an authenticated
    /// organisation number to an actor.
    public func organisasjon(_ organisasjonsnummer: Organisasjonsnummer) -> Organisasjon? {
        if let embete = embete(organisasjonsnummer: organisasjonsnummer) { return .embete(embete) }
        if let enhet = navEnheter[organisasjonsnummer] { return .navEnhet(enhet) }
        if let statlig = statligeNavEnheter[organisasjonsnummer] { return .statligNav(statlig) }
        return nil
    }

    /// Whether something can be delivered digitally to this organisation number: a known embete with
    /// an organisation number, or a known NAV unit with digital receipt. Never a state NAV number.
    public func canReceiveDigitally(_ organisasjonsnummer: Organisasjonsnummer) -> Bool {
        switch organisasjon(organisasjonsnummer) {
        case .embete: true
        case .navEnhet(let enhet): enhet.digitalMottak
        case .statligNav, nil: false
        }
    }

    /// One line for the CLI and start-up logs: what the registry holds.
    public var summary: String {
        let periods = kommuner.values.map(\.count).reduce(0, +)
        let numbered = embeter.filter { $0.organisasjonsnummer != nil }.count
        let synthetic = syntheticEntries.count
        return "\(fylker.count) fylker, \(kommuner.count) kommunenumre (\(periods) perioder), "
            + "\(embeter.count) embeter (\(numbered) med organisasjonsnummer), \(navEnheter.count) NAV-enheter, "
            + "\(statligeNavEnheter.count) statlige NAV-numre; "
            + (synthetic == 0 ? "ingen syntetiske data" : "\(synthetic) syntetiske oppføringer (testdata)")
    }

    // MARK: Synthetic data

    /// Whether any entry is synthetic (test data). A production server should refuse to start with
    /// such a registry, and any server should say so at start-up.
    public var containsSyntheticData: Bool { !syntheticEntries.isEmpty }

    /// One line per synthetic entry, for printing at start-up. An organisation number outside
    /// Enhetsregisteret's range counts as synthetic even when its entry is not marked, so test data
    /// cannot slip into production through an unmarked file.
    public var syntheticEntries: [String] {
        var lines: [String] = []
        func unmarked(_ orgnr: Organisasjonsnummer?, _ marked: Bool) -> String {
            guard let orgnr, !marked, !orgnr.isInRealRange else { return "" }
            return " (umerket, men utenfor Enhetsregisterets nummerområde)"
        }
        func isSynthetic(_ orgnr: Organisasjonsnummer?, _ marked: Bool) -> Bool {
            marked || orgnr.map { !$0.isInRealRange } ?? false
        }
        for embete in embeter where isSynthetic(embete.organisasjonsnummer, embete.synthetic) {
            lines.append("embete \(embete.navn) \(embete.organisasjonsnummer?.value ?? "-")" + unmarked(embete.organisasjonsnummer, embete.synthetic))
        }
        for enhet in navEnheter.values.sorted(by: { $0.organisasjonsnummer < $1.organisasjonsnummer })
        where isSynthetic(enhet.organisasjonsnummer, enhet.synthetic) {
            lines.append("NAV-enhet \(enhet.navn) \(enhet.organisasjonsnummer)" + unmarked(enhet.organisasjonsnummer, enhet.synthetic))
        }
        for statlig in statligeNavEnheter.values.sorted(by: { $0.organisasjonsnummer < $1.organisasjonsnummer })
        where isSynthetic(statlig.organisasjonsnummer, statlig.synthetic) {
            lines.append("statlig NAV \(statlig.navn) \(statlig.organisasjonsnummer)" + unmarked(statlig.organisasjonsnummer, statlig.synthetic))
        }
        for periods in kommuner.values.sorted(by: { $0[0].nummer < $1[0].nummer }) {
            for kommune in periods where kommune.synthetic { lines.append("kommune \(kommune.nummer) \(kommune.navn)") }
        }
        for fylke in fylker.values.sorted(by: { $0.nummer < $1.nummer }) where fylke.synthetic {
            lines.append("fylke \(fylke.nummer) \(fylke.navn)")
        }
        return lines
    }
}

/// Registry data that cannot be used: a malformed file, or entries that contradict each other.
public struct RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Norwegian, with English in parentheses; names the entry.
    public let message: String
    /// Where in the file, as a JSON Pointer (e.g. `/navEnheter/3/kommuner/0`), when known.
    public let location: String?

    public init(_ message: String, location: String? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
