import Foundation
import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// Bad input gets a precise problem (type, title, detail, a JSON Pointer per error, correlation
/// id) and leaves nothing behind.
final class InputProblemTests: XCTestCase {
    typealias H = APITestHarness
    let nav = (Role.nav, H.navBergenhus)

    func assertProblem(_ r: H.Response, _ status: Int, _ slug: String, pointer: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, r.text, file: file, line: line)
        XCTAssertEqual(r.headers["Content-Type"], "application/problem+json", file: file, line: line)
        XCTAssertEqual(r.string("type"), "https://klagebro.no/problemer/" + slug, r.text, file: file, line: line)
        XCTAssertNotNil(r.string("title"), file: file, line: line)
        XCTAssertNotNil(r.string("detail"), file: file, line: line)
        XCTAssertNotNil(r.string("correlationId"), file: file, line: line)
        XCTAssertEqual(r.string("correlationId"), r.headers["X-Correlation-ID"], file: file, line: line)
        if let pointer {
            let pointers = r["errors"]?.arrayValue?.compactMap { $0["pointer"]?.stringValue } ?? []
            XCTAssertTrue(pointers.contains(pointer), "expected \(pointer) in \(pointers)", file: file, line: line)
        }
    }

    private func assertNothingStored(_ h: APITestHarness, file: StaticString = #filePath, line: UInt = #line) async throws {
        let inbox = try await h.call(.get, "/api/v1/innboks", as: (.statsforvalter, H.vestland))
        XCTAssertEqual(inbox["klagesaker"]?.arrayValue?.count, 0, "nothing stored", file: file, line: line)
        let count = try h.directory.store.database.read { db in try db.queryOne("SELECT count(*) FROM klagesak")?.int(0) ?? -1 }
        XCTAssertEqual(count, 0, file: file, line: line)
    }

    func testMalformedJSONAndMediaType() async throws {
        let h = try APITestHarness()
        let broken = try await h.call(.post, "/api/v1/klagesaker", as: nav, body: Array("{\"meldingstype\": ".utf8))
        assertProblem(broken, 400, "ugyldig-json", pointer: "")
        XCTAssertNotNil(broken["line"])
        let duplicate = try await h.call(.post, "/api/v1/klagesaker", as: nav, body: Array("{\"a\":1,\"a\":2}".utf8))
        assertProblem(duplicate, 400, "ugyldig-json")
        let text = try await h.call(.post, "/api/v1/klagesaker", as: nav, body: Array("{}".utf8), contentType: "text/plain")
        assertProblem(text, 415, "feil-medietype")
        try await assertNothingStored(h)
    }

    /// Every invalid example of the standard is refused at the pointer the standard names.
    func testInvalidTransferExamplesAreLocated() async throws {
        let h = try APITestHarness()
        let expected = try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: H.schemasPath + "/examples/expected-errors.json"))))
        let folder = H.schemasPath + "/examples/klagesak-oversendelse/invalid"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThan(names.count, 20)
        for name in names {
            let body = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let r = try await h.call(.post, "/api/v1/klagesaker", as: nav, body: body)
            XCTAssertEqual(r.status, 422, "\(name): \(r.text)")
            let pointers = r["errors"]?.arrayValue?.compactMap { $0["pointer"]?.stringValue } ?? []
            if let want = Self.expectedPointer(expected, "klagesak-oversendelse/invalid/" + name) {
                XCTAssertTrue(pointers.contains(want), "\(name): expected \(want) in \(pointers)")
            }
        }
        try await assertNothingStored(h)
    }

    /// expected-errors.json: find the entry for a file, whatever its exact layout.
    static func expectedPointer(_ doc: JSONValue, _ path: String) -> String? {
        func search(_ v: JSONValue, key: String?) -> String? {
            switch v {
            case .object(let o):
                if let k = key, path.hasSuffix(k) || k.hasSuffix(path) {
                    return o["instanceLocation"]?.stringValue ?? o["pointer"]?.stringValue
                }
                if let file = o["fil"]?.stringValue ?? o["file"]?.stringValue, path.hasSuffix(file) || file.hasSuffix(path) {
                    return o["instanceLocation"]?.stringValue ?? o["pointer"]?.stringValue
                }
                for (k, child) in o.members { if let found = search(child, key: k) { return found } }
            case .array(let a):
                for child in a { if let found = search(child, key: nil) { return found } }
            default: break
            }
            return nil
        }
        return search(doc, key: nil)
    }

    func testSemanticChecksAreLocated() async throws {
        let h = try APITestHarness()
        // Bad check digit in the appellant's fødselsnummer.
        let (badFnr, _) = try H.transfer { m in
            var klager = m["klager"]!.objectMembers
            klager["fodselsnummer"] = .string("15838712361")
            m["klager"] = .object(JSONObject(klager.ordered(like: m["klager"]!)))
        }
        assertProblem(try await h.json(.post, "/api/v1/klagesaker", as: nav, badFnr), 422, "semantisk-feil", pointer: "/klager/fodselsnummer")
        // Sent on behalf of another unit.
        let (otherSender, _) = try H.transfer()
        assertProblem(try await h.json(.post, "/api/v1/klagesaker", as: (.nav, H.navFalkenborg), otherSender), 422, "semantisk-feil",
                      pointer: "/navEnhet/organisasjonsnummer")
        try await assertNothingStored(h)
    }

    func testAddressingRefusalsSayWhy() async throws {
        let h = try APITestHarness()
        func embete(_ orgnr: String, _ navn: String) -> JSONValue {
            .object(JSONObject([("organisasjonsnummer", .string(orgnr)), ("navn", .string(navn))]))
        }
        func refused(_ edit: @escaping (inout [String: JSONValue]) -> Void, sender: String = H.navBergenhus) async throws -> H.Response {
            let (m, _) = try H.transfer(edit: edit)
            return try await h.json(.post, "/api/v1/klagesaker", as: (.nav, sender), m)
        }
        // The kommune is covered by another embete.
        let wrong = try await refused { $0["embete"] = embete(H.trondelag, "Statsforvalteren i Trøndelag") }
        assertProblem(wrong, 422, "adressering-avvist", pointer: "/embete/organisasjonsnummer")
        XCTAssertEqual(wrong.string("arsak"), "feil-embete")
        XCTAssertTrue(wrong.string("detail")?.contains("Vestland") ?? false, wrong.text)
        // The recipient is a state NAV organisation number.
        let statlig = try await refused { $0["embete"] = embete(H.statligNav, "NAV") }
        assertProblem(statlig, 422, "adressering-avvist", pointer: "/embete/organisasjonsnummer")
        XCTAssertEqual(statlig.string("arsak"), "statlig-nav-organisasjonsnummer")
        // The kommune number is expired (2024 reform) and one that never existed.
        for (kommune, code) in [("3001", "kommune-utlopt"), ("9999", "kommune-ukjent")] {
            let r = try await refused { m in
                var enhet = m["navEnhet"]!.objectMembers
                enhet["kommunenummer"] = .string(kommune)
                m["navEnhet"] = .object(JSONObject(enhet.ordered(like: m["navEnhet"]!)))
            }
            assertProblem(r, 422, "adressering-avvist", pointer: "/navEnhet/kommunenummer")
            XCTAssertEqual(r.string("arsak"), code, r.text)
        }
        try await assertNothingStored(h)
    }

    func testSameMeldingIdOtherContentIsConflictNamingBothHashes() async throws {
        let h = try APITestHarness()
        let meldingId = UUID().uuidString.lowercased()
        let (first, _) = try H.transfer(meldingId: meldingId)
        let created = try await h.json(.post, "/api/v1/klagesaker", as: nav, first)
        XCTAssertEqual(created.status, 201)
        let (second, _) = try H.transfer(meldingId: meldingId)
        let conflict = try await h.json(.post, "/api/v1/klagesaker", as: nav, second)
        assertProblem(conflict, 409, "idempotens-konflikt")
        XCTAssertEqual(conflict.string("lagretSha256"), created.string("innholdSha256"))
        XCTAssertEqual(conflict.string("mottattSha256"), SHA2.sha256Hex(Array(JSONWriter.string(second).utf8)))
        XCTAssertNotEqual(conflict.string("lagretSha256"), conflict.string("mottattSha256"))
    }

    func testDocumentMismatchesAreRefusedAndNotCounted() async throws {
        let h = try APITestHarness(maxDocumentBytes: 4096)
        let (message, files) = try H.transfer()
        let receipt = try await h.json(.post, "/api/v1/klagesaker", as: nav, message)
        let id = try XCTUnwrap(receipt.string("klagesakId"))
        let (dokumentId, bytes) = files.first!
        let path = "/api/v1/klagesaker/\(id)/dokumenter/\(dokumentId)"

        let truncated = try await h.call(.put, path, as: nav, body: Array(bytes.dropLast()), contentType: "application/pdf")
        assertProblem(truncated, 422, "dokument-stemmer-ikke", pointer: "/storrelse")
        var flipped = bytes
        flipped[flipped.count - 2] ^= 1
        let changed = try await h.call(.put, path, as: nav, body: flipped, contentType: "application/pdf")
        assertProblem(changed, 422, "dokument-stemmer-ikke", pointer: "/sha512")
        let png = H.file("image/png", "x")
        let wrongType = try await h.call(.put, path, as: nav, body: png, contentType: "application/pdf")
        assertProblem(wrongType, 422, "dokument-stemmer-ikke", pointer: "/mediatype")
        let tooLarge = try await h.call(.put, path, as: nav, body: [UInt8](repeating: 0x25, count: 5000), contentType: "application/pdf")
        XCTAssertEqual(tooLarge.status, 413, tooLarge.text)
        let unlisted = try await h.call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(UUID().uuidString.lowercased())", as: nav, body: bytes,
                                        contentType: "application/pdf")
        assertProblem(unlisted, 404, "dokument-ikke-funnet")

        let kvittering = try await h.call(.get, "/api/v1/klagesaker/\(id)/kvittering", as: nav)
        XCTAssertEqual(kvittering["manglendeDokumenter"]?.arrayValue?.count, 3, "no refused file counts as received")
        let download = try await h.call(.get, path, as: (.statsforvalter, H.vestland))
        XCTAssertEqual(download.status, 404)
    }

    func testIllegalTransitionNamesBothStates() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        // UNDER_BEHANDLING at the Statsforvalter before its receipt.
        let early = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, status: "UNDER_BEHANDLING")
        let r = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.statsforvalter, H.vestland), early)
        assertProblem(r, 409, "ulovlig-overgang", pointer: "/status")
        XCTAssertEqual(r.string("gjeldendeStatus"), "VIDERESENDT")
        XCTAssertEqual(r.string("onsketStatus"), "UNDER_BEHANDLING (STATSFORVALTER)")
        // A NAV event with the role of the other side.
        let disguised = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.navBergenhus, status: "MOTTATT")
        let wrongRole = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.nav, H.navBergenhus), disguised)
        assertProblem(wrongRole, 422, "semantisk-feil", pointer: "/aktor/rolle")
        // The same hendelseId with other content.
        let hendelseId = UUID().uuidString.lowercased()
        _ = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: (.statsforvalter, H.vestland))
        let a = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, status: "UNDER_BEHANDLING", hendelseId: hendelseId)
        let first = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.statsforvalter, H.vestland), a)
        XCTAssertEqual(first.status, 201, first.text)
        let b = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, status: "FORELOPIG_SVAR", hendelseId: hendelseId)
        let clash = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.statsforvalter, H.vestland), b)
        assertProblem(clash, 409, "idempotens-konflikt")
        // A wrong event is retracted by a later one; both stay in the timeline.
        let retraction = H.event(klagesakId: id, rolle: "STATSFORVALTER", orgnr: H.vestland, type: "hendelseAnnullert",
                                 fields: [("annullertHendelseId", .string(hendelseId)), ("annulleringstype", .string("FEILREGISTRERT"))])
        let retracted = try await h.json(.post, "/api/v1/klagesaker/\(id)/hendelser", as: (.statsforvalter, H.vestland), retraction)
        XCTAssertEqual(retracted.status, 201, retracted.text)
        let status = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: (.statsforvalter, H.vestland))
        XCTAssertEqual(status.string("status"), "MOTTATT")
        let annulled = status["tidslinje"]?.arrayValue?.first { $0["hendelseId"]?.stringValue == hendelseId }
        XCTAssertEqual(annulled?["annullert"]?.stringValue, "FEILREGISTRERT")
    }

    func testDecisionGoesOnlyToTheSendingUnit() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        let sf = (Role.statsforvalter, H.vestland)
        _ = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: sf)
        // Addressed to the state NAV number: refused by the registry, saying why.
        let (statlig, _, _) = try H.decision(klagesakId: id) { m in
            var enhet = m["navEnhet"]!.objectMembers
            enhet["organisasjonsnummer"] = .string(H.statligNav)
            m["navEnhet"] = .object(JSONObject(enhet.ordered(like: m["navEnhet"]!)))
        }
        let r = try await h.json(.post, "/api/v1/klagesaker/\(id)/vedtak", as: sf, statlig)
        assertProblem(r, 422, "adressering-avvist", pointer: "/navEnhet/organisasjonsnummer")
        // Addressed to another (valid) unit than the sender.
        let (other, _, _) = try H.decision(klagesakId: id) { m in
            m["navEnhet"] = .object(JSONObject([("organisasjonsnummer", .string(H.navFalkenborg)), ("navEnhetsnummer", .string("5702")),
                                                ("kommunenummer", .string("5001")), ("navn", .string("NAV Falkenborg"))]))
        }
        let r2 = try await h.json(.post, "/api/v1/klagesaker/\(id)/vedtak", as: sf, other)
        XCTAssertEqual(r2.status, 422, r2.text)
        let feedback = try await h.call(.get, "/api/v1/tilbakemeldinger", as: (.nav, H.navFalkenborg))
        XCTAssertEqual(feedback["tilbakemeldinger"]?.arrayValue?.count, 0)
    }
}

