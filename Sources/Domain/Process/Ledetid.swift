import Foundation

/// A length of time, exact in milliseconds.
public struct Varighet: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let millisekunder: Int64

    public init(millisekunder: Int64) { self.millisekunder = millisekunder }

    public static let null = Varighet(millisekunder: 0)

    /// From `fra` to `til`; zero when `til` is not after `fra`.
    public init(fra: Tidspunkt, til: Tidspunkt) {
        millisekunder = max(0, til.millisekunder - fra.millisekunder)
    }

    /// In days, with fractions (24-hour days).
    public var dager: Double { Double(millisekunder) / Double(Tidspunkt.millisekunderPerDag) }
    /// Whole 24-hour days, rounded down.
    public var heleDager: Int { Int(millisekunder / Tidspunkt.millisekunderPerDag) }

    public static func + (a: Varighet, b: Varighet) -> Varighet { Varighet(millisekunder: a.millisekunder + b.millisekunder) }
    public static func < (a: Varighet, b: Varighet) -> Bool { a.millisekunder < b.millisekunder }

    public var description: String { String(format: "%.2f dager", dager) }
}

/// One stretch of a case's timeline: from one change of position to the next (or to the decision, or now).
public struct Tidsperiode: Hashable, Sendable {
    /// What the time was spent on.
    public enum Art: Hashable, Sendable {
        /// Liggetid: waiting for this body's next action (a queue, a hand-over not yet picked up).
        case venter(Rolle)
        /// Work in progress at this body (UNDER_BEHANDLING, NAV writing the saksfremlegg).
        case arbeid(Rolle)
        /// Waiting for the appellant: the comment deadline on the saksfremlegg.
        case venterPaKlager
        /// NAV's stage before its first reported event (the case is known from the transfer only).
        case ikkeRapportert
    }

    public let fra: Tidspunkt
    public let til: Tidspunkt
    public let trinn: Trinn
    public let art: Art
    /// Where the case stood (nil for the unreported start of NAV's stage).
    public let posisjon: Posisjon?
    /// Readable `"VIDERESENDT → MOTTATT (STATSFORVALTER)"`, `"TILDELT_SAKSBEHANDLER → now"`.
    public let navn: String
    /// The event that started the period (nil for the unreported start).
    public let fraHendelseId: String?

    public var varighet: Varighet { Varighet(fra: fra, til: til) }

    /// True for liggetid (waiting for a body, not for the appellant and not work).
    public var erLiggetid: Bool { if case .venter = art { return true } else { return false } }
    public var erArbeid: Bool { if case .arbeid = art { return true } else { return false } }
}

/// Lead time of one case, derived from its events: ledetid end to end, liggetid per stage, time
/// with work in progress, time waiting for the appellant, and the stage the case is in now.
///
///     let l = try Ledetid.beregn(klagesakId: sak, events: stored, now: now).get()
///     l.ledetid.dager                      // 63.4
///     l.liggetidPerTrinn[.statsforvalter]  // waiting at the Statsforvalter
///     l.liggetid.map(\.navn)               // ["MOTTATT (NAV) → UNDER_BEHANDLING (NAV)", "VIDERESENDT → MOTTATT (STATSFORVALTER)", …]
///
/// Definitions (see reference/citizen-view-and-leadtime.md, B):
/// - Start: the appeal received at NAV: the earliest SENDT or MOTTATT by NAV; without those, the
///   transfer's `klage.mottattDato` at 00:00 Norwegian time; without that, the first event.
/// - End: the final decision: MEDHOLD at NAV, the Statsforvalter's outcome other than OPPHEVER,
///   NAV's FERDIGBEHANDLET after OPPHEVER, or TRUKKET; FERDIGBEHANDLET if none of those was
///   registered; otherwise `now` (the case is open).
/// - The Statsforvalter's stage starts at the transfer (the earlier of VIDERESENDT and `sendtTidspunkt`).
/// - Liggetid is the time waiting for a body's next action after a hand-over or a step: MOTTATT →
///   UNDER_BEHANDLING at NAV; VIDERESENDT → MOTTATT (STATSFORVALTER) → TILDELT_SAKSBEHANDLER →
///   UNDER_BEHANDLING; after the comment deadline until the transfer; OPPHEVER → NAV's new treatment.
/// - Work in progress is the time in UNDER_BEHANDLING (and NAV's conclusion → saksfremlegg). Open
///   documentation tasks inside UNDER_BEHANDLING are reported separately (`oppgavetid`), not subtracted.
public struct Ledetid: Hashable, Sendable {
    public let start: Tidspunkt?
    /// The final decision (see above), or nil while the case is open.
    public let avgjort: Tidspunkt?
    /// Where the clock stopped: `avgjort`, or `now`.
    public let slutt: Tidspunkt
    public let erAvgjort: Bool
    /// The stage the case is in now.
    public let trinn: Trinn
    public let posisjon: Posisjon
    /// Start → decision (or now).
    public let ledetid: Varighet
    /// Every period from start to `slutt`, in order.
    public let perioder: [Tidsperiode]
    /// Time per stage (NAV, Statsforvalter, back at NAV after OPPHEVER).
    public let perTrinn: [Trinn: Varighet]
    /// The liggetid periods, in order.
    public var liggetid: [Tidsperiode] { perioder.filter(\.erLiggetid) }
    public let liggetidPerTrinn: [Trinn: Varighet]
    public let arbeidstidPerTrinn: [Trinn: Varighet]
    /// All liggetid, all work.
    public let liggetidTotalt: Varighet
    public let arbeidstid: Varighet
    /// Waiting for the appellant's comment on the saksfremlegg (until the deadline or the transfer).
    public let venterPaKlager: Varighet
    /// Time with at least one documentation task open (given → answered, or → its deadline's end), clipped to start…slutt.
    public let oppgavetid: Varighet
    /// NAV's part: start → the transfer (nil until transferred; nil for a case that never goes on).
    public let tilOversendelse: Varighet?
    /// The Statsforvalter's part: the transfer → its outcome (OPPHEVER included), or → now while
    /// open (nil before the transfer). The Statsforvalter's 90-day requirement is measured on this.
    public let hosStatsforvalter: Varighet?
    /// True when the Statsforvalter has decided (its part has ended).
    public let statsforvalterHarAvgjort: Bool

