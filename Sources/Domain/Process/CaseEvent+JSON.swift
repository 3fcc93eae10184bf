import JSONSchema

/// Why a schema-valid message could not be read into domain types. Should not happen after schema
/// validation; it exists so that a reader never crashes on a message that skipped it.
public struct MessageReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// JSON Pointer of the field.
    public let pointer: String
    public let message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(pointer): \(message)" }
}

/// Typed reads of JSON fields with the pointer in every error.
struct FieldReader {
    let root: JSONValue

    func value(_ pointer: String) -> JSONValue? { JSONPointer.resolve(pointer, in: root) }

    func string(_ pointer: String) throws(MessageReadError) -> String {
        guard let s = value(pointer)?.stringValue else {
            throw MessageReadError(pointer: pointer, message: "a string is required here")
        }
        return s
    }

    func optionalString(_ pointer: String) throws(MessageReadError) -> String? {
        guard let v = value(pointer) else { return nil }
        guard let s = v.stringValue else { throw MessageReadError(pointer: pointer, message: "must be a string") }
        return s
    }

    func tidspunkt(_ pointer: String) throws(MessageReadError) -> Tidspunkt {
        guard let t = Tidspunkt(iso8601: try string(pointer)) else {
            throw MessageReadError(pointer: pointer, message: "not a UTC timestamp with milliseconds (YYYY-MM-DDThh:mm:ss.SSSZ)")
        }
        return t
    }

    func dato(_ pointer: String) throws(MessageReadError) -> CalendarDate {
        guard let d = CalendarDate(iso8601: try string(pointer)) else {
            throw MessageReadError(pointer: pointer, message: "not a real date (YYYY-MM-DD)")
        }
        return d
    }

    func optionalDato(_ pointer: String) throws(MessageReadError) -> CalendarDate? {
        value(pointer) == nil ? nil : try dato(pointer)
    }

    func code<C: RawRepresentable>(_ pointer: String, _ type: C.Type) throws(MessageReadError) -> C where C.RawValue == String {
        let raw = try string(pointer)
        guard let c = C(rawValue: raw) else {
            throw MessageReadError(pointer: pointer, message: "«\(raw)» is not a known value")
        }
        return c
    }

    func hastesak(_ pointer: String) throws(MessageReadError) -> Hastesak {
        guard case .bool(let er)? = value(pointer + "/erHastesak") else {
            throw MessageReadError(pointer: pointer + "/erHastesak", message: "true or false is required")
        }
        // Extensible list: an unknown reason reads as ANNET.
        let arsaker = (value(pointer + "/begrunnelse/arsaker")?.arrayValue ?? []).map {
            Hastesak.Arsak(rawValue: $0.stringValue ?? "") ?? .annet
        }
        return Hastesak(erHastesak: er, arsaker: arsaker, tekst: try optionalString(pointer + "/begrunnelse/tekst"))
    }
}

