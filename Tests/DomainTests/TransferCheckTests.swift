import XCTest
import JSONSchema
@testable import Domain

final class TransferCheckTests: XCTestCase {
    let now = Tidspunkt(iso8601: "2024-12-31T12:00:00.000Z")!
    let synthetic = FodselsnummerPolicy.allowingSynthetic

    private func example(_ name: String) throws -> JSONValue {
        try DomainTestPaths.json("klagesak-oversendelse/valid/\(name).json")
    }

    private func check(_ m: JSONValue, identifiers: any IdentifierPolicy = FodselsnummerPolicy.allowingSynthetic,
                       addressing: ((TransferAddressingQuery) -> CheckFinding?)? = nil, now: Tidspunkt? = nil) -> CheckResult {
        TransferCheck.check(m, identifiers: identifiers, addressing: addressing, now: now ?? self.now)
    }

    /// The value with the member at `pointer` replaced (nil removes it).
    private func setting(_ pointer: String, _ value: JSONValue?, in root: JSONValue) -> JSONValue {
        func go(_ node: JSONValue, _ tokens: ArraySlice<String>) -> JSONValue {
            guard let t = tokens.first else { return value ?? .null }
            switch node {
            case .object(var o):
                if tokens.count == 1 { o[t] = value } else { o[t] = go(o[t] ?? .object(JSONObject()), tokens.dropFirst()) }
                return .object(o)
            case .array(var a):
                let i = Int(t)!
                a[i] = go(a[i], tokens.dropFirst())
                return .array(a)
            default:
                return node
            }
        }
        return go(root, ArraySlice(JSONPointer.tokens(pointer)!))
    }

    private func codes(_ r: CheckResult) -> [String] { r.all.map(\.code) }

    func testEveryValidExampleIsAccepted() throws {
        let dir = DomainTestPaths.examples.appendingPathComponent("klagesak-oversendelse/valid")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(files.count, 7)
        for f in files {
            let r = check(try DomainTestPaths.json("klagesak-oversendelse/valid/\(f)"))
            XCTAssertTrue(r.isAccepted, "\(f): \(r.refusals)")
        }
        // The late appeal (vedtak 10 Jan, klage 14 Mar) is flagged, not refused.
        let late = check(try example("06-avvist-for-sent-verge"))
        XCTAssertEqual(late.flags.map(\.code), ["klagefrist-overskredet"])
        XCTAssertEqual(late.flags.first?.pointer, "/klage/mottattDato")
        XCTAssertTrue(late.flags.first!.message.contains("Vedtaksdato er brukt"), late.flags.first!.message)
        XCTAssertTrue(check(try example("01-opprettholdt-minimal")).flags.isEmpty)
    }

    func testSyntheticNumbersAreRefusedInProduction() throws {
        let r = check(try example("01-opprettholdt-minimal"), identifiers: FodselsnummerPolicy.production)
        XCTAssertEqual(r.refusals.map(\.pointer), ["/klager/fodselsnummer"])
        XCTAssertEqual(r.refusals.first?.code, "fodselsnummer.syntetisk-ikke-tillatt")
    }

    func testCheckDigitsOfEveryIdentifier() throws {
        var m = try example("03-fullmektig-advokat")
        XCTAssertTrue(check(m).isAccepted)
        m = setting("/klager/fodselsnummer", .string("15838712361"), in: m)   // K2 off by one
        m = setting("/navEnhet/organisasjonsnummer", .string("310050530"), in: m)
        m = setting("/embete/organisasjonsnummer", .string("310001377"), in: m)
        XCTAssertNotNil(m["fullmektig"]?["organisasjonsnummer"])
        m = setting("/fullmektig/organisasjonsnummer", .string("310000001"), in: m)
        var called = false
        let r = check(m, addressing: { _ in called = true; return nil })
        XCTAssertEqual(r.refusals.map(\.pointer), ["/klager/fodselsnummer", "/navEnhet/organisasjonsnummer",
                                                   "/embete/organisasjonsnummer", "/fullmektig/organisasjonsnummer"])
        XCTAssertTrue(r.refusals.allSatisfy { $0.code.hasSuffix(".kontrollsiffer") }, "\(r.refusals)")
        XCTAssertFalse(r.refusals.contains { $0.message.contains("15838712361") }, "the number is not repeated")
        XCTAssertFalse(called, "the registry is not asked about invalid numbers")
    }

    func testAddressingDecisionIsAskedAndIncluded() throws {
        var asked: TransferAddressingQuery?
        let r = check(try example("02-delvis-medhold"), addressing: { q in
            asked = q
            return .refusal("/embete/organisasjonsnummer", "feil-embete", "Embetet dekker ikke kommunen.")
        })
        XCTAssertEqual(asked, TransferAddressingQuery(navEnhetOrganisasjonsnummer: "310050539", navEnhetsnummer: "5702",
                                                      kommunenummer: "5001", embeteOrganisasjonsnummer: "310001376",
                                                      dato: CalendarDate(year: 2024, month: 5, day: 7)!))
        XCTAssertEqual(r.refusals.map(\.code), ["feil-embete"])
    }

