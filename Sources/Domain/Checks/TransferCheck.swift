import JSONSchema

/// The addressing facts of a transfer, for the registry's decision (kommune known and valid, NAV
/// unit municipal and serving the kommune, embete covering it).
public struct TransferAddressingQuery: Hashable, Sendable {
    public let navEnhetOrganisasjonsnummer: String
    public let navEnhetsnummer: String
    public let kommunenummer: String
    public let embeteOrganisasjonsnummer: String
    /// The day the addressing must hold on: the transfer's day in Norway.
    public let dato: CalendarDate
}

/// Semantic checks of a klagesak-oversendelse v1 message, after schema validation.
///
///     let result = TransferCheck.check(message, identifiers: FodselsnummerPolicy.allowingSynthetic,
///                                      addressing: { q in registryFinding(q) }, now: now)
///     if !result.isAccepted { problem(422, result.refusals) }   // each with pointer, code, message
///     store(message, flags: result.flags)                        // e.g. klagefrist-overskredet
///
/// What the schema already guarantees is not checked again, except where a check words it in the
/// domain's terms (MEDHOLD, DELVIS_MEDHOLD), so that the check stands on its own. The documents of
/// types KLAGE, VEDTAK and SAKSFREMLEGG are required by the schema (`contains`) and not checked here.
/// Whether the files arrived with the listed size and SHA-512 is the document store's check.
public enum TransferCheck {
    /// How far in the future `sendtTidspunkt` may be, for clock skew between the sender and us.
    public static let klokkeslingring: Int64 = 5 * 60_000
    /// The appeal deadline (forvaltningsloven § 29): three weeks.
    public static let klagefristDager = 21

