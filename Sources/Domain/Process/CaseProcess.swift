/// The status machine of a klagesak: which event may follow which, by whom, and how a list of
/// events folds into a `CaseState`. Pure functions; time comes in with the events.
///
///     var state = CaseState(klagesakId: sak)
///     switch CaseProcess.apply(event, to: state) {
///     case .success(let next): state = next            // store event, answer 201 (or 200 for a duplicate)
///     case .failure(let refusal): problem(409, refusal) // refusal.message, refusal.pointer
///     }
///
/// See `CaseProcess+Rules.swift` for the transition table.
public enum CaseProcess {
    /// Applies one event to a case.
    ///
    /// - The same `hendelseId` again with the same content is the same event: the state comes back
    ///   unchanged (check `state.inneholder(hendelseId:)` first to tell a duplicate from a new event).
    ///   The same id with other content is refused (`hendelseIdKonflikt`).
    /// - An event later than every event so far is checked against the current position.
    /// - An earlier event (arriving late) or an annulment derives the state again from all remaining
    ///   events in time order; it is refused if that makes any event illegal.
    public static func apply(_ event: CaseEvent, to state: CaseState) -> Result<CaseState, TransitionRefusal> {
        if event.klagesakId != state.klagesakId {
            return .failure(TransitionRefusal(
                code: .feilKlagesak, hendelseId: event.hendelseId, pointer: "/klagesakId",
                current: state.posisjon.navn, requested: event.kind.navn,
                message: "the event is for case \(event.klagesakId), not \(state.klagesakId)"))
        }
        if let existing = state.events.first(where: { $0.hendelseId == event.hendelseId }) {
            if existing == event { return .success(state) }
            return .failure(TransitionRefusal(
                code: .hendelseIdKonflikt, hendelseId: event.hendelseId, pointer: "/hendelseId",
                current: state.posisjon.navn, requested: event.kind.navn,
                message: "hendelseId \(event.hendelseId) is already used for another event (\(existing.kind.navn) at \(existing.tidspunkt)); a re-sent event must be identical"))
        }

        if case .hendelseAnnullert(let target, _, _) = event.kind {
            if let refusal = checkAnnulment(event, target: target, events: state.events, annulled: state.annulleringer, current: state.posisjon) {
                return .failure(refusal)
            }
            return refold(state, adding: event, requested: event.kind.navn)
        }

        let key = FoldKey(event, arrival: state.events.count)
        if let last = state.sisteNokkel, key.sortsBefore(last) {
            return refold(state, adding: event, requested: event.kind.navn)
        }
        var next = state
        if let refusal = step(&next, event) { return .failure(refusal) }
        next.events.append(event)
        next.sisteNokkel = key
        return .success(next)
    }

    /// Derives a case's state from its events (any order; as stored), as NAV's fold does: sorted by
    /// time, ties broken by process order (MOTTATT before UNDER_BEHANDLING …) and then by arrival,
    /// annulled events and annulments left out, unknown types ignored. Fails with the first refusal.
    public static func fold(klagesakId: String, events: [CaseEvent]) -> Result<CaseState, TransitionRefusal> {
        var skipped: [TransitionRefusal] = []
        return fold(klagesakId: klagesakId, events: events, lenient: false, into: &skipped)
    }

    /// As `fold`, but an event that is refused is left out of the derived state (it stays in
    /// `events`, as stored) and reported instead of stopping the fold:
    /// for reading a stored history whatever happens (a history written under older rules, or data
    /// repaired by hand), never for deciding whether to accept a new event.
    ///
    ///     let (state, skipped) = CaseProcess.replay(klagesakId: sak, events: stored)
    ///     for r in skipped { log.warning("\(r)") }
    public static func replay(klagesakId: String, events: [CaseEvent]) -> (state: CaseState, skipped: [TransitionRefusal]) {
        var skipped: [TransitionRefusal] = []
        // Never fails when skipping.
        let state = (try? fold(klagesakId: klagesakId, events: events, lenient: true, into: &skipped).get()) ?? CaseState(klagesakId: klagesakId)
        return (state, skipped)
    }

    private static func fold(klagesakId: String, events: [CaseEvent], lenient: Bool, into skipped: inout [TransitionRefusal]) -> Result<CaseState, TransitionRefusal> {
        var state = CaseState(klagesakId: klagesakId)
        // Ids first: a duplicate is dropped, a conflicting duplicate refused.
        var seen: [String: CaseEvent] = [:]
        var unique: [CaseEvent] = []
        for e in events {
            if e.klagesakId != klagesakId {
                let refusal = TransitionRefusal(
                    code: .feilKlagesak, hendelseId: e.hendelseId, pointer: "/klagesakId",
                    current: Posisjon.ny.navn, requested: e.kind.navn,
                    message: "the event is for case \(e.klagesakId), not \(klagesakId)")
                if lenient { skipped.append(refusal); continue }
                return .failure(refusal)
            }
            if let earlier = seen[e.hendelseId] {
                if earlier == e { continue }
                let refusal = TransitionRefusal(
                    code: .hendelseIdKonflikt, hendelseId: e.hendelseId, pointer: "/hendelseId",
                    current: Posisjon.ny.navn, requested: e.kind.navn,
                    message: "hendelseId \(e.hendelseId) is used for two different events")
                if lenient { skipped.append(refusal); continue }
                return .failure(refusal)
            }
            seen[e.hendelseId] = e
            unique.append(e)
        }
        // Annulments, in time order.
        var annulled: [String: String] = [:]
        for a in foldOrder(unique) {
            guard case .hendelseAnnullert(let target, _, _) = a.kind else { continue }
            if let refusal = checkAnnulment(a, target: target, events: unique, annulled: annulled, current: .ny) {
                if lenient { skipped.append(refusal); continue }
                return .failure(refusal)
            }
            annulled[target] = a.hendelseId
        }
        state.annulleringer = annulled
        // The rest, in time order.
        let indexed = unique.enumerated().filter { _, e in
            if case .hendelseAnnullert = e.kind { return false }
            return annulled[e.hendelseId] == nil
        }
        let ordered = indexed.map { FoldKey($0.element, arrival: $0.offset) }.sorted { $0.sortsBefore($1) }
        for key in ordered {
            let e = unique[key.arrival]
            if lenient {
                // A refused step may have half-changed the state; step a copy.
                var next = state
                if let refusal = step(&next, e) { skipped.append(refusal); continue }
                state = next
            } else if let refusal = step(&state, e) {
                return .failure(refusal)
            }
            state.sisteNokkel = key
        }
        state.events = unique
        return .success(state)
    }

