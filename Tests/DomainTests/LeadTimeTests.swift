import XCTest
@testable import Domain

final class LeadTimeTests: XCTestCase {
    let day: Int64 = 86_400_000
    let minute: Int64 = 60_000

    private var fullCase: [CaseEvent] {
        P.tilMottattHosStatsforvalter + [
            P.status("e7", P.days(35), .statsforvalter, .tildeltSaksbehandler),
            P.status("e8", P.days(36), .statsforvalter, .underBehandling),
            P.sfUtfall("e9", P.days(50), .stadfester),
            P.status("e10", P.days(50) + 1, .statsforvalter, .ferdigbehandlet),
        ]
    }

    func testDecidedCaseEndToEnd() throws {
        let l = try Ledetid.beregn(klagesakId: P.sak, events: fullCase, now: P.t(P.days(200))).get()
        XCTAssertEqual(l.start, P.t(0))
        XCTAssertEqual(l.avgjort, P.t(P.days(50)), "the clock stops at the decision, not at FERDIGBEHANDLET or now")
        XCTAssertTrue(l.erAvgjort)
        XCTAssertEqual(l.ledetid.millisekunder, 50 * day)
        XCTAssertEqual(l.ledetid.heleDager, 50)
        XCTAssertEqual(l.trinn, .avsluttet)
        XCTAssertEqual(l.perTrinn[.nav]?.millisekunder, 30 * day)
        XCTAssertEqual(l.perTrinn[.statsforvalter]?.millisekunder, 20 * day)
        XCTAssertEqual(l.perioder.map(\.varighet.millisekunder).reduce(0, +), l.ledetid.millisekunder, "periods cover the lead time")

        XCTAssertEqual(l.liggetid.map(\.navn), [
            "MOTTATT (NAV) → UNDER_BEHANDLING (NAV)",
            "VIDERESENDT → MOTTATT (STATSFORVALTER)",
            "MOTTATT (STATSFORVALTER) → TILDELT_SAKSBEHANDLER",
            "TILDELT_SAKSBEHANDLER → UNDER_BEHANDLING (STATSFORVALTER)",
        ])
        XCTAssertEqual(l.liggetid.map(\.varighet.millisekunder), [60 * minute, day, 4 * day, day])
        XCTAssertEqual(l.liggetidPerTrinn[.nav]?.millisekunder, 60 * minute)
        XCTAssertEqual(l.liggetidPerTrinn[.statsforvalter]?.millisekunder, 6 * day)
        XCTAssertEqual(l.arbeidstidPerTrinn[.nav]?.millisekunder, 11 * day - 60 * minute)
        XCTAssertEqual(l.arbeidstidPerTrinn[.statsforvalter]?.millisekunder, 14 * day)
        XCTAssertEqual(l.arbeidstid.millisekunder, 25 * day - 60 * minute)
        XCTAssertEqual(l.venterPaKlager.millisekunder, 19 * day, "saksfremlegg → transfer, within the comment deadline")
        XCTAssertEqual(l.liggetidTotalt.millisekunder, 60 * minute + 6 * day)
    }

    func testOpenCaseRunsToNow() throws {
        let open = Array(fullCase.prefix(9))
        let l = try Ledetid.beregn(klagesakId: P.sak, events: open, now: P.t(P.days(40))).get()
        XCTAssertFalse(l.erAvgjort)
        XCTAssertNil(l.avgjort)
        XCTAssertEqual(l.slutt, P.t(P.days(40)))
        XCTAssertEqual(l.ledetid.millisekunder, 40 * day)
        XCTAssertEqual(l.trinn, .statsforvalter)
        XCTAssertEqual(l.posisjon, .underBehandlingHosStatsforvalter)
        XCTAssertEqual(l.perioder.last?.navn, "UNDER_BEHANDLING (STATSFORVALTER) → now")
        XCTAssertEqual(l.perioder.last?.varighet.millisekunder, 4 * day)
        // Waiting for assignment right now counts as liggetid up to now.
        let queued = try Ledetid.beregn(klagesakId: P.sak, events: Array(fullCase.prefix(7)), now: P.t(P.days(33))).get()
        XCTAssertEqual(queued.liggetid.last?.navn, "MOTTATT (STATSFORVALTER) → now")
        XCTAssertEqual(queued.liggetid.last?.varighet.millisekunder, 2 * day)
    }