    /// Runs every check and returns all findings.
    ///
    /// - Parameters:
    ///   - message: the parsed, schema-valid message.
    ///   - identifiers: which identifiers are acceptable (synthetic numbers or not).
    ///   - addressing: the registry's decision for the addressing, as a finding (nil when the
    ///     addressing holds); not called when an organisation number in it is itself invalid.
    ///     Pass nil to leave addressing out (e.g. `klagebro validate` without a registry).
    ///   - now: the current time; nothing here reads a clock.
    public static func check(
        _ message: JSONValue, identifiers: any IdentifierPolicy,
        addressing: ((TransferAddressingQuery) -> CheckFinding?)?, now: Tidspunkt
    ) -> CheckResult {
        var result = CheckResult()
        let r = FieldReader(root: message)
        let today = now.norskDato

        // Reads a field, turning an unreadable one into a refusal (only for unvalidated input).
        func read<T>(_ body: () throws(MessageReadError) -> T) -> T? {
            do { return try body() } catch {
                result.add(.refusal(error.pointer, "ugyldig-felt", "Feltet kan ikke leses (field cannot be read): \(error.message)"))
                return nil
            }
        }
        func optional<T>(_ pointer: String, _ body: () throws(MessageReadError) -> T) -> T? {
            r.value(pointer) == nil ? nil : read(body)
        }

        // MARK: identifiers
        var orgnrOK = true
        func fnr(_ pointer: String) {
            guard let text = optional(pointer, { () throws(MessageReadError) in try r.string(pointer) }) else { return }
            if let p = identifiers.problem(fodselsnummer: text) { result.add(.refusal(pointer, p.code, p.message)) }
        }
        func orgnr(_ pointer: String) {
            guard let text = optional(pointer, { () throws(MessageReadError) in try r.string(pointer) }) else { return }
            if let p = identifiers.problem(organisasjonsnummer: text) {
                result.add(.refusal(pointer, p.code, p.message))
                orgnrOK = false
            }
        }
        fnr("/klager/fodselsnummer")
        fnr("/fullmektig/fodselsnummer")
        orgnr("/navEnhet/organisasjonsnummer")
        orgnr("/embete/organisasjonsnummer")
        let addressingOrgnrOK = orgnrOK
        orgnr("/fullmektig/organisasjonsnummer")

        // MARK: addressing (the registry decides)
        let sendt = read { () throws(MessageReadError) in try r.tidspunkt("/sendtTidspunkt") }
        if let addressing, addressingOrgnrOK,
           let nav = read({ () throws(MessageReadError) in try r.string("/navEnhet/organisasjonsnummer") }),
           let enhet = read({ () throws(MessageReadError) in try r.string("/navEnhet/navEnhetsnummer") }),
           let kommune = read({ () throws(MessageReadError) in try r.string("/navEnhet/kommunenummer") }),
           let embete = read({ () throws(MessageReadError) in try r.string("/embete/organisasjonsnummer") }) {
            let day = min(sendt?.norskDato ?? today, today)
            if let f = addressing(TransferAddressingQuery(navEnhetOrganisasjonsnummer: nav, navEnhetsnummer: enhet,
                                                          kommunenummer: kommune, embeteOrganisasjonsnummer: embete, dato: day)) {
                result.add(f)
            }
        }

        // MARK: dates in order
        let vedtaksdato = read { () throws(MessageReadError) in try r.dato("/vedtak/vedtaksdato") }
        let klageMottatt = read { () throws(MessageReadError) in try r.dato("/klage/mottattDato") }
        let fremleggSendt = read { () throws(MessageReadError) in try r.dato("/vurdering/saksfremlegg/sendtKlagerDato") }
        let kommentarfrist = read { () throws(MessageReadError) in try r.dato("/vurdering/kommentarfrist") }
        let kommentarMottatt = optional("/vurdering/klagersKommentar/mottattDato") { () throws(MessageReadError) in
            try r.dato("/vurdering/klagersKommentar/mottattDato")
        }
        let sendtDag = sendt?.norskDato

        if let sendt, sendt.millisekunder > now.millisekunder + klokkeslingring {
            result.add(.refusal("/sendtTidspunkt", "oversendt-i-fremtiden",
                                "Oversendelsen er datert \(sendt), som er fram i tid (the transfer time is in the future; now is \(now))."))
        }
        if let vedtaksdato, let klageMottatt, klageMottatt < vedtaksdato {
            result.add(.refusal("/klage/mottattDato", "klage-for-vedtak",
                                "Klagen er mottatt \(klageMottatt), før vedtaket ble fattet \(vedtaksdato) (the appeal cannot be received before the decision)."))
        }
        if let klageMottatt, let sendtDag, klageMottatt > sendtDag {
            result.add(.refusal("/klage/mottattDato", "klage-etter-oversendelse",
                                "Klagen er mottatt \(klageMottatt), etter at saken ble oversendt \(sendtDag) (the appeal cannot be received after the transfer)."))
        }
        if let fremleggSendt {
            if let klageMottatt, fremleggSendt < klageMottatt {
                result.add(.refusal("/vurdering/saksfremlegg/sendtKlagerDato", "saksfremlegg-for-klage",
                                    "Saksfremlegget er sendt klageren \(fremleggSendt), før klagen ble mottatt \(klageMottatt) (the summary cannot precede the appeal)."))
            }
            if let sendtDag, fremleggSendt > sendtDag {
                result.add(.refusal("/vurdering/saksfremlegg/sendtKlagerDato", "saksfremlegg-etter-oversendelse",
                                    "Saksfremlegget er sendt klageren \(fremleggSendt), etter oversendelsen \(sendtDag); klageren skal ha fått det til kommentar før saken sendes (the summary must be sent before the transfer)."))
            }
            if let kommentarfrist, kommentarfrist <= fremleggSendt {
                result.add(.refusal("/vurdering/kommentarfrist", "kommentarfrist-for-saksfremlegg",
                                    "Kommentarfristen \(kommentarfrist) er ikke etter at saksfremlegget ble sendt \(fremleggSendt) (the comment deadline must come after the summary was sent)."))
            }
            if let kommentarMottatt, kommentarMottatt < fremleggSendt {
                result.add(.refusal("/vurdering/klagersKommentar/mottattDato", "kommentar-for-saksfremlegg",
                                    "Kommentaren er mottatt \(kommentarMottatt), før saksfremlegget ble sendt \(fremleggSendt) (a comment cannot precede the summary)."))
            }
        }
        if let kommentarMottatt, let sendtDag, kommentarMottatt > sendtDag {
            result.add(.refusal("/vurdering/klagersKommentar/mottattDato", "kommentar-etter-oversendelse",
                                "Kommentaren er mottatt \(kommentarMottatt), etter oversendelsen \(sendtDag) (a comment cannot be received after the transfer)."))
        }
        if let kommentarfrist, let sendtDag, sendtDag < kommentarfrist, r.value("/vurdering/klagersKommentar") == nil {
            result.add(.flag("/vurdering/kommentarfrist", "oversendt-for-kommentarfrist",
                             "Saken er oversendt \(sendtDag), før kommentarfristen \(kommentarfrist), uten kommentar fra klageren; en kommentar kan komme etter oversendelsen (transferred before the comment deadline without a comment)."))
        }
        if let fom = optional("/vedtak/periode/fom", { () throws(MessageReadError) in try r.dato("/vedtak/periode/fom") }),
           let tom = optional("/vedtak/periode/tom", { () throws(MessageReadError) in try r.dato("/vedtak/periode/tom") }), tom < fom {
            result.add(.refusal("/vedtak/periode/tom", "periode-tom-for-fom",
                                "Perioden slutter \(tom), før den begynner \(fom) (the period ends before it starts)."))
        }

        // MARK: the appeal deadline (flag)
        if let vedtaksdato, let klageMottatt, let f = klagefrist(vedtaksdato: vedtaksdato, klageMottatt: klageMottatt) {
            result.add(f)
        }

        // MARK: NAV's conclusion
        if let utfall = read({ () throws(MessageReadError) in try r.string("/vurdering/klageUtfall") }) {
            if utfall == KlageUtfall.medhold.rawValue {
                result.add(.refusal("/vurdering/klageUtfall", "medhold-kan-ikke-oversendes",
                                    "Klageren har fått fullt medhold hos NAV; saken avsluttes hos NAV og skal ikke til Statsforvalteren (full medhold ends the case at NAV)."))
            }
            if utfall == KlageUtfall.delvisMedhold.rawValue,
               (r.value("/vurdering/oversendtDel/beskrivelse")?.stringValue ?? "").isEmpty {
                result.add(.refusal("/vurdering/oversendtDel", "delvis-medhold-uten-oversendt-del",
                                    "Ved delvis medhold må meldingen si hvilken del NAV har opprettholdt og som Statsforvalteren skal vurdere (describe the upheld part)."))
            }
        }

        // MARK: urgency (flag)
        if r.value("/vedtak/stonadstype")?.stringValue == "NODHJELP", case .bool(false)? = r.value("/hastesak/erHastesak") {
            result.add(.flag("/hastesak/erHastesak", "nodhjelp-ikke-hastesak",
                             "Vedtaket gjelder nødhjelp, men saken er ikke merket som hastesak; nødhjelp skal identifiseres ved mottak og behandles først (emergency help not marked urgent)."))
        }

        // MARK: documents
        for f in dokumentFunn(r.value("/dokumenter")?.arrayValue ?? [], today: today) { result.add(f) }

        return result
    }

