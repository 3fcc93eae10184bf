import XCTest
import JSONSchema
@testable import Domain

final class ProcessTests: XCTestCase {
    func testHappyPathThroughBothStagesToFerdigbehandlet() throws {
        let events = P.tilMottattHosStatsforvalter + [
            P.status("e7", P.days(35), .statsforvalter, .tildeltSaksbehandler),
            P.status("e8", P.days(36), .statsforvalter, .underBehandling),
            P.sfUtfall("e9", P.days(50), .stadfester),
            P.status("e10", P.days(50) + 1, .statsforvalter, .ferdigbehandlet),
        ]
        let s = try XCTUnwrap(P.run(events).value)
        XCTAssertEqual(s.posisjon, .ferdigbehandlet)
        XCTAssertEqual(s.trinn, .avsluttet)
        XCTAssertEqual(s.klageUtfall, .opprettholdt)
        XCTAssertEqual(s.statsforvalterUtfall, .stadfester)
        XCTAssertEqual(s.navEnhet, P.nav)
        XCTAssertEqual(s.embete?.organisasjonsnummer, P.embete)
        XCTAssertEqual(s.oversendelse.status, .mottatt)
        XCTAssertEqual(s.videresendtTidspunkt, P.t(P.days(30)))
        XCTAssertEqual(s.historikk.map(\.posisjon), [
            .mottattHosNav, .underBehandlingHosNav, .klageUtfall(.opprettholdt), .saksfremleggSendt, .videresendt,
            .mottattHosStatsforvalter, .tildeltSaksbehandler, .underBehandlingHosStatsforvalter, .avgjort(.stadfester), .ferdigbehandlet,
        ])
        XCTAssertEqual(s.events.count, events.count)
    }

    func testRefusalNamesCurrentAndRequestedState() throws {
        let closed = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .medhold),
                                          P.status("c", 2, .nav, .ferdigbehandlet)]).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.status("d", 3, .nav, .underBehandling), to: closed).error)
        XCTAssertEqual(r.code, .overgangIkkeTillatt)
        XCTAssertEqual(r.current, "FERDIGBEHANDLET")
        XCTAssertEqual(r.requested, "UNDER_BEHANDLING (NAV)")
        XCTAssertEqual(r.pointer, "/status")
        XCTAssertEqual(r.hendelseId, "d")
        XCTAssertTrue(r.message.hasPrefix("the case is FERDIGBEHANDLET; UNDER_BEHANDLING (NAV) is not allowed from there"), r.message)
    }
}

// MARK: - NAV's stage