    func testDatesOutOfOrder() throws {
        let m = try example("02-delvis-medhold")  // vedtak 03-20, klage 04-02, fremlegg 04-22, frist 05-06, kommentar 04-30, sendt 05-07
        func refusal(_ pointer: String, _ value: String, _ at: String) -> [String] {
            check(setting(pointer, .string(value), in: m)).refusals.filter { $0.pointer == at }.map(\.code)
        }
        XCTAssertEqual(refusal("/klage/mottattDato", "2024-03-19", "/klage/mottattDato"), ["klage-for-vedtak"])
        XCTAssertEqual(refusal("/klage/mottattDato", "2024-05-08", "/klage/mottattDato"), ["klage-etter-oversendelse"])
        XCTAssertEqual(refusal("/vurdering/saksfremlegg/sendtKlagerDato", "2024-04-01", "/vurdering/saksfremlegg/sendtKlagerDato"), ["saksfremlegg-for-klage"])
        XCTAssertEqual(refusal("/vurdering/saksfremlegg/sendtKlagerDato", "2024-05-08", "/vurdering/saksfremlegg/sendtKlagerDato"), ["saksfremlegg-etter-oversendelse"])
        XCTAssertEqual(refusal("/vurdering/kommentarfrist", "2024-04-22", "/vurdering/kommentarfrist"), ["kommentarfrist-for-saksfremlegg"])
        XCTAssertEqual(refusal("/vurdering/klagersKommentar/mottattDato", "2024-04-21", "/vurdering/klagersKommentar/mottattDato"), ["kommentar-for-saksfremlegg"])
        XCTAssertEqual(refusal("/vurdering/klagersKommentar/mottattDato", "2024-05-08", "/vurdering/klagersKommentar/mottattDato"), ["kommentar-etter-oversendelse"])
        XCTAssertEqual(refusal("/vedtak/periode/tom", "2024-03-31", "/vedtak/periode/tom"), ["periode-tom-for-fom"])
        // Same day is in order.
        XCTAssertTrue(check(setting("/klage/mottattDato", .string("2024-03-20"), in: m)).isAccepted)
    }

    func testTransferDateIsTakenInNorway() throws {
        // 22:30 UTC on 6 May is 7 May in Norway: a klage received on 7 May is not after the transfer.
        var m = try example("02-delvis-medhold")
        m = setting("/sendtTidspunkt", .string("2024-05-06T22:30:00.000Z"), in: m)
        m = setting("/klage/mottattDato", .string("2024-05-07"), in: m)
        m = setting("/vurdering/saksfremlegg/sendtKlagerDato", .string("2024-05-07"), in: m)
        m = setting("/vurdering/kommentarfrist", .string("2024-05-08"), in: m)
        m = setting("/vurdering/klagersKommentar/mottattDato", .string("2024-05-07"), in: m)
        let r = check(m)
        XCTAssertTrue(r.isAccepted, "\(r.refusals)")
    }

    func testFutureTransferAndDocuments() throws {
        let m = try example("01-opprettholdt-minimal")
        let sent = Tidspunkt(iso8601: m["sendtTidspunkt"]!.stringValue!)!
        XCTAssertTrue(check(m, now: sent.adding(millisekunder: -60_000)).isAccepted, "a minute of clock skew is tolerated")
        let r = check(m, now: sent.adding(millisekunder: -3_600_000))
        XCTAssertEqual(r.refusals.first?.code, "oversendt-i-fremtiden")
        let doc = check(setting("/dokumenter/0/dato", .string("2025-01-01"), in: m))
        XCTAssertEqual(doc.refusals.map(\.pointer), ["/dokumenter/0/dato"])
        XCTAssertEqual(doc.refusals.map(\.code), ["dokumentdato-i-fremtiden"])
    }

    func testDocumentIdsAndHashesAreUnique() throws {
        let m = try example("05-mange-dokumenter")
        let docs = m["dokumenter"]!.arrayValue!
        XCTAssertGreaterThan(docs.count, 3)
        let dupId = check(setting("/dokumenter/2/dokumentId", docs[0]["dokumentId"]!, in: m))
        XCTAssertEqual(dupId.refusals.map(\.pointer), ["/dokumenter/2/dokumentId"])
        XCTAssertEqual(dupId.refusals.first?.code, "dokumentid-ikke-unik")
        XCTAssertTrue(dupId.refusals.first!.message.contains("/dokumenter/0"))
        let dupHash = check(setting("/dokumenter/3/sha512", docs[1]["sha512"]!, in: m))
        XCTAssertEqual(dupHash.refusals.map(\.pointer), ["/dokumenter/3/sha512"])
        XCTAssertEqual(dupHash.refusals.first?.code, "sha512-ikke-unik")
    }