    func testAfterTheCommentDeadlineNavIsWaitedFor() throws {
        // Deadline 2024-05-06 ends at 2024-05-07 00:00 in Norway = 2024-05-06T22:00Z; transfer at day 40.
        let events = [P.status("a", 0, .nav, .mottatt), P.utfall("b", P.days(10), .opprettholdt), P.saksfremlegg("c", P.days(11)),
                      P.oversendelse("x", P.days(40))]
        let l = try Ledetid.beregn(klagesakId: P.sak, events: events, now: P.t(P.days(41))).get()
        let fristSlutt = Tidspunkt(iso8601: "2024-05-06T22:00:00.000Z")!
        XCTAssertEqual(l.venterPaKlager, Varighet(fra: P.t(P.days(11)), til: fristSlutt))
        let navWait = try XCTUnwrap(l.liggetid.last { $0.trinn == .nav })
        XCTAssertEqual(navWait.navn, "kommentarfrist 2024-05-06 → VIDERESENDT")
        XCTAssertEqual(navWait.varighet, Varighet(fra: fristSlutt, til: P.t(P.days(40))))
    }

    func testCaseKnownOnlyFromTheTransferStartsAtTheAppealDate() throws {
        let l = try Ledetid.beregn(klagesakId: P.sak, events: [P.oversendelse("x", P.days(30))], now: P.t(P.days(31))).get()
        // klage.mottattDato 2024-04-02 at 00:00 in Norway (summer time) = 2024-04-01T22:00Z.
        XCTAssertEqual(l.start, Tidspunkt(iso8601: "2024-04-01T22:00:00.000Z"))
        XCTAssertEqual(l.perioder.first?.art, .ikkeRapportert)
        XCTAssertEqual(l.perioder.first?.til, P.t(P.days(30)))
        XCTAssertEqual(l.perTrinn[.statsforvalter]?.millisekunder, day)
    }

    func testOpphevelseAddsTheNewTreatmentAtNav() throws {
        let events = P.tilMottattHosStatsforvalter + [P.sfUtfall("u", P.days(50), .opphever),
                                                      P.status("n1", P.days(55), .nav, .underBehandling),
                                                      P.status("n2", P.days(60), .nav, .ferdigbehandlet)]
        let l = try Ledetid.beregn(klagesakId: P.sak, events: events, now: P.t(P.days(90))).get()
        XCTAssertEqual(l.avgjort, P.t(P.days(60)), "NAV's new decision ends it")
        XCTAssertEqual(l.perTrinn[.nyBehandlingHosNav]?.millisekunder, 10 * day)
        XCTAssertEqual(l.liggetidPerTrinn[.nyBehandlingHosNav]?.millisekunder, 5 * day)
        XCTAssertEqual(l.arbeidstidPerTrinn[.nyBehandlingHosNav]?.millisekunder, 5 * day)
    }

    func testMedholdAndWithdrawalStopTheClock() throws {
        let medhold = try Ledetid.beregn(klagesakId: P.sak, events: [P.status("a", 0, .nav, .sendt), P.utfall("b", P.days(4), .medhold),
                                                                     P.status("c", P.days(9), .nav, .ferdigbehandlet)], now: P.t(P.days(20))).get()
        XCTAssertEqual(medhold.ledetid.millisekunder, 4 * day)
        XCTAssertEqual(medhold.liggetid.map(\.navn), ["SENDT → klageUtfall MEDHOLD"])
        let trukket = try Ledetid.beregn(klagesakId: P.sak, events: P.tilMottattHosStatsforvalter + [P.status("t", P.days(33), .statsforvalter, .trukket)],
                                         now: P.t(P.days(90))).get()
        XCTAssertEqual(trukket.ledetid.millisekunder, 33 * day)
        XCTAssertEqual(trukket.trinn, .avsluttet)
    }