final class ProcessNavStageTests: XCTestCase {
    func testMedholdEndsTheCaseAtNav() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .medhold)]).value)
        XCTAssertEqual(s.posisjon, .klageUtfall(.medhold))
        let fremlegg = try XCTUnwrap(CaseProcess.apply(P.saksfremlegg("c", 2), to: s).error)
        XCTAssertEqual(fremlegg.code, .overgangIkkeTillatt)
        XCTAssertTrue(fremlegg.message.contains("MEDHOLD ends the case at NAV"), fremlegg.message)
        let videre = try XCTUnwrap(CaseProcess.apply(P.status("c", 2, .nav, .videresendt), to: s).error)
        XCTAssertTrue(videre.message.contains("MEDHOLD ends the case at NAV"), videre.message)
        let transfer = try XCTUnwrap(CaseProcess.apply(P.oversendelse("x", 2), to: s).error)
        XCTAssertEqual(transfer.code, .utfallStemmerIkke, "the message's OPPRETTHOLDT contradicts NAV's MEDHOLD")
        let closed = try XCTUnwrap(CaseProcess.apply(P.status("d", 3, .nav, .ferdigbehandlet), to: s).value)
        XCTAssertEqual(closed.posisjon, .ferdigbehandlet)
    }

    func testSendtThenKlageUtfallWithoutMottattIsAllowedAsInTheExamples() throws {
        // Schemas/examples/statushendelse/valid/16 (SENDT) then 15 (klageUtfall MEDHOLD), same case.
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .sendt), P.utfall("b", 10, .medhold)]).value)
        XCTAssertEqual(s.posisjon, .klageUtfall(.medhold))
    }

    func testVideresendtAndTheTransferAreAllowedFromTheSamePositions() throws {
        // The transfer message carries NAV's conclusion and the saksfremlegg, so either twin completes
        // NAV's stage; which of the two arrives first must not decide whether they are accepted.
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .opprettholdt)]).value)
        let v = try XCTUnwrap(CaseProcess.apply(P.status("c", 2, .nav, .videresendt), to: s).value)
        XCTAssertEqual(v.posisjon, .videresendt)
        let t = try XCTUnwrap(CaseProcess.apply(P.oversendelse("x", 2), to: s).value)
        XCTAssertEqual(t.posisjon, .videresendt)
        XCTAssertEqual(CaseProcess.apply(P.oversendelse("x", 3), to: v).value?.posisjon, .videresendt)
        // NAV's stage reported after the transfer (earlier timestamps, later arrival) slots in.
        let backfilled = try XCTUnwrap(P.run([P.status("v", 100, .nav, .videresendt), P.oversendelse("x", 101, sendt: 100),
                                              P.status("a", 0, .nav, .mottatt), P.utfall("b", 50, .opprettholdt)]).value)
        XCTAssertEqual(backfilled.historikk.map(\.posisjon), [.mottattHosNav, .klageUtfall(.opprettholdt), .videresendt])
        // After the transfer, NAV's stage cannot move any more.
        XCTAssertEqual(CaseProcess.apply(P.saksfremlegg("late", 200), to: backfilled).error?.code, .overgangIkkeTillatt)
    }

    func testCaseFirstKnownFromTheTransfer() throws {
        let s = try XCTUnwrap(P.run([P.oversendelse("x", 100, sendt: 90, hastesak: Hastesak(erHastesak: true, arsaker: [.nodhjelp]))]).value)
        XCTAssertEqual(s.posisjon, .videresendt)
        XCTAssertEqual(s.historikk.first?.tidspunkt, P.t(90), "the transfer happened at sendtTidspunkt")
        XCTAssertEqual(s.navEnhet, P.nav)
        XCTAssertEqual(s.embete?.organisasjonsnummer, P.embete)
        XCTAssertTrue(s.erHastesak)
        XCTAssertEqual(s.klageUtfall, .opprettholdt)
        XCTAssertEqual(s.oversendelse.status, .mottatt)
        XCTAssertEqual(s.oversendelse.meldingId, "m-1")
    }

    func testSecondKlageUtfallIsRefusedWithAHintToAnnul() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .opprettholdt)]).value)
        XCTAssertEqual(CaseProcess.apply(P.utfall("same", 2, .opprettholdt), to: s).value?.historikk.count, 2, "the same conclusion again is a no-op")
        let r = try XCTUnwrap(CaseProcess.apply(P.utfall("c", 2, .delvisMedhold), to: s).error)
        XCTAssertTrue(r.message.contains("hendelseAnnullert"), r.message)
        XCTAssertEqual(r.pointer, "/klageUtfall")
    }

    func testSaksfremleggAgainSetsANewDeadline() throws {
        var s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .avvist), P.saksfremlegg("c", 2)]).value)
        let later = CalendarDate(year: 2024, month: 5, day: 20)!
        s = try XCTUnwrap(CaseProcess.apply(P.event("d", 3, .nav(P.nav), .saksfremlegg(kommentarfrist: later)), to: s).value)
        XCTAssertEqual(s.posisjon, .saksfremleggSendt)
        XCTAssertEqual(s.kommentarfrist, later)
    }
}

// MARK: - Roles and parties

final class ProcessRoleTests: XCTestCase {
    func testKlageUtfallByStatsforvalterIsRefused() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let e = P.event("z", P.days(32), .statsforvalter(P.embete), .klageUtfall(.delvisMedhold, vedtakId: nil))
        let r = try XCTUnwrap(CaseProcess.apply(e, to: s).error)
        XCTAssertEqual(r.code, .feilRolle)
        XCTAssertEqual(r.pointer, "/aktor/rolle")
    }

    func testStatsforvalterCannotActBeforeTheTransfer() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt)]).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.status("b", 1, .statsforvalter, .mottatt), to: s).error)
        XCTAssertEqual(r.code, .overgangIkkeTillatt)
        XCTAssertTrue(r.message.contains("still at NAV"), r.message)
    }

    func testAnotherNavUnitIsNotAParty() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt)]).value)
        let e = P.event("b", 1, .nav(P.annenNav), .klageStatus(KlageStatusEndring(.underBehandling)))
        let r = try XCTUnwrap(CaseProcess.apply(e, to: s).error)
        XCTAssertEqual(r.code, .feilPart)
        XCTAssertEqual(r.pointer, "/aktor/organisasjonsnummer")
        XCTAssertTrue(r.message.contains(P.nav))
    }

    func testAnotherEmbeteIsNotAParty() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let e = P.event("b", P.days(32), .statsforvalter(P.annetEmbete), .klageStatus(KlageStatusEndring(.tildeltSaksbehandler)))
        XCTAssertEqual(CaseProcess.apply(e, to: s).error?.code, .feilPart)
    }

    func testTransferToAnotherEmbeteThanVideresendtNamedIsRefused() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .videresendt, mottaker: EmbeteReferanse(organisasjonsnummer: P.annetEmbete))]).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.oversendelse("x", 1), to: s).error)
        XCTAssertEqual(r.code, .feilPart)
        XCTAssertEqual(r.pointer, "/embete/organisasjonsnummer")
    }

    func testOtherCaseIsRefused() throws {
        var e = P.status("a", 0, .nav, .mottatt)
        e.klagesakId = "063981b6-2354-58b4-8eea-e0fdee6e9fd8"
        XCTAssertEqual(CaseProcess.apply(e, to: CaseState(klagesakId: P.sak)).error?.code, .feilKlagesak)
    }
}

