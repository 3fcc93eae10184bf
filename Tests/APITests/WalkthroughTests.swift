import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// The whole exchange, in process: transfer, documents, receipt in two steps, inbox, case,
/// handler, events, decision back, acknowledgement, status view and audit.
final class WalkthroughTests: XCTestCase {
    typealias H = APITestHarness

    func testTransferToDecisionAndBack() async throws {
        let h = try APITestHarness()
        let nav = (Role.nav, H.navBergenhus), sf = (Role.statsforvalter, H.vestland)

        // NAV submits: 201 with the mottatt receipt and the documents still missing.
        let (message, files) = try H.transfer()
        let first = try await h.json(.post, "/api/v1/klagesaker", as: nav, message)
        XCTAssertEqual(first.status, 201, first.text)
        XCTAssertEqual(first.string("kvitteringstype"), "mottatt")
        XCTAssertEqual(first.string("status"), "VIDERESENDT")
        XCTAssertEqual(first["komplett"], .bool(false))
        XCTAssertEqual(first["manglendeDokumenter"]?.arrayValue?.count, 3)
        let id = try XCTUnwrap(first.string("klagesakId"))
        XCTAssertEqual(first.headers["Location"], "/api/v1/klagesaker/\(id)")
        XCTAssertEqual(first.string("innholdSha256"), SHA2.sha256Hex(Array(JSONWriter.string(message).utf8)))

        // The identical retry: 200, the same receipt (same id, same time).
        let retry = try await h.json(.post, "/api/v1/klagesaker", as: nav, message)
        XCTAssertEqual(retry.status, 200)
        XCTAssertEqual(retry.string("klagesakId"), id)
        XCTAssertEqual(retry.string("mottattTidspunkt"), first.string("mottattTidspunkt"))

        // Documents: each upload is checked and counted; the last one completes the case.
        var last: H.Response?
        for (dokumentId, bytes) in files {
            last = try await h.call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(dokumentId)", as: nav, body: bytes, contentType: "application/pdf")
            XCTAssertEqual(last?.status, 201, last?.text ?? "")
        }
        XCTAssertEqual(last?["komplett"], .bool(true))
        // The same bytes again: 200, nothing new.
        let (againId, againBytes) = files.first!
        let again = try await h.call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(againId)", as: nav, body: againBytes, contentType: "application/pdf")
        XCTAssertEqual(again.status, 200)

        // The embete's inbox has it; the receipt is still `mottatt`.
        let inbox = try await h.call(.get, "/api/v1/innboks", as: sf)
        XCTAssertEqual(inbox.status, 200)
        XCTAssertEqual(inbox["klagesaker"]?.arrayValue?.first?["klagesakId"]?.stringValue, id)
        let before = try await h.call(.get, "/api/v1/klagesaker/\(id)/kvittering", as: nav)
        XCTAssertEqual(before.string("kvitteringstype"), "mottatt")

        // The embete takes it in: the kvittering, once.
        let mottak = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: sf)
        XCTAssertEqual(mottak.status, 201, mottak.text)
        XCTAssertEqual(mottak.string("kvitteringstype"), "kvittering")
        let mottakAgain = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: sf)
        XCTAssertEqual(mottakAgain.status, 200)
        XCTAssertEqual(mottakAgain.string("kvittertTidspunkt"), mottak.string("kvittertTidspunkt"))
        let after = try await h.call(.get, "/api/v1/klagesaker/\(id)/kvittering", as: nav)
        XCTAssertEqual(after.string("kvitteringstype"), "kvittering")

        // Fetch the case and a document (both audited).
        let sak = try await h.call(.get, "/api/v1/klagesaker/\(id)", as: sf)
        XCTAssertEqual(sak.status, 200)
        XCTAssertEqual(sak["oversendelse"]?["meldingId"], message["meldingId"])
        XCTAssertEqual(sak["dokumenter"]?.arrayValue?.count, 3)
        let download = try await h.call(.get, "/api/v1/klagesaker/\(id)/dokumenter/\(againId)", as: sf)
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.body, againBytes)
        XCTAssertEqual(download.headers["Content-Type"], "application/pdf")

        // Handler, then the embete's own status event.
        let assigned = try await h.json(.put, "/api/v1/klagesaker/\(id)/saksbehandler", as: sf, .object(JSONObject([("navn", .string("Ola Saksbehandler"))])))
        XCTAssertEqual(assigned.status, 200, assigned.text)
        XCTAssertEqual(assigned.string("status"), "TILDELT_SAKSBEHANDLER")
        let underBehandling = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, status: "UNDER_BEHANDLING")
        let posted = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: sf, underBehandling)
        XCTAssertEqual(posted.status, 201, posted.text)
        let repost = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: sf, underBehandling)
        XCTAssertEqual(repost.status, 200, "the same event again is the same event")

        // The decision goes back; its document is uploaded by the embete.
        let (vedtak, vedtakDocId, vedtakBytes) = try H.decision(klagesakId: id)
        let sent = try await h.json(.post, "/api/v1/klagesaker/\(id)/vedtak", as: sf, vedtak)
        XCTAssertEqual(sent.status, 201, sent.text)
        XCTAssertEqual(sent.string("mottaker"), H.navBergenhus)
        XCTAssertEqual(sent["komplett"], .bool(false))
        let sentAgain = try await h.json(.post, "/api/v1/klagesaker/\(id)/vedtak", as: sf, vedtak)
        XCTAssertEqual(sentAgain.status, 200)
        let vedtakUpload = try await h.call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(vedtakDocId)", as: sf, body: vedtakBytes, contentType: "application/pdf")
        XCTAssertEqual(vedtakUpload.status, 201, vedtakUpload.text)

        // NAV lists what came back, downloads the decision document, acknowledges.
        let feedback = try await h.call(.get, "/api/v1/tilbakemeldinger", as: nav)
        XCTAssertEqual(feedback.status, 200)
        let item = try XCTUnwrap(feedback["tilbakemeldinger"]?.arrayValue?.first)
        XCTAssertEqual(item["klagesakId"]?.stringValue, id)
        XCTAssertEqual(item["melding"]?["statsforvalterUtfall"]?.stringValue, "STADFESTER")
        let vedtakDownload = try await h.call(.get, "/api/v1/klagesaker/\(id)/dokumenter/\(vedtakDocId)", as: nav)
        XCTAssertEqual(vedtakDownload.body, vedtakBytes)
        let meldingId = try XCTUnwrap(item["meldingId"]?.stringValue)
        let kvitter = try await h.call(.post, "/api/v1/tilbakemeldinger/\(meldingId)/kvitter", as: nav)
        XCTAssertEqual(kvitter.status, 200, kvitter.text)
        let kvitterAgain = try await h.call(.post, "/api/v1/tilbakemeldinger/\(meldingId)/kvitter", as: nav)
        XCTAssertEqual(kvitterAgain.string("kvittertTidspunkt"), kvitter.string("kvittertTidspunkt"))
        let pending = try await h.call(.get, "/api/v1/tilbakemeldinger", as: nav)
        XCTAssertEqual(pending["tilbakemeldinger"]?.arrayValue?.count, 0)

        // The citizen's view through innsyn, naming the appellant.
        let fnr = try XCTUnwrap(message["klager"]?["fodselsnummer"]?.stringValue)
        let status = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: (.innsyn, H.frontend),
                                      headers: [("Klagebro-Innbygger", fnr)])
        XCTAssertEqual(status.status, 200, status.text)
        XCTAssertEqual(status.string("statsforvalterUtfall"), "STADFESTER")
        XCTAssertNotNil(status["ledetid"]?["hosStatsforvalterTimer"], status.text)
        XCTAssertNotNil(status["ledetid"]?["start"]?.stringValue)
        let types = status["tidslinje"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        XCTAssertEqual(types, ["oversendelseMottatt", "oversendelseKvittert", "klageStatus", "klageStatus", "klagevedtakMottatt", "klagevedtakKvittert"])

        // Every read of personal data is in the audit log, readable by admin.
        let audit = try await h.call(.get, "/api/v1/audit?klagesakId=\(id)", as: (.admin, "310050008"))
        XCTAssertEqual(audit.status, 200)
        let actions = audit["oppforinger"]?.arrayValue?.compactMap { $0["handling"]?.stringValue } ?? []
        XCTAssertTrue(actions.contains("les-klagesak"), "\(actions)")
        XCTAssertTrue(actions.contains("last-ned-dokument:\(againId)"))
        XCTAssertTrue(actions.contains("les-tilbakemelding"))
        XCTAssertTrue(actions.contains("les-status"))
        let who = audit["oppforinger"]?.arrayValue?.first { $0["handling"]?.stringValue == "les-klagesak" }
        XCTAssertEqual(who?["organisasjonsnummer"]?.stringValue, H.vestland)
        XCTAssertEqual(who?["rolle"]?.stringValue, "statsforvalter")
        let lines = try await h.directory.auditLines(klagesakId: id, organisasjonsnummer: nil, limit: 100)
        XCTAssertEqual(lines.count, actions.count)
    }

    /// A NAV unit may report its own stage before the transfer; the transfer then carries that id.
    func testNavStageEventsBeforeTransfer() async throws {
        let h = try APITestHarness()
        let nav = (Role.nav, H.navBergenhus)
        let id = UUID().uuidString.lowercased()
        let mottatt = H.event(klagesakId: id, rolle: "NAV", orgnr: H.navBergenhus, status: "MOTTATT", tidspunkt: "2024-04-29T09:00:00.000Z")
        let r = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: nav, mottatt)
        XCTAssertEqual(r.status, 201, r.text)
        // Not yet in any inbox, not visible to another unit.
        let inbox = try await h.call(.get, "/api/v1/innboks", as: (.statsforvalter, H.vestland))
        XCTAssertEqual(inbox["klagesaker"]?.arrayValue?.count, 0)
        let other = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: (.nav, H.navFalkenborg))
        XCTAssertEqual(other.status, 404)

        let (message, _) = try H.transfer(klagesakId: id)
        let receipt = try await h.json(.post, "/api/v1/klagesaker", as: nav, message)
        XCTAssertEqual(receipt.status, 201, receipt.text)
        XCTAssertEqual(receipt.string("klagesakId"), id)
        let status = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: nav)
        XCTAssertEqual(status["tidslinje"]?.arrayValue?.count, 2)

        // Another unit cannot take over the id.
        let (stolen, _) = try H.transfer(klagesakId: id) { m in
            m["navEnhet"] = .object(JSONObject([("organisasjonsnummer", .string(H.navFalkenborg)), ("navEnhetsnummer", .string("5702")),
                                                ("kommunenummer", .string("5001")), ("navn", .string("NAV Falkenborg"))]))
            m["embete"] = .object(JSONObject([("organisasjonsnummer", .string(H.trondelag)), ("navn", .string("Statsforvalteren i Trøndelag"))]))
        }
        let refused = try await h.json(.post, "/api/v1/klagesaker", as: (.nav, H.navFalkenborg), stolen)
        XCTAssertEqual(refused.status, 409, refused.text)
        XCTAssertEqual(refused.string("type"), "https://klagebro.no/problemer/klagesakid-i-bruk")
    }

    func testInboxOrderCursorAndFilters() async throws {
        let h = try APITestHarness()
        let sf = (Role.statsforvalter, H.vestland)
        var ids: [String] = []
        for i in 0..<3 {
            let urgent = i == 2
            ids.append(try await h.submitCompleteTransfer { m in
                if urgent {
                    m["hastesak"] = .object(JSONObject([("erHastesak", .bool(true)), ("begrunnelse", .object(JSONObject([("arsaker", .array([.string("NODHJELP")]))])))]))
                }
            })
        }
        // Urgent first, then oldest first (ties by id), two per page.
        let page1 = try await h.call(.get, "/api/v1/innboks?limit=2", as: sf)
        let cursor = try XCTUnwrap(page1.string("nesteCursor"))
        let page2 = try await h.call(.get, "/api/v1/innboks?limit=2&cursor=\(cursor)", as: sf)
        XCTAssertEqual(page2["nesteCursor"], .null)
        let listed = (page1["klagesaker"]?.arrayValue ?? []) + (page2["klagesaker"]?.arrayValue ?? [])
        XCTAssertEqual(listed.first?["klagesakId"]?.stringValue, ids[2])
        XCTAssertEqual(listed.first?["hastesak"], .bool(true))
        let rest = listed.dropFirst().map { ($0["mottattTidspunkt"]?.stringValue ?? "", $0["klagesakId"]?.stringValue ?? "") }
        XCTAssertEqual(rest.count, 2)
        XCTAssertEqual(Set(rest.map(\.1)), [ids[0], ids[1]])
        XCTAssertTrue(rest[0] < rest[1], "oldest first: \(rest)")

        // Status filter: after one is acknowledged.
        _ = try await h.call(.post, "/api/v1/klagesaker/\(ids[0])/mottak", as: sf)
        let received = try await h.call(.get, "/api/v1/innboks?status=MOTTATT", as: sf)
        XCTAssertEqual(received["klagesaker"]?.arrayValue?.compactMap { $0["klagesakId"]?.stringValue }, [ids[0]])
        let waiting = try await h.call(.get, "/api/v1/innboks?status=VIDERESENDT", as: sf)
        XCTAssertEqual(waiting["klagesaker"]?.arrayValue?.count, 2)
        // Age filter: nothing is a day old yet.
        let old = try await h.call(.get, "/api/v1/innboks?minAlderDager=1", as: sf)
        XCTAssertEqual(old["klagesaker"]?.arrayValue?.count, 0)
        let young = try await h.call(.get, "/api/v1/innboks?maksAlderDager=1", as: sf)
        XCTAssertEqual(young["klagesaker"]?.arrayValue?.count, 3)
        // Another embete sees none of them.
        let other = try await h.call(.get, "/api/v1/innboks", as: (.statsforvalter, H.trondelag))
        XCTAssertEqual(other["klagesaker"]?.arrayValue?.count, 0)
        // A made-up cursor is a precise 400.
        let bad = try await h.call(.get, "/api/v1/innboks?cursor=nonsense", as: sf)
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.string("parameter"), "cursor")
    }
}

