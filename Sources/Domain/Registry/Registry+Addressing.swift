import Foundation

/// A transfer that may go ahead: who sends, for which kommune, to which embete.
public struct Addressing: Hashable, Sendable {
    public let kommune: Kommune
    public let embete: Embete
    /// The sending NAV unit; `avsender.digitalMottak` says whether the decision can come back digitally.
    public let avsender: NavEnhet
}

/// A decision (or task) back from an embete to a NAV unit that may go ahead.
public struct ReturnAddressing: Hashable, Sendable {
    public let embete: Embete
    public let navEnhet: NavEnhet
    /// The kommune, when the message named one.
    public let kommune: Kommune?
}

extension Registry {
    /// The kommune with this number on `day`, or why not: unknown, expired (naming the date) or not
    /// yet valid.
    public func kommune(_ nummer: Kommunenummer, on day: CalendarDate) throws(AddressingRefusal) -> Kommune {
        guard let periods = kommuner[nummer] else { throw .kommuneUnknown(nummer) }
        if let current = periods.first(where: { $0.gyldighet.contains(day) }) { return current }
        // The latest period that has ended decides "expired"; otherwise every period is in the future.
        if let ended = periods.last(where: { $0.gyldighet.hasEnded(before: day) }) {
            throw .kommuneExpired(ended, on: day)
        }
        throw .kommuneNotYetValid(periods[0], on: day)
    }

    /// The embete that covers a kommune on `day`: kommune → fylke → embete.
    ///
    ///     let vestland = try registry.embete(covering: Kommunenummer("4601")!, on: today)
    public func embete(covering nummer: Kommunenummer, on day: CalendarDate) throws(AddressingRefusal) -> Embete {
        let kommune = try kommune(nummer, on: day)
        guard let embete = embete(forFylke: kommune.fylkesnummer) else { throw .noEmbeteCoversKommune(kommune) }
        return embete
    }

    /// `embete(covering:on:)` for an instant, taking the day in Norway.
    public func embete(covering nummer: Kommunenummer, on instant: Date) throws(AddressingRefusal) -> Embete {
        try embete(covering: nummer, on: CalendarDate(instant))
    }

    /// Checks a transfer (klagesak, NAV → Statsforvalter) before anything is stored.
    ///
    /// In order: neither party is a state NAV number; the kommune exists on `day`; the sender is a
    /// municipal NAV unit, active, with this enhetsnummer, serving this kommune; the recipient is the
    /// embete that covers the kommune. The first failure is returned.
    ///
    ///     switch registry.checkTransfer(sender: orgnr, navEnhetsnummer: nr, kommunenummer: kommune,
    ///                                   recipient: embeteOrgnr, on: today) {
    ///     case .success(let addressing): store(…, embete: addressing.embete)
    ///     case .failure(let refusal): respond(422, refusal.code, refusal.message, refusal.field.jsonPointer)
    ///     }
    public func checkTransfer(
        sender: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer, kommunenummer: Kommunenummer,
        recipient: Organisasjonsnummer, on day: CalendarDate
    ) -> Result<Addressing, AddressingRefusal> {
        Result { () throws(AddressingRefusal) -> Addressing in
            if let statlig = statligeNavEnheter[recipient] {
                throw .statligNav(statlig, as: .mottaker, field: .embeteOrganisasjonsnummer)
            }
            if let statlig = statligeNavEnheter[sender] {
                throw .statligNav(statlig, as: .avsender, field: .navEnhetOrganisasjonsnummer)
            }
            let kommune = try kommune(kommunenummer, on: day)
            let enhet = try activeNavEnhet(sender, as: .avsender, on: day)
            guard enhet.navEnhetsnummer == navEnhetsnummer else {
                throw .navEnhetsnummerMismatch(enhet, given: navEnhetsnummer)
            }
            guard enhet.serves(kommunenummer) else { throw .navEnhetDoesNotServeKommune(enhet, kommunenummer) }
            guard let covering = embete(forFylke: kommune.fylkesnummer) else { throw .noEmbeteCoversKommune(kommune) }
            guard let addressed = embete(organisasjonsnummer: recipient) else {
                throw .notEmbete(recipient, as: .mottaker, known: organisasjon(recipient), expected: covering)
            }
            guard addressed.navn == covering.navn else {
                throw .embeteDoesNotCoverKommune(addressed, kommune: kommune, covering: covering)
            }
            return Addressing(kommune: kommune, embete: addressed, avsender: enhet)
        }
    }