// MARK: - Idempotency, order, annulment

final class ProcessFoldTests: XCTestCase {
    func testSameEventTwiceHasNoSecondEffect() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let again = try XCTUnwrap(CaseProcess.apply(P.tilMottattHosStatsforvalter[3], to: s).value)
        XCTAssertEqual(again, s)
    }

    func testSameIdWithOtherContentIsAConflict() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt)]).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.status("a", 1, .nav, .underBehandling), to: s).error)
        XCTAssertEqual(r.code, .hendelseIdKonflikt)
        XCTAssertEqual(r.pointer, "/hendelseId")
    }

    func testSameStatusWithNewIdIsANoOp() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.status("b", 1, .nav, .underBehandling)]).value)
        let n = try XCTUnwrap(CaseProcess.apply(P.status("c", 2, .nav, .underBehandling), to: s).value)
        XCTAssertEqual(n.posisjon, .underBehandlingHosNav)
        XCTAssertEqual(n.historikk.count, 2)
        XCTAssertEqual(n.events.count, 3, "the event is still part of the history")
    }

    func testFoldSortsByTimeAndBreaksTiesByProcessOrder() throws {
        // Stored in the wrong order; MOTTATT and UNDER_BEHANDLING share a timestamp.
        let events = [P.utfall("c", 5, .opprettholdt), P.status("b", 0, .nav, .underBehandling), P.status("a", 0, .nav, .mottatt)]
        let s = try XCTUnwrap(CaseProcess.fold(klagesakId: P.sak, events: events).value)
        XCTAssertEqual(s.historikk.map(\.hendelseId), ["a", "b", "c"])
        XCTAssertEqual(s.events.map(\.hendelseId), ["c", "b", "a"], "events stay in arrival order")
    }

    func testLateEventIsSlottedInByTime() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("c", 100, .opprettholdt)]).value)
        // UNDER_BEHANDLING happened between the two, but arrives last.
        let n = try XCTUnwrap(CaseProcess.apply(P.status("b", 50, .nav, .underBehandling), to: s).value)
        XCTAssertEqual(n.historikk.map(\.posisjon), [.mottattHosNav, .underBehandlingHosNav, .klageUtfall(.opprettholdt)])
        XCTAssertEqual(n.posisjon, .klageUtfall(.opprettholdt))
    }

    func testLateEventThatBreaksLaterEventsIsRefused() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.utfall("c", 100, .medhold)]).value)
        // FERDIGBEHANDLET before klageUtfall would close the case before NAV concluded.
        let r = try XCTUnwrap(CaseProcess.apply(P.status("b", 50, .nav, .ferdigbehandlet), to: s).error)
        XCTAssertEqual(r.hendelseId, "b")
        XCTAssertEqual(s.posisjon, .klageUtfall(.medhold))
    }

    func testUnknownTypesAreRecordedAndIgnored() throws {
        let s = try XCTUnwrap(P.run([P.status("a", 0, .nav, .mottatt), P.event("u", 1, .nav(P.nav), .ukjent(type: "nyType")),
                                     P.status("b", 2, .nav, .underBehandling)]).value)
        XCTAssertEqual(s.posisjon, .underBehandlingHosNav)
        XCTAssertEqual(s.events.count, 3)
    }

    func testAnnulmentDerivesTheStateAgain() throws {
        // As Schemas/examples/statushendelse/valid/14: TILDELT_SAKSBEHANDLER registered in error.
        var s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter + [P.status("t1", P.days(35), .statsforvalter, .tildeltSaksbehandler)]).value)
        XCTAssertEqual(s.posisjon, .tildeltSaksbehandler)
        s = try XCTUnwrap(CaseProcess.apply(P.annuller("an", P.days(35) + 10, "t1", .statsforvalter), to: s).value)
        XCTAssertEqual(s.posisjon, .mottattHosStatsforvalter)
        XCTAssertEqual(s.annulleringer, ["t1": "an"])
        XCTAssertFalse(s.gjeldendeEvents.contains { $0.hendelseId == "t1" || $0.hendelseId == "an" })
        XCTAssertTrue(s.inneholder(hendelseId: "t1"), "annulled events are kept")
        s = try XCTUnwrap(CaseProcess.apply(P.status("t2", P.days(35) + 20, .statsforvalter, .tildeltSaksbehandler), to: s).value)
        XCTAssertEqual(s.posisjon, .tildeltSaksbehandler)
        // The stored list folds to the same state.
        XCTAssertEqual(CaseProcess.fold(klagesakId: P.sak, events: s.events).value, s)
    }

    func testAnnulmentRefusals() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        XCTAssertEqual(CaseProcess.apply(P.annuller("z", P.days(32), "nope", .statsforvalter), to: s).error?.code, .annullertHendelseFinnesIkke)
        let other = try XCTUnwrap(CaseProcess.apply(P.annuller("z", P.days(32), "e1", .statsforvalter), to: s).error)
        XCTAssertEqual(other.code, .kanIkkeAnnulleres, "only the actor that registered an event annuls it")
        XCTAssertEqual(other.pointer, "/annullertHendelseId")
        XCTAssertEqual(CaseProcess.apply(P.annuller("z", P.days(32), "x1", .nav), to: s).error?.code, .kanIkkeAnnulleres,
                       "the exchange's records are not annulled by a party")
        // Annulling NAV's MOTTATT would leave UNDER_BEHANDLING without a start: refused.
        let broken = try XCTUnwrap(CaseProcess.apply(P.annuller("z", P.days(32), "e1", .nav), to: s).error)
        XCTAssertEqual(broken.code, .historikkBlirUlovlig)
        XCTAssertTrue(broken.message.contains("e2"), broken.message)
        // Twice.
        let once = try XCTUnwrap(CaseProcess.apply(P.annuller("z1", P.days(32), "e6", .statsforvalter), to: s).value)
        XCTAssertEqual(once.posisjon, .videresendt)
        XCTAssertEqual(CaseProcess.apply(P.annuller("z2", P.days(32) + 1, "e6", .statsforvalter), to: once).error?.code, .alleredeAnnullert)
        XCTAssertEqual(CaseProcess.apply(P.annuller("z3", P.days(32) + 1, "z1", .statsforvalter), to: once).error?.code, .kanIkkeAnnulleres)
    }
}