extension WalkthroughTests {
    /// The kvittering also follows from the embete's own MOTTATT status event.
    func testKvitteringFromMottattStatusEvent() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        let mottatt = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, status: "MOTTATT")
        let r = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.statsforvalter, H.vestland), mottatt)
        XCTAssertEqual(r.status, 201, r.text)
        let receipt = try await h.call(.get, "/api/v1/klagesaker/\(id)/kvittering", as: (.nav, H.navBergenhus))
        XCTAssertEqual(receipt.string("kvitteringstype"), "kvittering")
        XCTAssertEqual(receipt.string("status"), "MOTTATT")
    }
}

extension WalkthroughTests {
    /// The embete asks the appellant for documentation: the task is in the timeline and comes back
    /// to the NAV unit, which acknowledges it.
    func testTaskFromEmbeteComesBackToNav() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        let sf = (Role.statsforvalter, H.vestland), nav = (Role.nav, H.navBergenhus)
        var task = try H.example("oppgave", "valid/01-dokumentasjon-ett-krav.json").objectMembers
        let original = try H.example("oppgave", "valid/01-dokumentasjon-ett-krav.json")
        task["klagesakId"] = .string(id)
        task["fra"] = .object(JSONObject([("rolle", .string("STATSFORVALTER")), ("organisasjonsnummer", .string(H.vestland))]))
        let message = JSONValue.object(JSONObject(task.ordered(like: original)))