    /// From the events of one case (any order, as stored).
    public static func beregn(klagesakId: String, events: [CaseEvent], now: Tidspunkt) -> Result<Ledetid, TransitionRefusal> {
        CaseProcess.fold(klagesakId: klagesakId, events: events).map { beregn($0, now: now) }
    }

    /// From a folded case.
    public static func beregn(_ s: CaseState, now: Tidspunkt) -> Ledetid {
        let h = s.historikk
        let start: Tidspunkt? = h.first(where: { $0.posisjon == .sendt || $0.posisjon == .mottattHosNav })?.tidspunkt
            ?? s.klageMottattDato.map(Self.norskMidnatt)
            ?? h.first?.tidspunkt

        var avgjort: Tidspunkt?
        for e in h {
            switch e.posisjon {
            case .klageUtfall(.medhold), .trukket: avgjort = e.tidspunkt
            case .avgjort(let u) where u != .opphever: avgjort = e.tidspunkt
            case .ferdigbehandlet: avgjort = avgjort ?? e.tidspunkt
            default: continue
            }
            break
        }
        let slutt = avgjort ?? max(now, start ?? now)

        var perioder: [Tidsperiode] = []
        if let start {
            // NAV's stage before its first reported event.
            if let first = h.first, start < first.tidspunkt {
                let til = min(first.tidspunkt, slutt)
                perioder.append(Tidsperiode(fra: start, til: til, trinn: .nav, art: .ikkeRapportert, posisjon: nil,
                                            navn: "klage mottatt → \(first.posisjon.navn)", fraHendelseId: nil))
            }
            for (i, e) in h.enumerated() {
                let fra = max(e.tidspunkt, start)
                guard fra < slutt else { break }
                let next = i + 1 < h.count ? h[i + 1] : nil
                let til = min(next?.tidspunkt ?? slutt, slutt)
                guard fra < til || next == nil else { continue }
                let tilNavn = next.map { $0.tidspunkt <= slutt ? $0.posisjon.navn : "decision" } ?? (avgjort == nil ? "now" : "decision")
                let navn = "\(e.posisjon.navn) → \(tilNavn)"
                let trinn = e.posisjon.trinn
                if e.posisjon == .saksfremleggSendt, let frist = s.kommentarfrist {
                    // The appellant's time runs to the end of the deadline day; after that NAV is waited for.
                    let fristSlutt = Self.norskMidnatt(DayCount.adding(1, to: frist))
                    let delt = min(max(fristSlutt, fra), til)
                    if fra < delt {
                        perioder.append(Tidsperiode(fra: fra, til: delt, trinn: trinn, art: .venterPaKlager, posisjon: e.posisjon,
                                                    navn: "\(e.posisjon.navn) → kommentarfrist \(frist)", fraHendelseId: e.hendelseId))
                    }
                    if delt < til {
                        perioder.append(Tidsperiode(fra: delt, til: til, trinn: trinn, art: .venter(.nav), posisjon: e.posisjon,
                                                    navn: "kommentarfrist \(frist) → \(tilNavn)", fraHendelseId: e.hendelseId))
                    }
                    continue
                }
                guard let art = Self.art(e.posisjon) else { continue }
                perioder.append(Tidsperiode(fra: fra, til: til, trinn: trinn, art: art, posisjon: e.posisjon,
                                            navn: navn, fraHendelseId: e.hendelseId))
            }
        }

        func sum(_ filter: (Tidsperiode) -> Bool) -> [Trinn: Varighet] {
            var out: [Trinn: Varighet] = [:]
            for p in perioder where filter(p) { out[p.trinn, default: .null] = out[p.trinn, default: .null] + p.varighet }
            return out
        }
        let liggetidPerTrinn = sum(\.erLiggetid)
        let arbeidstidPerTrinn = sum(\.erArbeid)

        // Task time: the union of open intervals, clipped.
        var intervals: [(Int64, Int64)] = []
        if let start {
            for o in s.oppgaver {
                let end = o.besvart ?? min(now, Self.norskMidnatt(DayCount.adding(1, to: o.innsendelsesfrist)))
                let a = max(o.gitt.millisekunder, start.millisekunder), b = min(end.millisekunder, slutt.millisekunder)
                if a < b { intervals.append((a, b)) }
            }
        }
        intervals.sort { $0.0 < $1.0 }
        var oppgaveMs: Int64 = 0
        var current: (Int64, Int64)?
        for iv in intervals {
            if let c = current, iv.0 <= c.1 { current = (c.0, max(c.1, iv.1)) } else {
                if let c = current { oppgaveMs += c.1 - c.0 }
                current = iv
            }
        }
        if let c = current { oppgaveMs += c.1 - c.0 }

        let videresendt = s.videresendtTidspunkt
        let sfAvgjort = h.first { if case .avgjort = $0.posisjon { return true } else { return false } }?.tidspunkt
        let sfSlutt = sfAvgjort ?? (s.posisjon == .trukket ? h.last?.tidspunkt : nil) ?? now

        return Ledetid(
            start: start, avgjort: avgjort, slutt: slutt, erAvgjort: avgjort != nil,
            trinn: s.trinn, posisjon: s.posisjon,
            ledetid: start.map { Varighet(fra: $0, til: slutt) } ?? .null,
            perioder: perioder,
            perTrinn: sum { _ in true },
            liggetidPerTrinn: liggetidPerTrinn,
            arbeidstidPerTrinn: arbeidstidPerTrinn,
            liggetidTotalt: liggetidPerTrinn.values.reduce(.null, +),
            arbeidstid: arbeidstidPerTrinn.values.reduce(.null, +),
            venterPaKlager: perioder.filter { $0.art == .venterPaKlager }.map(\.varighet).reduce(.null, +),
            oppgavetid: Varighet(millisekunder: oppgaveMs),
            tilOversendelse: videresendt.flatMap { v in start.map { Varighet(fra: $0, til: v) } },
            hosStatsforvalter: videresendt.map { Varighet(fra: $0, til: sfSlutt) },
            statsforvalterHarAvgjort: sfAvgjort != nil)
    }