// MARK: - The Statsforvalter's stage, the decision back, the end

final class ProcessStatsforvalterTests: XCTestCase {
    func testReceiptByKvitteringOrMottattWhicheverFirst() throws {
        let transferred = try XCTUnwrap(P.run(Array(P.tilMottattHosStatsforvalter.prefix(6))).value)
        XCTAssertEqual(transferred.posisjon, .videresendt)
        let kvittering = P.event("k", P.days(31), .statsforvalter(P.embete), .oversendelseKvittert(meldingId: "m-1"))
        var s = try XCTUnwrap(CaseProcess.apply(kvittering, to: transferred).value)
        XCTAssertEqual(s.posisjon, .mottattHosStatsforvalter)
        XCTAssertEqual(s.oversendelse.status, .kvittert)
        // MOTTATT afterwards changes nothing but records the embete's urgency assessment.
        let urgent = Hastesak(erHastesak: true, arsaker: [.barnBerort])
        s = try XCTUnwrap(CaseProcess.apply(P.status("m", P.days(31) + 1, .statsforvalter, .mottatt, hastesak: urgent), to: s).value)
        XCTAssertEqual(s.posisjon, .mottattHosStatsforvalter)
        XCTAssertEqual(s.historikk.count, 6)
        XCTAssertTrue(s.erHastesak)
        // A kvittering for another message is refused.
        let wrong = P.event("k2", P.days(31) + 2, .statsforvalter(P.embete), .oversendelseKvittert(meldingId: "m-2"))
        XCTAssertEqual(CaseProcess.apply(wrong, to: s).error?.code, .meldingStemmerIkke)
    }

    func testVideresendtAndTransferRecordInEitherOrder() throws {
        let nav = [P.status("a", 0, .nav, .mottatt), P.utfall("b", 1, .opprettholdt), P.saksfremlegg("c", 2)]
        let statusFirst = try XCTUnwrap(P.run(nav + [P.status("v", 10, .nav, .videresendt), P.oversendelse("x", 11, sendt: 10)]).value)
        let recordFirst = try XCTUnwrap(P.run(nav + [P.oversendelse("x", 11, sendt: 10), P.status("v", 12, .nav, .videresendt)]).value)
        XCTAssertEqual(statusFirst.posisjon, .videresendt)
        XCTAssertEqual(recordFirst.posisjon, .videresendt)
        XCTAssertEqual(statusFirst.videresendtTidspunkt, P.t(10))
        XCTAssertEqual(recordFirst.videresendtTidspunkt, P.t(10))
        XCTAssertEqual(recordFirst.historikk.count, 4)
        // A second, different transfer is refused.
        let r = try XCTUnwrap(CaseProcess.apply(P.oversendelse("x2", 20, meldingId: "m-2"), to: recordFirst).error)
        XCTAssertEqual(r.code, .meldingStemmerIkke)
    }

    func testTransferMessageArrivingAfterTheEmbeteWentOnIsRecorded() throws {
        // NAV reported VIDERESENDT and sent the case another way; the embete took it in and assigned it.
        let s = try XCTUnwrap(P.run([P.status("v", 0, .nav, .videresendt, mottaker: EmbeteReferanse(organisasjonsnummer: P.embete)),
                                     P.status("m", 10, .statsforvalter, .mottatt), P.status("t", 20, .statsforvalter, .tildeltSaksbehandler)]).value)
        XCTAssertEqual(s.oversendelse.status, .ikkeSendt)
        let n = try XCTUnwrap(CaseProcess.apply(P.oversendelse("x", 30, sendt: 0), to: s).value)
        XCTAssertEqual(n.posisjon, .tildeltSaksbehandler)
        XCTAssertEqual(n.oversendelse.status, .mottatt)
        // A second message is still refused.
        XCTAssertEqual(CaseProcess.apply(P.oversendelse("x2", 40, meldingId: "m-2"), to: n).error?.code, .meldingStemmerIkke)
    }

