import Foundation
import JSONSchema
@testable import Domain

/// Builders for process tests: one case, one NAV unit, one embete, times in minutes from a base.
enum P {
    static let sak = "a7cffae0-8cab-5481-8ba4-cd86f3880318"
    static let nav = "310050539"
    static let annenNav = "310050008"
    static let embete = "310001376"
    static let annetEmbete = "310002119"
    static let base = Tidspunkt(iso8601: "2024-04-02T10:00:00.000Z")!

    static func t(_ minutes: Int64) -> Tidspunkt { base.adding(millisekunder: minutes * 60_000) }
    static func days(_ d: Int64) -> Int64 { d * 24 * 60 }

    static func event(_ id: String, _ minutes: Int64, _ aktor: Aktor, _ kind: CaseEvent.Kind) -> CaseEvent {
        CaseEvent(hendelseId: id, klagesakId: sak, tidspunkt: t(minutes), aktor: aktor, kind: kind)
    }

    static func status(_ id: String, _ minutes: Int64, _ rolle: Rolle, _ s: KlageStatus,
                       hastesak: Hastesak? = nil, mottaker: EmbeteReferanse? = nil) -> CaseEvent {
        event(id, minutes, rolle == .nav ? .nav(nav) : .statsforvalter(embete),
              .klageStatus(KlageStatusEndring(s, hastesak: hastesak, mottaker: mottaker)))
    }

    static func utfall(_ id: String, _ minutes: Int64, _ u: KlageUtfall) -> CaseEvent {
        event(id, minutes, .nav(nav), .klageUtfall(u, vedtakId: nil))
    }

    static func saksfremlegg(_ id: String, _ minutes: Int64) -> CaseEvent {
        event(id, minutes, .nav(nav), .saksfremlegg(kommentarfrist: CalendarDate(year: 2024, month: 5, day: 6)!))
    }

    static func sfUtfall(_ id: String, _ minutes: Int64, _ u: StatsforvalterUtfall) -> CaseEvent {
        event(id, minutes, .statsforvalter(embete), .statsforvalterUtfall(u, vedtaksdato: nil))
    }

    static func annuller(_ id: String, _ minutes: Int64, _ target: String, _ rolle: Rolle) -> CaseEvent {
        event(id, minutes, rolle == .nav ? .nav(nav) : .statsforvalter(embete),
              .hendelseAnnullert(annullertHendelseId: target, annulleringstype: .feilregistrert, begrunnelse: nil))
    }

    static func oversendelse(_ id: String, _ minutes: Int64, meldingId: String = "m-1", sendt: Int64? = nil,
                             utfall: KlageUtfall = .opprettholdt, hastesak: Hastesak = .ikkeHastesak) -> CaseEvent {
        event(id, minutes, .nav(nav), .oversendelseMottatt(CaseEvent.Oversendelse(
            meldingId: meldingId, sendtTidspunkt: t(sendt ?? minutes), navEnhet: nav,
            embete: EmbeteReferanse(organisasjonsnummer: embete, navn: "Statsforvalteren i Trøndelag"),
            hastesak: hastesak, klageMottattDato: CalendarDate(year: 2024, month: 4, day: 2)!,
            klageUtfall: utfall, kommentarfrist: CalendarDate(year: 2024, month: 5, day: 6)!)))
    }

    /// The usual path up to MOTTATT at the Statsforvalter (minutes 0…).
    static var tilMottattHosStatsforvalter: [CaseEvent] {
        [status("e1", 0, .nav, .mottatt),
         status("e2", 60, .nav, .underBehandling),
         utfall("e3", days(10), .opprettholdt),
         saksfremlegg("e4", days(11)),
         status("e5", days(30), .nav, .videresendt, mottaker: EmbeteReferanse(organisasjonsnummer: embete)),
         oversendelse("x1", days(30) + 1, sendt: days(30)),
         status("e6", days(31), .statsforvalter, .mottatt)]
    }

    /// Applies events one by one; fails the caller's expectations by returning the refusal.
    static func run(_ events: [CaseEvent], from start: CaseState = CaseState(klagesakId: sak)) -> Result<CaseState, TransitionRefusal> {
        var s = start
        for e in events {
            switch CaseProcess.apply(e, to: s) {
            case .success(let n): s = n
            case .failure(let r): return .failure(r)
            }
        }
        return .success(s)
    }
}

extension Result {
    var value: Success? { if case .success(let v) = self { return v } else { return nil } }
    var error: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}

enum DomainTestPaths {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var examples: URL { repositoryRoot.appendingPathComponent("Schemas/examples") }

    static func json(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: examples.appendingPathComponent(relative))
        return try JSONParser.parse(bytes: [UInt8](data))
    }
}