    /// `checkTransfer` for an instant, taking the day in Norway.
    public func checkTransfer(
        sender: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer, kommunenummer: Kommunenummer,
        recipient: Organisasjonsnummer, on instant: Date
    ) -> Result<Addressing, AddressingRefusal> {
        checkTransfer(sender: sender, navEnhetsnummer: navEnhetsnummer, kommunenummer: kommunenummer,
                      recipient: recipient, on: CalendarDate(instant))
    }

    /// Checks something sent back from an embete to a NAV unit (the decision, a task): the recipient
    /// is not a state NAV number, the sender is a known embete, the recipient is an active municipal
    /// NAV unit with digital receipt, and — when the message names them — its enhetsnummer matches
    /// and it serves the kommune. Without a kommune, the embete must cover one the unit serves.
    ///
    /// The kommune is not refused for having expired since the case came in (numbers change during
    /// a case); when it is valid on `day`, the embete must cover it. That the recipient is the unit
    /// that sent this case is the case store's check, not the registry's.
    public func checkReturn(
        sender: Organisasjonsnummer, recipient: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer?,
        kommunenummer: Kommunenummer?, on day: CalendarDate
    ) -> Result<ReturnAddressing, AddressingRefusal> {
        Result { () throws(AddressingRefusal) -> ReturnAddressing in
            if let statlig = statligeNavEnheter[recipient] {
                throw .statligNav(statlig, as: .mottaker, field: .navEnhetOrganisasjonsnummer)
            }
            if let statlig = statligeNavEnheter[sender] {
                throw .statligNav(statlig, as: .avsender, field: .embeteOrganisasjonsnummer)
            }
            guard let embete = embete(organisasjonsnummer: sender) else {
                throw .notEmbete(sender, as: .avsender, known: organisasjon(sender), expected: nil)
            }
            let enhet = try activeNavEnhet(recipient, as: .mottaker, on: day)
            if let navEnhetsnummer, enhet.navEnhetsnummer != navEnhetsnummer {
                throw .navEnhetsnummerMismatch(enhet, given: navEnhetsnummer)
            }
            var kommune: Kommune?
            if let kommunenummer {
                guard let periods = kommuner[kommunenummer] else { throw .kommuneUnknown(kommunenummer) }
                guard enhet.serves(kommunenummer) else { throw .navEnhetDoesNotServeKommune(enhet, kommunenummer) }
                let current = periods.first { $0.gyldighet.contains(day) }
                if let current, let covering = self.embete(forFylke: current.fylkesnummer), covering.navn != embete.navn {
                    throw .embeteDoesNotCoverKommune(embete, kommune: current, covering: covering)
                }
                kommune = current ?? periods.last
            } else {
                // Without a kommune in the message, the embete must still cover one the unit serves.
                let current = enhet.kommuner.compactMap { nummer in kommuner[nummer]?.first { $0.gyldighet.contains(day) } }
                let covered = current.filter { self.embete(forFylke: $0.fylkesnummer)?.navn == embete.navn }
                if covered.isEmpty, let first = current.first, let covering = self.embete(forFylke: first.fylkesnummer) {
                    throw .embeteDoesNotCoverKommune(embete, kommune: first, covering: covering)
                }
            }
            guard enhet.digitalMottak else { throw .noDigitalReceipt(enhet) }
            return ReturnAddressing(embete: embete, navEnhet: enhet, kommune: kommune)
        }
    }

    /// `checkReturn` for an instant, taking the day in Norway.
    public func checkReturn(
        sender: Organisasjonsnummer, recipient: Organisasjonsnummer, navEnhetsnummer: NavEnhetsnummer?,
        kommunenummer: Kommunenummer?, on instant: Date
    ) -> Result<ReturnAddressing, AddressingRefusal> {
        checkReturn(sender: sender, recipient: recipient, navEnhetsnummer: navEnhetsnummer,
                    kommunenummer: kommunenummer, on: CalendarDate(instant))
    }

    private func activeNavEnhet(_ orgnr: Organisasjonsnummer, as part: AddressingRefusal.Part, on day: CalendarDate) throws(AddressingRefusal) -> NavEnhet {
        guard let enhet = navEnheter[orgnr] else { throw .notNavEnhet(orgnr, as: part, known: organisasjon(orgnr)) }
        guard enhet.gyldighet.contains(day) else { throw .navEnhetInactive(enhet, on: day) }
        return enhet
    }
}