    func testTildeltAndUnderBehandlingNeedReceiptFirst() throws {
        let s = try XCTUnwrap(P.run(Array(P.tilMottattHosStatsforvalter.prefix(6))).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.status("t", P.days(31), .statsforvalter, .tildeltSaksbehandler), to: s).error)
        XCTAssertTrue(r.message.contains("acknowledge receipt first"), r.message)
        XCTAssertEqual(CaseProcess.apply(P.sfUtfall("u", P.days(31), .stadfester), to: s).error?.code, .overgangIkkeTillatt)
    }

    func testFerdigbehandletNeedsAnOutcome() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let r = try XCTUnwrap(CaseProcess.apply(P.status("f", P.days(40), .statsforvalter, .ferdigbehandlet), to: s).error)
        XCTAssertTrue(r.message.contains("outcome"), r.message)
    }

    func testOpphevelseSendsTheCaseBackToNav() throws {
        var s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter + [P.sfUtfall("u", P.days(40), .opphever)]).value)
        XCTAssertEqual(s.trinn, .nyBehandlingHosNav)
        let sfCloses = try XCTUnwrap(CaseProcess.apply(P.status("f", P.days(40) + 1, .statsforvalter, .ferdigbehandlet), to: s).error)
        XCTAssertTrue(sfCloses.message.contains("NAV closes it"), sfCloses.message)
        s = try XCTUnwrap(P.run([P.status("n1", P.days(45), .nav, .underBehandling), P.status("n2", P.days(50), .nav, .ferdigbehandlet)], from: s).value)
        XCTAssertEqual(s.historikk.suffix(3).map(\.posisjon), [.avgjort(.opphever), .nyBehandlingHosNav, .ferdigbehandlet])
    }

    func testDecisionBackAndItsDeliveryMayFailAfterItWasTakenIn() throws {
        var s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let vedtak = P.event("kv", P.days(40), .statsforvalter(P.embete), .klagevedtakMottatt(meldingId: "v-1", utfall: .nyttVedtak, vedtaksdato: nil))
        s = try XCTUnwrap(CaseProcess.apply(vedtak, to: s).value)
        XCTAssertEqual(s.posisjon, .avgjort(.nyttVedtak))
        XCTAssertEqual(s.statsforvalterUtfall, .nyttVedtak)
        XCTAssertEqual(s.klagevedtak.status, .mottatt)
        // The statushendelse for the same outcome afterwards is a no-op; another outcome is refused.
        s = try XCTUnwrap(CaseProcess.apply(P.sfUtfall("u", P.days(40) + 1, .nyttVedtak), to: s).value)
        XCTAssertEqual(s.historikk.count, 7, "no second move")
        XCTAssertEqual(CaseProcess.apply(P.sfUtfall("u2", P.days(40) + 2, .stadfester), to: s).error?.code, .utfallStemmerIkke)
        s = try XCTUnwrap(CaseProcess.apply(P.status("f", P.days(40) + 3, .statsforvalter, .ferdigbehandlet), to: s).value)
        let ack = P.event("ack", P.days(41), .nav(P.nav), .klagevedtakKvittert(meldingId: "v-1"))
        s = try XCTUnwrap(CaseProcess.apply(ack, to: s).value)
        XCTAssertEqual(s.klagevedtak.status, .kvittert)
        // NAV's archive reports that taking the decision in failed after all: not monotonic.
        let fail = P.event("fail", P.days(42), .nav(P.nav), .leveringFeilet(.klagevedtak, grunn: "arkivet avviste PDF-en"))
        s = try XCTUnwrap(CaseProcess.apply(fail, to: s).value)
        XCTAssertEqual(s.klagevedtak.status, .feilet)
        XCTAssertEqual(s.klagevedtak.feilgrunn, "arkivet avviste PDF-en")
        XCTAssertEqual(s.posisjon, .ferdigbehandlet, "the process position does not move back")
        let ack2 = P.event("ack2", P.days(43), .nav(P.nav), .klagevedtakKvittert(meldingId: "v-1"))
        s = try XCTUnwrap(CaseProcess.apply(ack2, to: s).value)
        XCTAssertEqual(s.klagevedtak.status, .kvittert)
        // Only the receiving side reports a failed take-in.
        let wrongSide = P.event("fail2", P.days(44), .statsforvalter(P.embete), .leveringFeilet(.klagevedtak, grunn: "x"))
        XCTAssertEqual(CaseProcess.apply(wrongSide, to: s).error?.code, .feilRolle)
    }

    func testKlagevedtakAfterClosingWithTheSameOutcome() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter + [P.sfUtfall("u", P.days(40), .avvist),
                                                                     P.status("f", P.days(40) + 1, .statsforvalter, .ferdigbehandlet)]).value)
        let same = P.event("kv", P.days(41), .statsforvalter(P.embete), .klagevedtakMottatt(meldingId: "v-1", utfall: .avvist, vedtaksdato: nil))
        XCTAssertEqual(CaseProcess.apply(same, to: s).value?.klagevedtak.status, .mottatt)
        let other = P.event("kv", P.days(41), .statsforvalter(P.embete), .klagevedtakMottatt(meldingId: "v-1", utfall: .stadfester, vedtaksdato: nil))
        XCTAssertEqual(CaseProcess.apply(other, to: s).error?.code, .utfallStemmerIkke)
    }

    func testTrukketAtAnyStageBeforeTheDecision() throws {
        XCTAssertEqual(P.run([P.status("a", 0, .nav, .mottatt), P.status("t", 1, .nav, .trukket)]).value?.posisjon, .trukket)
        let atSf = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        var trukket = P.status("t", P.days(32), .statsforvalter, .trukket)
        trukket.kind = .klageStatus(KlageStatusEndring(.trukket, trukketAv: .fullmektig))
        let s = try XCTUnwrap(CaseProcess.apply(trukket, to: atSf).value)
        XCTAssertEqual(s.posisjon, .trukket)
        XCTAssertEqual(s.trukketAv, .fullmektig)
        // NAV no longer holds the case once the embete has it.
        XCTAssertEqual(CaseProcess.apply(P.status("t", P.days(32), .nav, .trukket), to: atSf).error?.code, .feilRolle)
        // Nothing after TRUKKET.
        XCTAssertEqual(CaseProcess.apply(P.status("x", P.days(33), .statsforvalter, .underBehandling), to: s).error?.current, "TRUKKET")
        // Not after the Statsforvalter decided.
        let decided = try XCTUnwrap(CaseProcess.apply(P.sfUtfall("u", P.days(40), .stadfester), to: atSf).value)
        XCTAssertEqual(CaseProcess.apply(P.status("t", P.days(41), .statsforvalter, .trukket), to: decided).error?.code, .overgangIkkeTillatt)
    }

    func testTasksAndReplies() throws {
        var s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let frist = CalendarDate(year: 2024, month: 6, day: 5)!
        s = try XCTUnwrap(CaseProcess.apply(P.event("d", P.days(33), .statsforvalter(P.embete), .dokumentasjonEtterspurt(oppgaveId: "o1", innsendelsesfrist: frist)), to: s).value)
        XCTAssertEqual(s.oppgaver.map(\.oppgaveId), ["o1"])
        XCTAssertEqual(s.posisjon, .mottattHosStatsforvalter, "a task does not move the case")
        XCTAssertEqual(CaseProcess.apply(P.event("r0", P.days(34), .statsforvalter(P.embete), .oppgaveBesvart(oppgaveId: "o9", svarId: "s")), to: s).error?.code, .ukjentOppgave)
        s = try XCTUnwrap(CaseProcess.apply(P.event("r1", P.days(34), .statsforvalter(P.embete), .oppgaveBesvart(oppgaveId: "o1", svarId: "s1")), to: s).value)
        XCTAssertEqual(s.oppgaver.first?.besvart, P.t(P.days(34)))
        // NAV cannot give the appellant tasks while the embete holds the case.
        let navTask = P.event("d2", P.days(35), .nav(P.nav), .dokumentasjonEtterspurt(oppgaveId: "o2", innsendelsesfrist: frist))
        XCTAssertEqual(CaseProcess.apply(navTask, to: s).error?.code, .feilRolle)
    }

    func testForelopigSvarRecordsTheExpectedDateWithoutMoving() throws {
        let s = try XCTUnwrap(P.run(P.tilMottattHosStatsforvalter).value)
        let d = CalendarDate(year: 2024, month: 7, day: 15)!
        let e = P.event("f", P.days(40), .statsforvalter(P.embete), .klageStatus(KlageStatusEndring(.forelopigSvar, forventetAvgjortDato: d)))
        let n = try XCTUnwrap(CaseProcess.apply(e, to: s).value)
        XCTAssertEqual(n.posisjon, s.posisjon)
        XCTAssertEqual(n.forventetAvgjortDato, d)
    }

    func testInboxOrderUrgentFirstThenOldest() throws {
        func transferred(_ sak: String, at minutes: Int64, urgent: Bool) -> CaseState {
            var e = P.oversendelse("x", minutes, hastesak: Hastesak(erHastesak: urgent, arsaker: urgent ? [.nodhjelp] : []))
            e.klagesakId = sak
            return CaseProcess.apply(e, to: CaseState(klagesakId: sak)).value!
        }
        let cases = [transferred("a", at: 10, urgent: false), transferred("b", at: 30, urgent: true),
                     transferred("c", at: 5, urgent: false), transferred("d", at: 20, urgent: true)]
        XCTAssertEqual(cases.sorted(by: CaseState.innboksRekkefolge).map(\.klagesakId), ["d", "b", "c", "a"])
    }
}