    func testAppealDeadlineIsFlaggedNotRefusedAndMovesPastTheWeekend() throws {
        let m = try example("01-opprettholdt-minimal")
        // Vedtak Tuesday 2024-02-20: three weeks is Tuesday 2024-03-12.
        var late = setting("/vedtak/vedtaksdato", .string("2024-02-20"), in: m)
        late = setting("/klage/mottattDato", .string("2024-03-13"), in: late)
        let r = check(late)
        XCTAssertTrue(r.isAccepted, "\(r.refusals)")
        XCTAssertEqual(r.flags.map(\.code), ["klagefrist-overskredet"])
        XCTAssertTrue(r.flags[0].message.contains("22 dager"), r.flags[0].message)
        XCTAssertNil(TransferCheck.klagefrist(vedtaksdato: CalendarDate(year: 2024, month: 2, day: 20)!, klageMottatt: CalendarDate(year: 2024, month: 3, day: 12)!))
        // Vedtak Saturday 2024-02-17: three weeks is Saturday 2024-03-09, moved to Monday 2024-03-11.
        XCTAssertNil(TransferCheck.klagefrist(vedtaksdato: CalendarDate(year: 2024, month: 2, day: 17)!, klageMottatt: CalendarDate(year: 2024, month: 3, day: 11)!))
        XCTAssertNotNil(TransferCheck.klagefrist(vedtaksdato: CalendarDate(year: 2024, month: 2, day: 17)!, klageMottatt: CalendarDate(year: 2024, month: 3, day: 12)!))
    }

    func testMedholdAndDelvisMedholdInTheirOwnWords() throws {
        // The schema refuses both already; the check words them in the domain's terms on its own.
        let medhold = try DomainTestPaths.json("klagesak-oversendelse/invalid/08-klageutfall-medhold.json")
        XCTAssertEqual(check(medhold).refusals.filter { $0.pointer == "/vurdering/klageUtfall" }.map(\.code), ["medhold-kan-ikke-oversendes"])
        let delvis = try DomainTestPaths.json("klagesak-oversendelse/invalid/09-delvis-medhold-uten-oversendt-del.json")
        XCTAssertEqual(check(delvis).refusals.filter { $0.pointer == "/vurdering/oversendtDel" }.map(\.code), ["delvis-medhold-uten-oversendt-del"])
    }

    func testTransferBeforeTheCommentDeadlineWithoutCommentIsFlagged() throws {
        var m = try example("01-opprettholdt-minimal")
        let sendt = Tidspunkt(iso8601: m["sendtTidspunkt"]!.stringValue!)!.norskDato
        m = setting("/vurdering/kommentarfrist", .string(DayCount.adding(3, to: sendt).description), in: m)
        let r = check(m)
        XCTAssertTrue(r.isAccepted)
        XCTAssertEqual(r.flags.map(\.code), ["oversendt-for-kommentarfrist"])
    }

    func testNodhjelpNotMarkedUrgentIsFlagged() throws {
        var m = try example("01-opprettholdt-minimal")
        m = setting("/vedtak/stonadstype", .string("NODHJELP"), in: m)
        m = setting("/hastesak", .object(JSONObject([("erHastesak", .bool(false))])), in: m)
        XCTAssertEqual(check(m).flags.map(\.code), ["nodhjelp-ikke-hastesak"])
    }

    func testUnreadableFieldIsARefusalNotACrash() throws {
        let m = setting("/klage/mottattDato", .number(JSONNumber(20240402)), in: try example("01-opprettholdt-minimal"))
        let r = check(m)
        XCTAssertTrue(r.refusals.contains { $0.pointer == "/klage/mottattDato" && $0.code == "ugyldig-felt" }, "\(r.refusals)")
        XCTAssertFalse(check(.object(JSONObject())).isAccepted)
    }
}

final class TransferCheckRegistryTests: XCTestCase {
    let now = Tidspunkt(iso8601: "2024-12-31T12:00:00.000Z")!

    func testEveryValidExampleResolvesInTheDevelopmentRegistry() throws {
        let registry = try Registry.development()
        let dir = DomainTestPaths.examples.appendingPathComponent("klagesak-oversendelse/valid")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasSuffix(".json") {
            let r = TransferCheck.check(try DomainTestPaths.json("klagesak-oversendelse/valid/\(f)"), identifiers: FodselsnummerPolicy.allowingSynthetic,
                                        addressing: registry.transferCheckFinding, now: now)
            XCTAssertTrue(r.isAccepted, "\(f): \(r.refusals)")
        }
    }

    func testEmbeteThatDoesNotCoverTheKommuneIsRefusedAtItsPointer() throws {
        let registry = try Registry.development()
        // 02 is Trondheim (5001, Trøndelag); 04 goes to Innlandet: swap the embete.
        var m = try DomainTestPaths.json("klagesak-oversendelse/valid/02-delvis-medhold.json").objectValue!
        let other = try DomainTestPaths.json("klagesak-oversendelse/valid/04-hastesak-nodhjelp-barn.json")["embete"]!
        XCTAssertNotEqual(other["organisasjonsnummer"], m["embete"]?["organisasjonsnummer"])
        m["embete"] = other
        let r = TransferCheck.check(.object(m), identifiers: FodselsnummerPolicy.allowingSynthetic,
                                    addressing: registry.transferCheckFinding, now: now)
        XCTAssertEqual(r.refusals.map(\.pointer), ["/embete/organisasjonsnummer"])
        XCTAssertEqual(r.refusals.first?.code, "feil-embete")
    }
}