    /// What a position's time is spent on (nil for final positions: the clock has stopped).
    static func art(_ p: Posisjon) -> Tidsperiode.Art? {
        switch p {
        case .ny: nil
        case .sendt, .mottattHosNav: .venter(.nav)
        case .underBehandlingHosNav, .nyBehandlingHosNav: .arbeid(.nav)
        case .klageUtfall(let u): u == .medhold ? nil : .arbeid(.nav)  // writing the saksfremlegg
        case .saksfremleggSendt: .venterPaKlager
        case .videresendt, .mottattHosStatsforvalter, .tildeltSaksbehandler: .venter(.statsforvalter)
        case .underBehandlingHosStatsforvalter: .arbeid(.statsforvalter)
        case .avgjort(let u): u == .opphever ? .venter(.nav) : nil
        case .ferdigbehandlet, .trukket: nil
        }
    }

    /// 00:00 in Norway on `date`, as an instant.
    static func norskMidnatt(_ date: CalendarDate) -> Tidspunkt {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.norway
        let d = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
        return Tidspunkt(millisekunder: Int64((d.timeIntervalSince1970 * 1000).rounded()))
    }
}

/// Summary of many cases' durations, as the reference asks for per stage and embete: count, median,
/// 90th percentile and the share within a limit (the Statsforvalter's 90 % within 90 days).
///
///     let sf = Ledetidsstatistikk(cases.compactMap(\.hosStatsforvalter))
///     sf.andelInnenfor    // 0.93
public struct Ledetidsstatistikk: Hashable, Sendable {
    public let antall: Int
    /// Nearest-rank median (nil without cases).
    public let median: Varighet?
    /// Nearest-rank 90th percentile.
    public let p90: Varighet?
    public let grense: Varighet
    /// Share of cases with a duration at most `grense` (0 without cases).
    public let andelInnenfor: Double

    public static let nittiDager = Varighet(millisekunder: 90 * Tidspunkt.millisekunderPerDag)

    public init(_ varigheter: [Varighet], grense: Varighet = Ledetidsstatistikk.nittiDager) {
        let sorted = varigheter.sorted()
        func rank(_ p: Double) -> Varighet? {
            guard !sorted.isEmpty else { return nil }
            let n = Int((p * Double(sorted.count)).rounded(.up))
            return sorted[max(1, min(n, sorted.count)) - 1]
        }
        antall = sorted.count
        median = rank(0.5)
        p90 = rank(0.9)
        self.grense = grense
        andelInnenfor = sorted.isEmpty ? 0 : Double(sorted.filter { $0 <= grense }.count) / Double(sorted.count)
    }
}