// MARK: - The schema's examples

final class ProcessExampleTests: XCTestCase {
    private func example(_ name: String) throws -> CaseEvent {
        try CaseEvent(statushendelse: DomainTestPaths.json("statushendelse/valid/\(name).json"))
    }

    func testEveryValidStatushendelseExampleReads() throws {
        let dir = DomainTestPaths.examples.appendingPathComponent("statushendelse/valid")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(files.count, 16)
        for f in files {
            let e = try CaseEvent(statushendelse: DomainTestPaths.json("statushendelse/valid/\(f)"))
            if case .ukjent = e.kind { XCTFail("\(f) read as unknown") }
        }
        let v = try example("04-videresendt")
        XCTAssertEqual(v.kind, .klageStatus(KlageStatusEndring(.videresendt, mottaker: EmbeteReferanse(organisasjonsnummer: "310001376", navn: "Statsforvalteren i Trøndelag"))))
        XCTAssertEqual(v.tidspunkt.description, "2024-05-07T11:03:55.027Z")
        XCTAssertEqual(v.aktor, .nav("310050539", navEnhetsnummer: "5702", navn: "NAV Falkenborg"))
        let h = try example("12-mottatt-hastesak")
        XCTAssertEqual(h.kind, .klageStatus(KlageStatusEndring(.mottatt, hastesak: Hastesak(erHastesak: true, arsaker: [.nodhjelp, .barnBerort]))))
    }

