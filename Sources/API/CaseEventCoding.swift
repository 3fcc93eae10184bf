import Domain
import JSONSchema

/// Events as stored JSON and back.
///
/// A posted statushendelse is stored exactly as received (it already follows the schema); a record
/// the exchange makes itself (transfer received, receipt, decision delivered) is stored in the same
/// envelope shape with its own `type` (e.g. `oversendelseMottatt`). Loading a case decodes every
/// stored event back into a `CaseEvent`, and `CaseProcess.fold` derives the state from them.
enum CaseEventCoding {
    struct Malformed: Error, CustomStringConvertible {
        let pointer: String
        var description: String { "stored event is malformed at \(pointer)" }
    }

    // MARK: Decoding

    static func decode(_ value: JSONValue) throws -> CaseEvent {
        // A posted statushendelse is read by the Domain's own reader (one reading of the standard).
        if value["meldingstype"]?.stringValue == "statushendelse" {
            do { return try CaseEvent(statushendelse: value) } catch { throw Malformed(pointer: error.pointer) }
        }
        func string(_ key: String) throws -> String {
            guard let s = value[key]?.stringValue else { throw Malformed(pointer: "/" + key) }
            return s
        }
        func date(_ key: String) -> CalendarDate? { value[key]?.stringValue.flatMap { CalendarDate(iso8601: $0) } }
        guard let tidspunkt = Tidspunkt(iso8601: try string("hendelsestidspunkt")) else { throw Malformed(pointer: "/hendelsestidspunkt") }
        let aktor = try decodeAktor(value["aktor"])
        let type = try string("type")
        let kind: CaseEvent.Kind
        switch type {
        case "klageStatus":
            let raw = try string("status")
            if let status = KlageStatus(rawValue: raw) {
                kind = .klageStatus(KlageStatusEndring(
                    status, hastesak: value["hastesak"].map(decodeHastesak), forventetAvgjortDato: date("forventetAvgjortDato"),
                    trukketAv: value["trukketAv"]?.stringValue.flatMap(TrukketAv.init(rawValue:)),
                    mottaker: value["mottaker"].flatMap(decodeEmbete)))
            } else {
                kind = .ukjent(type: "klageStatus/" + raw)
            }
        case "klageUtfall":
            guard let u = KlageUtfall(rawValue: try string("klageUtfall")) else { throw Malformed(pointer: "/klageUtfall") }
            kind = .klageUtfall(u, vedtakId: value["vedtakId"]?.stringValue)
        case "saksfremlegg":
            guard let frist = date("kommentarfrist") else { throw Malformed(pointer: "/kommentarfrist") }
            kind = .saksfremlegg(kommentarfrist: frist)
        case "statsforvalterUtfall":
            guard let u = StatsforvalterUtfall(rawValue: try string("utfall")) else { throw Malformed(pointer: "/utfall") }
            kind = .statsforvalterUtfall(u, vedtaksdato: date("vedtaksdato"))
        case "dokumentasjonEtterspurt":
            guard let frist = date("innsendelsesfrist") else { throw Malformed(pointer: "/innsendelsesfrist") }
            kind = .dokumentasjonEtterspurt(oppgaveId: try string("oppgaveId"), innsendelsesfrist: frist)
        case "hendelseAnnullert":
            guard let t = Annulleringstype(rawValue: try string("annulleringstype")) else { throw Malformed(pointer: "/annulleringstype") }
            kind = .hendelseAnnullert(annullertHendelseId: try string("annullertHendelseId"), annulleringstype: t,
                                      begrunnelse: value["begrunnelse"]?.stringValue)
        case "oversendelseMottatt":
            guard let sendt = Tidspunkt(iso8601: try string("sendtTidspunkt")),
                let embete = value["embete"].flatMap(decodeEmbete),
                let klageMottatt = date("klageMottattDato"), let frist = date("kommentarfrist"),
                let utfall = KlageUtfall(rawValue: try string("klageUtfall"))
            else { throw Malformed(pointer: "/oversendelse") }
            kind = .oversendelseMottatt(CaseEvent.Oversendelse(
                meldingId: try string("meldingId"), sendtTidspunkt: sendt, navEnhet: try string("navEnhet"), embete: embete,
                hastesak: value["hastesak"].map(decodeHastesak) ?? .ikkeHastesak, klageMottattDato: klageMottatt,
                klageUtfall: utfall, kommentarfrist: frist))
        case "oversendelseKvittert":
            kind = .oversendelseKvittert(meldingId: try string("meldingId"))
        case "klagevedtakMottatt":
            guard let u = StatsforvalterUtfall(rawValue: try string("utfall")) else { throw Malformed(pointer: "/utfall") }
            kind = .klagevedtakMottatt(meldingId: try string("meldingId"), utfall: u, vedtaksdato: date("vedtaksdato"))
        case "klagevedtakKvittert":
            kind = .klagevedtakKvittert(meldingId: try string("meldingId"))
        case "oppgaveBesvart":
            kind = .oppgaveBesvart(oppgaveId: try string("oppgaveId"), svarId: try string("svarId"))
        default:
            kind = .ukjent(type: type)
        }
        return CaseEvent(hendelseId: try string("hendelseId"), klagesakId: try string("klagesakId"), tidspunkt: tidspunkt,
                         aktor: aktor, kind: kind, hendelseTekst: value["hendelseTekst"]?.stringValue)
    }