    /// The three-week deadline, flagged. The message has no date for when the appellant learned of the
    /// decision, so `vedtaksdato` stands in for it (the deadline runs from notification, which is
    /// later); a deadline ending on a Saturday or Sunday moves to Monday (fvl. § 30; public holidays
    /// are not counted).
    static func klagefrist(vedtaksdato: CalendarDate, klageMottatt: CalendarDate) -> CheckFinding? {
        var frist = DayCount.adding(klagefristDager, to: vedtaksdato)
        switch DayCount.isoWeekday(frist) {
        case 6: frist = DayCount.adding(2, to: frist)
        case 7: frist = DayCount.adding(1, to: frist)
        default: break
        }
        guard klageMottatt > frist else { return nil }
        let dager = DayCount.days(from: vedtaksdato, to: klageMottatt)
        return .flag("/klage/mottattDato", "klagefrist-overskredet",
                     "Klagen er mottatt \(klageMottatt), \(dager) dager etter vedtaksdato \(vedtaksdato); fristen på tre uker gikk ut \(frist). Vedtaksdato er brukt fordi meldingen ikke sier når klageren fikk vedtaket. En for sen klage kan likevel behandles (fvl. § 31) (appeal received after the three-week deadline, counted from the decision date as a proxy for notification; flagged, not refused).")
    }

    /// Unique document ids; one SHA-512 per distinct document; no document dated in the future.
    static func dokumentFunn(_ dokumenter: [JSONValue], today: CalendarDate) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        var ids: [String: Int] = [:]
        var hashes: [String: Int] = [:]
        for (i, d) in dokumenter.enumerated() {
            if let id = d["dokumentId"]?.stringValue {
                if let first = ids[id] {
                    findings.append(.refusal("/dokumenter/\(i)/dokumentId", "dokumentid-ikke-unik",
                                             "Dokument-id-en er brukt før, i /dokumenter/\(first); hvert dokument må ha sin egen id (document id not unique)."))
                } else {
                    ids[id] = i
                }
            }
            if let sha = d["sha512"]?.stringValue {
                if let first = hashes[sha] {
                    findings.append(.refusal("/dokumenter/\(i)/sha512", "sha512-ikke-unik",
                                             "Samme SHA-512 som /dokumenter/\(first): samme fil er oppført som to dokumenter; list den én gang (the same file is listed twice)."))
                } else {
                    hashes[sha] = i
                }
            }
            if let text = d["dato"]?.stringValue, let dato = CalendarDate(iso8601: text), dato > today {
                findings.append(.refusal("/dokumenter/\(i)/dato", "dokumentdato-i-fremtiden",
                                         "Dokumentet er datert \(dato), etter dagens dato \(today) (document dated in the future)."))
            }
        }
        return findings
    }
}