    func testTheExampleCaseFoldsThroughBothStages() throws {
        // Case a7cffae0: every example of that case, shuffled (stored order does not matter).
        let names = ["14-annullert-feilregistrert", "01-mottatt-hos-nav", "10-statsforvalterutfall", "02-klageutfall-delvis-medhold",
                     "03-saksfremlegg-til-kommentar", "04-videresendt", "05-mottatt-hos-statsforvalter", "06-tildelt-saksbehandler",
                     "07-under-behandling-statsforvalter", "08-dokumentasjon-etterspurt", "09-forelopig-svar", "11-ferdigbehandlet"]
        let events = try names.map(example)
        let s = try XCTUnwrap(CaseProcess.fold(klagesakId: "a7cffae0-8cab-5481-8ba4-cd86f3880318", events: events).value)
        XCTAssertEqual(s.posisjon, .ferdigbehandlet)
        XCTAssertEqual(s.klageUtfall, .delvisMedhold)
        XCTAssertEqual(s.statsforvalterUtfall, .nyttVedtak)
        XCTAssertEqual(s.annulleringer["fc7d0892-debd-529e-b413-cc69b5201f6d"], "49d17556-e908-55d1-8556-cc21b38faa6f")
        XCTAssertFalse(s.historikk.contains { $0.posisjon == .tildeltSaksbehandler }, "the annulled TILDELT is gone")
        XCTAssertEqual(s.forventetAvgjortDato, CalendarDate(year: 2024, month: 7, day: 15))
        XCTAssertEqual(s.oppgaver.count, 1)
    }

    func testSendtThenMedholdExampleCase() throws {
        let s = try XCTUnwrap(CaseProcess.fold(klagesakId: "c80bf7bf-04d4-5542-994f-8ea2d6bdb768",
                                               events: [try example("15-klageutfall-medhold"), try example("16-sendt-av-klager")]).value)
        XCTAssertEqual(s.posisjon, .klageUtfall(.medhold))
    }

    func testKlageUtfallFromStatsforvalterExampleIsRefusedByTheMachineToo() throws {
        let e = try CaseEvent(statushendelse: DomainTestPaths.json("statushendelse/invalid/03-klageutfall-fra-statsforvalter.json"))
        XCTAssertEqual(CaseProcess.apply(e, to: CaseState(klagesakId: e.klagesakId)).error?.code, .feilRolle)
    }

    func testUnknownTypeAndStatusReadAsUnknown() throws {
        let e = try CaseEvent(statushendelse: DomainTestPaths.json("statushendelse/invalid/02-ukjent-status.json"))
        XCTAssertEqual(e.kind, .ukjent(type: "klageStatus/FORDELT"))
        var json = try DomainTestPaths.json("statushendelse/valid/01-mottatt-hos-nav.json").objectValue!
        json["type"] = .string("nyHendelsestype")
        XCTAssertEqual(try CaseEvent(statushendelse: .object(json)).kind, .ukjent(type: "nyHendelsestype"))
    }

    func testTransferExampleReadsIntoARecord() throws {
        let json = try DomainTestPaths.json("klagesak-oversendelse/valid/02-delvis-medhold.json")
        let e = try CaseEvent.oversendelseMottatt(json, klagesakId: "a7cffae0-8cab-5481-8ba4-cd86f3880318", hendelseId: "x",
                                                  mottatt: Tidspunkt(iso8601: "2024-05-07T11:03:56.000Z")!)
        guard case .oversendelseMottatt(let o) = e.kind else { return XCTFail() }
        XCTAssertEqual(o.klageUtfall, .delvisMedhold)
        XCTAssertEqual(o.embete.organisasjonsnummer, "310001376")
        XCTAssertEqual(o.klageMottattDato, CalendarDate(year: 2024, month: 4, day: 2))
        XCTAssertEqual(e.aktor.organisasjonsnummer, "310050539")
    }