extension InputProblemTests {
    /// A unit without digital receipt may send, but nothing can be delivered back to it digitally:
    /// the decision is refused, saying why, and nothing is stored.
    func testDecisionToUnitWithoutDigitalReceiptIsRefused() async throws {
        let h = try APITestHarness()
        let laerdal: JSONValue = .object(JSONObject([
            ("organisasjonsnummer", .string(H.navLaerdal)), ("navEnhetsnummer", .string("1422")),
            ("kommunenummer", .string("4642")), ("navn", .string("NAV Lærdal og Årdal")),
        ]))
        let id = try await h.submitCompleteTransfer(from: H.navLaerdal) { $0["navEnhet"] = laerdal }
        let sf = (Role.statsforvalter, H.vestland)
        _ = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: sf)
        let (vedtak, _, _) = try H.decision(klagesakId: id) { $0["navEnhet"] = laerdal }
        let r = try await h.json(.post, "/api/v1/klagesaker/\(id)/vedtak", as: sf, vedtak)
        assertProblem(r, 422, "adressering-avvist", pointer: "/navEnhet/organisasjonsnummer")
        XCTAssertEqual(r.string("arsak"), "nav-enhet-uten-digitalt-mottak", r.text)
        let feedback = try await h.call(.get, "/api/v1/tilbakemeldinger", as: (.nav, H.navLaerdal))
        XCTAssertEqual(feedback["tilbakemeldinger"]?.arrayValue?.count, 0)
    }
}

extension InputProblemTests {
    /// The same message re-serialised (other member order, other whitespace) is the same content.
    func testReserialisedRetryIsTheSameMessage() async throws {
        let h = try APITestHarness()
        let (message, _) = try H.transfer()
        let first = try await h.json(.post, "/api/v1/klagesaker", as: nav, message)
        XCTAssertEqual(first.status, 201)
        guard case .object(let o) = message else { return XCTFail() }
        let reordered = JSONValue.object(JSONObject(Array(o.members).reversed().map { ($0.0, $0.1) }))
        var bytes = Array(JSONWriter.string(reordered).utf8)
        bytes.insert(contentsOf: Array("\n  ".utf8), at: 1)
        let retry = try await h.call(.post, "/api/v1/klagesaker", as: nav, body: bytes)
        XCTAssertEqual(retry.status, 200, retry.text)
        XCTAssertEqual(retry.string("klagesakId"), first.string("klagesakId"))
        XCTAssertEqual(retry.string("innholdSha256"), first.string("innholdSha256"), "the receipt names the stored content")
    }
}