        // In transit (not yet acknowledged) no task can be given.
        let early = try await h.json(.post, "/api/v1/klagesaker/\(id)/oppgaver", as: sf, message)
        XCTAssertEqual(early.status, 409, early.text)
        _ = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: sf)
        let given = try await h.json(.post, "/api/v1/klagesaker/\(id)/oppgaver", as: sf, message)
        XCTAssertEqual(given.status, 201, given.text)
        XCTAssertEqual(given.string("mottaker"), H.navBergenhus)
        let again = try await h.json(.post, "/api/v1/klagesaker/\(id)/oppgaver", as: sf, message)
        XCTAssertEqual(again.status, 200)

        let back = try await h.call(.get, "/api/v1/tilbakemeldinger", as: nav)
        let item = try XCTUnwrap(back["tilbakemeldinger"]?.arrayValue?.first)
        XCTAssertEqual(item["meldingstype"]?.stringValue, "oppgave")
        let oppgaveId = try XCTUnwrap(item["meldingId"]?.stringValue)
        let ack = try await h.call(.post, "/api/v1/tilbakemeldinger/\(oppgaveId)/kvitter", as: nav)
        XCTAssertEqual(ack.status, 200, ack.text)
        let status = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: nav)
        XCTAssertTrue(status["tidslinje"]?.arrayValue?.contains { $0["type"]?.stringValue == "dokumentasjonEtterspurt" } ?? false, status.text)
        let sak = try await h.call(.get, "/api/v1/klagesaker/\(id)", as: sf)
        XCTAssertEqual(sak["oppgaver"]?.arrayValue?.count, 1)

        // The appellant replies through the citizen's view, with one document.
        let fnr = "15838712360"
        let innsyn = (Role.innsyn, H.frontend)
        let replyTemplate = try H.example("oppgavesvar", "valid/01-dokument-fra-klager.json")
        var reply = replyTemplate.objectMembers
        let docBytes = H.file("image/png", "stromregning")
        let docId = UUID().uuidString.lowercased()
        reply["klagesakId"] = .string(id)
        reply["oppgaveId"] = .string(oppgaveId)
        reply["besvartAv"] = .object(JSONObject([("rolle", .string("KLAGER")), ("fodselsnummer", .string(fnr))]))
        reply["dokumenter"] = .array([.object(JSONObject([
            ("dokumentId", .string(docId)), ("tittel", .string("Strømregning")), ("dokumenttype", .string("DOKUMENTASJON")),
            ("dato", .string("2024-03-31")), ("mediatype", .string("image/png")), ("storrelse", .number(JSONNumber(docBytes.count))),
            ("sha512", .string(SHA2.sha512Hex(docBytes))),
        ]))])
        let replyMessage = JSONValue.object(JSONObject(reply.ordered(like: replyTemplate)))
        let path = "/api/v1/klagesaker/\(id)/oppgaver/\(oppgaveId)/svar"
        let someoneElse = try await h.json(.post, path, as: innsyn, replyMessage, headers: [("Klagebro-Innbygger", "01010112345")])
        XCTAssertEqual(someoneElse.status, 422, someoneElse.text)
        let answered = try await h.json(.post, path, as: innsyn, replyMessage, headers: [("Klagebro-Innbygger", fnr)])
        XCTAssertEqual(answered.status, 201, answered.text)
        XCTAssertEqual(answered.string("mottaker"), H.vestland)
        let uploaded = try await h.call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(docId)", as: innsyn,
                                        headers: [("Klagebro-Innbygger", fnr)], body: docBytes, contentType: "image/png")
        XCTAssertEqual(uploaded.status, 201, uploaded.text)
        let seen = try await h.call(.get, "/api/v1/klagesaker/\(id)", as: sf)
        XCTAssertEqual(seen["oppgavesvar"]?.arrayValue?.count, 1)
        let timeline = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: sf)
        XCTAssertTrue(timeline["tidslinje"]?.arrayValue?.contains { $0["type"]?.stringValue == "oppgaveBesvart" } ?? false, timeline.text)
    }
}
