import Domain
import JSONSchema

/// The checks a transfer must pass beyond its schema: that the authenticated unit sends for
/// itself, then the Domain's `TransferCheck` (identifiers, dates, document ids, the appeal
/// deadline flagged) with the registry's addressing decision. An addressing refusal is answered as
/// such (`adressering-avvist`, saying why); other refusals together as `semantisk-feil`.
struct TransferChecks: Sendable {
    let registry: Registry
    let identityPolicy: FodselsnummerPolicy

    struct Outcome {
        /// Flags that do not refuse the message (a late appeal can still be heard).
        var merknader: [APIProblem.FieldError] = []
    }

    /// Captures the registry's refusal from inside the check's callback (called synchronously).
    private final class AddressingOutcome {
        var refusal: AddressingRefusal?
    }

    func check(_ m: JSONValue, caller: Caller, now: Timestamp) throws(APIProblem) -> Outcome {
        // Who sends: the authenticated unit itself, never one unit on behalf of another.
        let navOrgnr = m["navEnhet"]?["organisasjonsnummer"]?.stringValue ?? ""
        if navOrgnr != caller.organisasjonsnummer {
            throw .bodyMismatch(pointer: "/navEnhet/organisasjonsnummer",
                                expected: "the authenticated sender \(caller.organisasjonsnummer)", got: navOrgnr)
        }
        let addressing = AddressingOutcome()
        let registry = self.registry
        let result = TransferCheck.check(
            m, identifiers: identityPolicy,
            addressing: { q in
                guard let sender = Organisasjonsnummer(q.navEnhetOrganisasjonsnummer),
                    let recipient = Organisasjonsnummer(q.embeteOrganisasjonsnummer)
                else { return nil }
                guard let kommune = Kommunenummer(q.kommunenummer) else {
                    return .refusal("/navEnhet/kommunenummer", "kommune-ukjent", "Ukjent kommunenummer \(q.kommunenummer).")
                }
                guard let enhetsnummer = NavEnhetsnummer(q.navEnhetsnummer) else {
                    return .refusal("/navEnhet/navEnhetsnummer", "nav-enhetsnummer-ugyldig", "Ugyldig NAV-enhetsnummer.")
                }
                switch registry.checkTransfer(sender: sender, navEnhetsnummer: enhetsnummer, kommunenummer: kommune,
                                              recipient: recipient, on: q.dato) {
                case .success: return nil
                case .failure(let refusal):
                    addressing.refusal = refusal
                    return .refusal(refusal.field.jsonPointer, refusal.code, refusal.message)
                }
            },
            now: Tidspunkt(millisekunder: now.millisecondsSinceEpoch))
        if let refusal = addressing.refusal {
            throw .addressingRefused(reason: refusal.message, code: refusal.code, pointer: refusal.field.jsonPointer)
        }
        if !result.isAccepted {
            throw .semanticInvalid(errors: result.refusals.map { .init(pointer: $0.pointer, code: $0.code, message: $0.message) })
        }
        return Outcome(merknader: result.flags.map { .init(pointer: $0.pointer, code: $0.code, message: $0.message) })
    }
}