extension CaseEvent {
    /// Reads a schema-valid statushendelse v1 message.
    ///
    /// An unknown `type`, or an unknown `status` of a klageStatus, gives `.ukjent` (readers ignore
    /// what they do not know); everything else must be as the schema says.
    ///
    ///     let event = try CaseEvent(statushendelse: try JSONParser.parse(bytes: body))
    public init(statushendelse json: JSONValue) throws(MessageReadError) {
        let r = FieldReader(root: json)
        let aktor = Aktor(
            rolle: try r.code("/aktor/rolle", Rolle.self),
            organisasjonsnummer: try r.string("/aktor/organisasjonsnummer"),
            navEnhetsnummer: try r.optionalString("/aktor/navEnhetsnummer"),
            navn: try r.optionalString("/aktor/navn"))
        let type = try r.string("/type")
        let kind: Kind
        switch type {
        case "klageStatus":
            let raw = try r.string("/status")
            if let status = KlageStatus(rawValue: raw) {
                kind = .klageStatus(KlageStatusEndring(
                    status,
                    hastesak: r.value("/hastesak") == nil ? nil : try r.hastesak("/hastesak"),
                    forventetAvgjortDato: try r.optionalDato("/forventetAvgjortDato"),
                    trukketAv: r.value("/trukketAv") == nil ? nil : try r.code("/trukketAv", TrukketAv.self),
                    mottaker: r.value("/mottaker") == nil ? nil : EmbeteReferanse(
                        organisasjonsnummer: try r.string("/mottaker/organisasjonsnummer"),
                        navn: try r.optionalString("/mottaker/navn"))))
            } else {
                kind = .ukjent(type: "klageStatus/" + raw)
            }
        case "klageUtfall":
            kind = .klageUtfall(try r.code("/klageUtfall", KlageUtfall.self), vedtakId: try r.optionalString("/vedtakId"))
        case "saksfremlegg":
            kind = .saksfremlegg(kommentarfrist: try r.dato("/kommentarfrist"))
        case "statsforvalterUtfall":
            kind = .statsforvalterUtfall(try r.code("/utfall", StatsforvalterUtfall.self), vedtaksdato: try r.optionalDato("/vedtaksdato"))
        case "dokumentasjonEtterspurt":
            kind = .dokumentasjonEtterspurt(oppgaveId: try r.string("/oppgaveId"), innsendelsesfrist: try r.dato("/innsendelsesfrist"))
        case "hendelseAnnullert":
            kind = .hendelseAnnullert(
                annullertHendelseId: try r.string("/annullertHendelseId"),
                annulleringstype: try r.code("/annulleringstype", Annulleringstype.self),
                begrunnelse: try r.optionalString("/begrunnelse"))
        default:
            kind = .ukjent(type: type)
        }
        self.init(hendelseId: try r.string("/hendelseId"), klagesakId: try r.string("/klagesakId"),
                  tidspunkt: try r.tidspunkt("/hendelsestidspunkt"), aktor: aktor, kind: kind,
                  hendelseTekst: try r.optionalString("/hendelseTekst"))
    }
}

extension CaseEvent.Oversendelse {
    /// Reads what the process needs from a schema-valid klagesak-oversendelse v1 message.
    public init(klagesakOversendelse json: JSONValue) throws(MessageReadError) {
        let r = FieldReader(root: json)
        self.init(
            meldingId: try r.string("/meldingId"),
            sendtTidspunkt: try r.tidspunkt("/sendtTidspunkt"),
            navEnhet: try r.string("/navEnhet/organisasjonsnummer"),
            embete: EmbeteReferanse(organisasjonsnummer: try r.string("/embete/organisasjonsnummer"),
                                    navn: try r.optionalString("/embete/navn")),
            hastesak: try r.hastesak("/hastesak"),
            klageMottattDato: try r.dato("/klage/mottattDato"),
            klageUtfall: try r.code("/vurdering/klageUtfall", KlageUtfall.self),
            kommentarfrist: try r.dato("/vurdering/kommentarfrist"))
    }
}

extension CaseEvent {
    /// The exchange's record of a stored, valid transfer message (the `mottatt` receipt).
    ///
    ///     let record = try CaseEvent.oversendelseMottatt(json, klagesakId: sak,
    ///                      hendelseId: idFor(meldingId), mottatt: now)
    ///
    /// The actor is the sending NAV unit from the message (`navEnhet`); the API must have checked
    /// that it is the authenticated sender.
    public static func oversendelseMottatt(_ json: JSONValue, klagesakId: String, hendelseId: String, mottatt: Tidspunkt) throws(MessageReadError) -> CaseEvent {
        let o = try Oversendelse(klagesakOversendelse: json)
        let r = FieldReader(root: json)
        let aktor = Aktor.nav(o.navEnhet, navEnhetsnummer: try r.optionalString("/navEnhet/navEnhetsnummer"),
                              navn: try r.optionalString("/navEnhet/navn"))
        return CaseEvent(hendelseId: hendelseId, klagesakId: klagesakId, tidspunkt: mottatt, aktor: aktor, kind: .oversendelseMottatt(o))
    }
}