    func testTaskTimeIsTheUnionOfOpenTasks() throws {
        let frist = CalendarDate(year: 2024, month: 6, day: 30)!
        let events = Array(fullCase.prefix(9)) + [
            P.event("d1", P.days(37), .statsforvalter(P.embete), .dokumentasjonEtterspurt(oppgaveId: "o1", innsendelsesfrist: frist)),
            P.event("d2", P.days(38), .statsforvalter(P.embete), .dokumentasjonEtterspurt(oppgaveId: "o2", innsendelsesfrist: frist)),
            P.event("r1", P.days(39), .statsforvalter(P.embete), .oppgaveBesvart(oppgaveId: "o1", svarId: "s1")),
            P.event("r2", P.days(41), .statsforvalter(P.embete), .oppgaveBesvart(oppgaveId: "o2", svarId: "s2")),
        ]
        let l = try Ledetid.beregn(klagesakId: P.sak, events: events, now: P.t(P.days(45))).get()
        XCTAssertEqual(l.oppgavetid.millisekunder, 4 * day)
    }

    func testAnnulledEventsDoNotCount() throws {
        let events = P.tilMottattHosStatsforvalter + [P.status("t1", P.days(33), .statsforvalter, .tildeltSaksbehandler),
                                                      P.annuller("an", P.days(34), "t1", .statsforvalter)]
        let l = try Ledetid.beregn(klagesakId: P.sak, events: events, now: P.t(P.days(40))).get()
        XCTAssertEqual(l.posisjon, .mottattHosStatsforvalter)
        XCTAssertEqual(l.liggetid.last?.navn, "MOTTATT (STATSFORVALTER) → now")
        XCTAssertEqual(l.liggetid.last?.varighet.millisekunder, 9 * day)
    }

    func testNoEventsGivesZero() {
        let l = Ledetid.beregn(CaseState(klagesakId: P.sak), now: P.t(0))
        XCTAssertNil(l.start)
        XCTAssertEqual(l.ledetid, .null)
        XCTAssertTrue(l.perioder.isEmpty)
    }
}

final class LeadTimeStageAndStatisticsTests: XCTestCase {
    let day: Int64 = 86_400_000

    func testNavPartAndStatsforvalterPart() throws {
        let decided = P.tilMottattHosStatsforvalter + [P.sfUtfall("u", P.days(50), .opphever),
                                                       P.status("n", P.days(60), .nav, .underBehandling)]
        let l = try Ledetid.beregn(klagesakId: P.sak, events: decided, now: P.t(P.days(70))).get()
        XCTAssertEqual(l.tilOversendelse?.millisekunder, 30 * day)
        XCTAssertEqual(l.hosStatsforvalter?.millisekunder, 20 * day, "OPPHEVER ends the Statsforvalter's part")
        XCTAssertTrue(l.statsforvalterHarAvgjort)
        XCTAssertFalse(l.erAvgjort, "the case goes on at NAV")
        let open = try Ledetid.beregn(klagesakId: P.sak, events: P.tilMottattHosStatsforvalter, now: P.t(P.days(45))).get()
        XCTAssertEqual(open.hosStatsforvalter?.millisekunder, 15 * day)
        XCTAssertFalse(open.statsforvalterHarAvgjort)
        let atNav = try Ledetid.beregn(klagesakId: P.sak, events: [P.status("a", 0, .nav, .mottatt)], now: P.t(P.days(5))).get()
        XCTAssertNil(atNav.tilOversendelse)
        XCTAssertNil(atNav.hosStatsforvalter)
    }

    func testStatistics() {
        let days = [10, 95, 30, 60, 120, 45, 80, 20, 88, 91].map { Varighet(millisekunder: Int64($0) * day) }
        let s = Ledetidsstatistikk(days)
        XCTAssertEqual(s.antall, 10)
        XCTAssertEqual(s.median?.heleDager, 60)   // sorted: 10 20 30 45 60 80 88 91 95 120; nearest rank 5
        XCTAssertEqual(s.p90?.heleDager, 95)      // rank 9
        XCTAssertEqual(s.andelInnenfor, 0.7, accuracy: 1e-9)
        XCTAssertEqual(Ledetidsstatistikk([]).median, nil)
        XCTAssertEqual(Ledetidsstatistikk([]).andelInnenfor, 0)
    }
}