    static func decodeAktor(_ value: JSONValue?) throws -> Aktor {
        guard let value, let rolle = value["rolle"]?.stringValue.flatMap(Rolle.init(rawValue:)),
            let orgnr = value["organisasjonsnummer"]?.stringValue
        else { throw Malformed(pointer: "/aktor") }
        return Aktor(rolle: rolle, organisasjonsnummer: orgnr, navEnhetsnummer: value["navEnhetsnummer"]?.stringValue,
                     navn: value["navn"]?.stringValue)
    }

    /// `hastesak` as in the schemas: `{erHastesak, begrunnelse: {arsaker, tekst}}`.
    static func decodeHastesak(_ value: JSONValue) -> Hastesak {
        let erHastesak: Bool
        if case .bool(let b)? = value["erHastesak"] { erHastesak = b } else { erHastesak = false }
        let begrunnelse = value["begrunnelse"]
        let arsaker = begrunnelse?["arsaker"]?.arrayValue?.compactMap { $0.stringValue }.map { Hastesak.Arsak(rawValue: $0) ?? .annet } ?? []
        return Hastesak(erHastesak: erHastesak, arsaker: arsaker, tekst: begrunnelse?["tekst"]?.stringValue)
    }

    static func decodeEmbete(_ value: JSONValue) -> EmbeteReferanse? {
        guard let orgnr = value["organisasjonsnummer"]?.stringValue else { return nil }
        return EmbeteReferanse(organisasjonsnummer: orgnr, navn: value["navn"]?.stringValue)
    }

    // MARK: Exchange records

    /// The stored JSON of a record the exchange makes itself.
    static func record(
        type: String, klagesakId: String, hendelseId: String, at: Timestamp, aktor: Aktor, fields: [(String, JSONValue)]
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("meldingstype", .string("utvekslingshendelse")),
            ("klagesakId", .string(klagesakId)),
            ("hendelseId", .string(hendelseId)),
            ("hendelsestidspunkt", .string(at.text)),
            ("aktor", encode(aktor)),
            ("type", .string(type)),
        ]
        members += fields
        return .object(JSONObject(members))
    }

    static func encode(_ aktor: Aktor) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("rolle", .string(aktor.rolle.rawValue)), ("organisasjonsnummer", .string(aktor.organisasjonsnummer)),
        ]
        if let n = aktor.navEnhetsnummer { members.append(("navEnhetsnummer", .string(n))) }
        if let n = aktor.navn { members.append(("navn", .string(n))) }
        return .object(JSONObject(members))
    }

    /// A stable id for a record derived from a message id, so a re-sent message records nothing new.
    static func derivedId(_ kind: String, _ meldingId: String) -> String {
        Identifiers.uuidText(Array(SHA2.sha256(Array((kind + ":" + meldingId).utf8)).prefix(16)))
    }
}
