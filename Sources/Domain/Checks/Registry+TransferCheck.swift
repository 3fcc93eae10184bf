extension Registry {
    /// The registry's addressing decision for a transfer, as the finding `TransferCheck` takes:
    /// nil when the addressing holds, otherwise the refusal with the registry's code, message and
    /// JSON Pointer.
    ///
    ///     TransferCheck.check(message, identifiers: policy, addressing: registry.transferCheckFinding, now: now)
    public func transferCheckFinding(_ q: TransferAddressingQuery) -> CheckFinding? {
        guard let sender = Organisasjonsnummer(q.navEnhetOrganisasjonsnummer) else {
            return .refusal("/navEnhet/organisasjonsnummer", "organisasjonsnummer.kontrollsiffer", "Organisasjonsnummeret er ikke gyldig (invalid organisation number).")
        }
        guard let recipient = Organisasjonsnummer(q.embeteOrganisasjonsnummer) else {
            return .refusal("/embete/organisasjonsnummer", "organisasjonsnummer.kontrollsiffer", "Organisasjonsnummeret er ikke gyldig (invalid organisation number).")
        }
        guard let enhet = NavEnhetsnummer(q.navEnhetsnummer) else {
            return .refusal("/navEnhet/navEnhetsnummer", "ugyldig-felt", "NAV-enhetsnummeret er ikke fire sifre (NAV unit number must be 4 digits).")
        }
        guard let kommune = Kommunenummer(q.kommunenummer) else {
            return .refusal("/navEnhet/kommunenummer", "ugyldig-felt", "Kommunenummeret er ikke fire sifre (municipality number must be 4 digits).")
        }
        switch checkTransfer(sender: sender, navEnhetsnummer: enhet, kommunenummer: kommune, recipient: recipient, on: q.dato) {
        case .success: return nil
        case .failure(let refusal): return .refusal(refusal.field.jsonPointer, refusal.code, refusal.message)
        }
    }
}