    /// Events in fold order: time, then process order, then the given order.
    public static func foldOrder(_ events: [CaseEvent]) -> [CaseEvent] {
        events.enumerated().map { FoldKey($0.element, arrival: $0.offset) }
            .sorted { $0.sortsBefore($1) }
            .map { events[$0.arrival] }
    }

    // MARK: - Internals

    private static func refold(_ state: CaseState, adding event: CaseEvent, requested: String) -> Result<CaseState, TransitionRefusal> {
        switch fold(klagesakId: state.klagesakId, events: state.events + [event]) {
        case .success(let next):
            return .success(next)
        case .failure(let inner) where inner.hendelseId == event.hendelseId:
            return .failure(inner)
        case .failure(let inner):
            let what: String
            if case .hendelseAnnullert(let target, _, _) = event.kind {
                what = "annulling event \(target)"
            } else {
                what = "adding this event at \(event.tidspunkt), before later events,"
            }
            return .failure(TransitionRefusal(
                code: .historikkBlirUlovlig, hendelseId: event.hendelseId,
                pointer: { if case .hendelseAnnullert = event.kind { return "/annullertHendelseId" } else { return "/hendelsestidspunkt" } }(),
                current: state.posisjon.navn, requested: requested,
                message: "\(what) would make event \(inner.hendelseId) illegal: \(inner.message)"))
        }
    }

    private static func checkAnnulment(_ a: CaseEvent, target: String, events: [CaseEvent], annulled: [String: String], current: Posisjon) -> TransitionRefusal? {
        func refuse(_ code: TransitionRefusal.Code, _ message: String) -> TransitionRefusal {
            TransitionRefusal(code: code, hendelseId: a.hendelseId, pointer: "/annullertHendelseId",
                              current: current.navn, requested: a.kind.navn, message: message)
        }
        guard let t = events.first(where: { $0.hendelseId == target }) else {
            return refuse(.annullertHendelseFinnesIkke, "event \(target) is not an event of this case")
        }
        if case .hendelseAnnullert = t.kind {
            return refuse(.kanIkkeAnnulleres, "event \(target) is itself an annulment; an annulment cannot be annulled (post the event again instead)")
        }
        if t.kind.erUtvekslingshendelse {
            return refuse(.kanIkkeAnnulleres, "event \(target) (\(t.kind.navn)) was recorded by the exchange, not posted by a party, and cannot be annulled")
        }
        if t.aktor.organisasjonsnummer != a.aktor.organisasjonsnummer || t.aktor.rolle != a.aktor.rolle {
            return refuse(.kanIkkeAnnulleres, "event \(target) was registered by \(t.aktor.rolle.rawValue) \(t.aktor.organisasjonsnummer); only the actor that registered an event can annul it")
        }
        if let by = annulled[target] {
            return refuse(.alleredeAnnullert, "event \(target) is already annulled by event \(by)")
        }
        return nil
    }
}

/// Sort key of the fold: time, then process order (the tie-break, as NAV's fold puts MOTTATT before
/// UNDER_BEHANDLING), then arrival.
struct FoldKey: Hashable, Sendable {
    let millisekunder: Int64
    let rank: Int
    let arrival: Int

    init(_ e: CaseEvent, arrival: Int) {
        millisekunder = e.tidspunkt.millisekunder
        rank = CaseProcess.tieBreakRank(e)
        self.arrival = arrival
    }

    func sortsBefore(_ o: FoldKey) -> Bool {
        (millisekunder, rank, arrival) < (o.millisekunder, o.rank, o.arrival)
    }
}

extension CaseProcess {
    /// Process order for events with the same timestamp.
    static func tieBreakRank(_ e: CaseEvent) -> Int {
        let nav = e.aktor.rolle == .nav
        switch e.kind {
        case .klageStatus(let c):
            switch c.status {
            case .sendt: return 10
            case .mottatt: return nav ? 20 : 80
            case .underBehandling: return nav ? 30 : 100
            case .videresendt: return 60
            case .tildeltSaksbehandler: return 90
            case .forelopigSvar: return 110
            case .ferdigbehandlet: return 160
            case .trukket: return 170
            }
        case .klageUtfall: return 40
        case .saksfremlegg: return 50
        case .oversendelseMottatt: return 70
        case .oversendelseKvittert: return 85
        case .dokumentasjonEtterspurt: return 105
        case .oppgaveBesvart: return 108
        case .statsforvalterUtfall: return 120
        case .klagevedtakMottatt: return 130
        case .klagevedtakKvittert: return 140
        case .leveringFeilet: return 150
        case .hendelseAnnullert: return 180
        case .ukjent: return 190
        }
    }
}