    func testTidspunktRoundTripsAndRefusesOtherForms() {
        for text in ["2024-05-07T11:04:01.448Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "1969-12-31T23:59:59.999Z"] {
            XCTAssertEqual(Tidspunkt(iso8601: text)?.description, text)
        }
        XCTAssertEqual(Tidspunkt(iso8601: "1970-01-01T00:00:01.000Z")?.millisekunder, 1000)
        for bad in ["2024-05-07T11:04:01Z", "2024-05-07T11:04:01.44Z", "2024-05-07T11:04:01.448+02:00", "2023-02-29T00:00:00.000Z",
                    "2024-05-07T24:00:00.000Z", "2024-05-07T11:60:00.000Z"] {
            XCTAssertNil(Tidspunkt(iso8601: bad), bad)
        }
        // 22:30 UTC on 1 May is 00:30 on 2 May in Norway (summer time).
        XCTAssertEqual(Tidspunkt(iso8601: "2024-05-01T22:30:00.000Z")?.norskDato, CalendarDate(year: 2024, month: 5, day: 2))
        XCTAssertEqual(DayCount.isoWeekday(CalendarDate(year: 2024, month: 5, day: 17)!), 5)
        XCTAssertEqual(DayCount.adding(21, to: CalendarDate(year: 2024, month: 2, day: 20)!), CalendarDate(year: 2024, month: 3, day: 12))
    }
}

final class ProcessReplayTests: XCTestCase {
    func testReplaySkipsWhatTheRulesRefuseAndReportsIt() {
        let events = [P.status("a", 0, .nav, .mottatt), P.status("bad", 1, .nav, .ferdigbehandlet), P.status("b", 2, .nav, .underBehandling),
                      P.annuller("z", 3, "nope", .nav), P.utfall("c", 4, .opprettholdt)]
        XCTAssertEqual(CaseProcess.fold(klagesakId: P.sak, events: events).error?.hendelseId, "z", "annulments are checked first")
        let (state, skipped) = CaseProcess.replay(klagesakId: P.sak, events: events)
        XCTAssertEqual(state.posisjon, .klageUtfall(.opprettholdt))
        XCTAssertEqual(state.historikk.map(\.hendelseId), ["a", "b", "c"])
        XCTAssertEqual(skipped.map(\.hendelseId).sorted(), ["bad", "z"])
        XCTAssertEqual(state.navEnhet, P.nav)
    }
}

final class ProcessOrderIndependenceTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testFoldDoesNotDependOnStoredOrderAndApplyConvergesToIt() throws {
        let events = P.tilMottattHosStatsforvalter + [
            P.status("e7", P.days(35), .statsforvalter, .tildeltSaksbehandler),
            P.annuller("a7", P.days(35) + 5, "e7", .statsforvalter),
            P.status("e7b", P.days(35) + 10, .statsforvalter, .tildeltSaksbehandler),
            P.event("d", P.days(36), .statsforvalter(P.embete), .dokumentasjonEtterspurt(oppgaveId: "o1", innsendelsesfrist: CalendarDate(year: 2024, month: 6, day: 1)!)),
            P.status("e8", P.days(36), .statsforvalter, .underBehandling),
            P.sfUtfall("e9", P.days(50), .stadfester),
            P.event("kv", P.days(50) + 1, .statsforvalter(P.embete), .klagevedtakMottatt(meldingId: "v", utfall: .stadfester, vedtaksdato: nil)),
            P.status("e10", P.days(50) + 2, .statsforvalter, .ferdigbehandlet),
        ]
        let reference = try XCTUnwrap(CaseProcess.fold(klagesakId: P.sak, events: events).value)
        XCTAssertEqual(reference.posisjon, .ferdigbehandlet)
        var rng = SplitMix(state: 42)
        for _ in 0..<200 {
            let shuffled = events.shuffled(using: &rng)
            let folded = try XCTUnwrap(CaseProcess.fold(klagesakId: P.sak, events: shuffled).value)
            XCTAssertEqual(folded.historikk, reference.historikk)
            XCTAssertEqual(folded.annulleringer, reference.annulleringer)
            XCTAssertEqual(folded.oppgaver, reference.oppgaver)
            // Applying in arrival order, retrying what was refused (as a sender retries), ends in the same place.
            var state = CaseState(klagesakId: P.sak)
            var pending = shuffled
            var rounds = 0
            while !pending.isEmpty, rounds < events.count + 1 {
                rounds += 1
                pending = pending.filter { e in
                    guard let next = CaseProcess.apply(e, to: state).value else { return true }
                    state = next
                    return false
                }
            }
            XCTAssertTrue(pending.isEmpty, "never accepted: \(pending.map(\.hendelseId))")
            XCTAssertEqual(state.historikk, reference.historikk)
            XCTAssertEqual(state.posisjon, .ferdigbehandlet)
        }
    }
}
