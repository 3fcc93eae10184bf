import Foundation
import XCTest
@testable import Domain

private func orgnr(_ text: String) -> Organisasjonsnummer { try! Organisasjonsnummer(parsing: text) }
private func kommune(_ text: String) -> Kommunenummer { try! Kommunenummer(parsing: text) }
private func enhetsnr(_ text: String) -> NavEnhetsnummer { try! NavEnhetsnummer(parsing: text) }
private func day(_ text: String) -> CalendarDate { CalendarDate(iso8601: text)! }

private let today = day("2026-11-23")
private let vestland = "Statsforvalteren i Vestland"
private let trondelag = "Statsforvalteren i Trøndelag"

final class ShippedRegistryTests: XCTestCase {
    func testShippedStructureIsThe2024One() throws {
        let registry = try Registry.shipped()
        XCTAssertEqual(registry.fylker.count, 15)
        XCTAssertEqual(registry.kommuner.count, 357)
        XCTAssertEqual(registry.kommuner.values.map(\.count).reduce(0, +), 357)
        XCTAssertEqual(registry.embeter.count, 10)
        XCTAssertTrue(registry.navEnheter.isEmpty)
        XCTAssertTrue(registry.statligeNavEnheter.isEmpty)
        XCTAssertFalse(registry.containsSyntheticData)
        // Every fylke has exactly one embete; no embete has an organisation number yet.
        for fylke in registry.fylker.keys {
            XCTAssertNotNil(registry.embete(forFylke: fylke), "fylke \(fylke)")
        }
        XCTAssertEqual(registry.embeter.flatMap(\.fylker).count, 15)
        XCTAssertTrue(registry.embeter.allSatisfy { $0.organisasjonsnummer == nil })
        // Every kommune is valid from 2024-01-01, open-ended, and its number starts with its fylke.
        for periods in registry.kommuner.values {
            let only = try XCTUnwrap(periods.first)
            XCTAssertEqual(only.gyldighet, Gyldighet(fra: day("2024-01-01"), til: nil))
            XCTAssertEqual(only.fylkesnummer, only.nummer.fylkesnummer)
        }
    }

    func testKommuneToEmbete() throws {
        let registry = try Registry.shipped()
        let table: [(String, String)] = [
            ("4601", vestland), ("5001", trondelag),
            ("0301", "Statsforvalteren i Østfold, Buskerud, Oslo og Akershus"),
            ("3103", "Statsforvalteren i Østfold, Buskerud, Oslo og Akershus"),
            ("3403", "Statsforvalteren i Innlandet"), ("3901", "Statsforvalteren i Vestfold og Telemark"),
            ("3905", "Statsforvalteren i Vestfold og Telemark"), ("5501", "Statsforvalteren i Troms og Finnmark"),
            ("5603", "Statsforvalteren i Troms og Finnmark"), ("1103", "Statsforvalteren i Rogaland"),
            ("1508", "Statsforvalteren i Møre og Romsdal"), ("1580", "Statsforvalteren i Møre og Romsdal"),
            ("1804", "Statsforvalteren i Nordland"), ("4204", "Statsforvalteren i Agder"),
        ]
        for (nummer, embete) in table {
            XCTAssertEqual(try registry.embete(covering: kommune(nummer), on: today).navn, embete, nummer)
        }
    }

    func testUnknownAndNotYetValidKommune() throws {
        let registry = try Registry.shipped()
        XCTAssertThrowsError(try registry.embete(covering: kommune("9999"), on: today)) { error in
            XCTAssertEqual(error as? AddressingRefusal, .kommuneUnknown(kommune("9999")))
        }
        // The 2024 numbers do not exist before 2024 in the shipped data.
        do {
            _ = try registry.kommune(kommune("4601"), on: day("2023-12-31"))
            XCTFail("4601 is shipped as valid from 2024-01-01")
        } catch {
            guard case .kommuneNotYetValid(let bergen, let on) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(bergen.navn, "Bergen")
            XCTAssertEqual(on, day("2023-12-31"))
            XCTAssertTrue(error.message.contains("2024-01-01"), error.message)
        }
        XCTAssertNoThrow(try registry.kommune(kommune("4601"), on: day("2024-01-01")))
    }

    func testInstantIsTakenAsTheDayInNorway() throws {
        let registry = try Registry.shipped()
        let newYearsEveUTC = try XCTUnwrap(ISO8601DateFormatter().date(from: "2023-12-31T23:30:00Z"))
        XCTAssertEqual(try registry.embete(covering: kommune("4601"), on: newYearsEveUTC).navn, vestland)
    }
}

final class DevelopmentRegistryTests: XCTestCase {
    func testDevelopmentRegistryIsMarkedSynthetic() throws {
        let registry = try Registry.development()
        XCTAssertTrue(registry.containsSyntheticData)
        XCTAssertTrue(registry.syntheticEntries.contains("embete Statsforvalteren i Vestland 310001007"))
        XCTAssertTrue(registry.syntheticEntries.contains("statlig NAV Arbeids- og velferdsetaten (syntetisk statlig NAV-nummer) 310099007"))
        // Every embete has a (synthetic) organisation number with a valid check digit.
        for embete in registry.embeter {
            let number = try XCTUnwrap(embete.organisasjonsnummer, embete.navn)
            XCTAssertTrue(embete.synthetic)
            XCTAssertTrue(number.value.hasPrefix("31"))
            XCTAssertEqual(referenceMod11(number.value.prefix(8).map { Int(String($0))! }, [3, 2, 7, 6, 5, 4, 3, 2]),
                           Int(String(number.value.last!)))
        }
        XCTAssertEqual(Set(registry.embeter.compactMap(\.organisasjonsnummer)).count, 10)
        XCTAssertTrue(registry.navEnheter.values.contains { !$0.digitalMottak })
        XCTAssertEqual(registry.statligeNavEnheter.count, 1)
        XCTAssertEqual(registry.summary, "18 fylker, 361 kommunenumre (361 perioder), 10 embeter (10 med organisasjonsnummer), 8 NAV-enheter, 1 statlige NAV-numre; 26 syntetiske oppføringer (testdata)")
        XCTAssertTrue(try Registry.shipped().summary.hasSuffix("ingen syntetiske data"))
    }

    /// Every klagesak-oversendelse example addresses a NAV unit and embete that pass the transfer
    /// check, and lands at the embete the example names.
    func testEveryTransferExampleResolves() throws {
        let registry = try Registry.development()
        var checked = 0
        for (name, json) in try examples("klagesak-oversendelse/valid") {
            let navEnhet = try XCTUnwrap(json["navEnhet"] as? [String: Any], name)
            let embete = try XCTUnwrap(json["embete"] as? [String: Any], name)
            let result = registry.checkTransfer(
                sender: orgnr(navEnhet["organisasjonsnummer"] as! String),
                navEnhetsnummer: enhetsnr(navEnhet["navEnhetsnummer"] as! String),
                kommunenummer: kommune(navEnhet["kommunenummer"] as! String),
                recipient: orgnr(embete["organisasjonsnummer"] as! String), on: today)
            switch result {
            case .success(let addressing):
                XCTAssertEqual(addressing.embete.navn, embete["navn"] as? String, name)
                XCTAssertEqual(addressing.avsender.navn, navEnhet["navn"] as? String, name)
                XCTAssertTrue(addressing.avsender.digitalMottak, name)
            case .failure(let refusal):
                XCTFail("\(name): \(refusal.message)")
            }
            checked += 1
        }
        XCTAssertEqual(checked, 7)
    }

    /// Every klagevedtak example goes back to a NAV unit with digital receipt.
    func testEveryDecisionExampleResolves() throws {
        let registry = try Registry.development()
        var checked = 0
        for (name, json) in try examples("klagevedtak/valid") {
            let navEnhet = try XCTUnwrap(json["navEnhet"] as? [String: Any], name)
            let embete = try XCTUnwrap(json["embete"] as? [String: Any], name)
            let result = registry.checkReturn(
                sender: orgnr(embete["organisasjonsnummer"] as! String),
                recipient: orgnr(navEnhet["organisasjonsnummer"] as! String),
                navEnhetsnummer: (navEnhet["navEnhetsnummer"] as? String).map(enhetsnr),
                kommunenummer: (navEnhet["kommunenummer"] as? String).map(kommune), on: today)
            if case .failure(let refusal) = result { XCTFail("\(name): \(refusal.message)") }
            checked += 1
        }
        XCTAssertEqual(checked, 5)
    }

    /// The actors of status events and tasks are what their role says, under the name they give.
    func testEveryActorExampleIsKnownInItsRole() throws {
        let registry = try Registry.development()
        var checked = 0
        for folder in ["statushendelse/valid", "oppgave/valid"] {
            for (name, json) in try examples(folder) {
                let actor = try XCTUnwrap((json["aktor"] ?? json["fra"]) as? [String: Any], name)
                guard let number = actor["organisasjonsnummer"] as? String else { continue }
                let organisasjon = registry.organisasjon(orgnr(number))
                switch (actor["rolle"] as? String, organisasjon) {
                case ("NAV", .navEnhet(let enhet)?):
                    XCTAssertEqual(enhet.navn, actor["navn"] as? String, name)
                    XCTAssertEqual(enhet.navEnhetsnummer.value, actor["navEnhetsnummer"] as? String, name)
                case ("STATSFORVALTER", .embete(let embete)?):
                    XCTAssertEqual(embete.navn, actor["navn"] as? String, name)
                default:
                    XCTFail("\(name): \(String(describing: actor["rolle"])) is \(String(describing: organisasjon))")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 15)
    }

    private func examples(_ folder: String) throws -> [(String, [String: Any])] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/examples/\(folder)")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { url in
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
                return (url.lastPathComponent, try XCTUnwrap(object as? [String: Any]))
            }
    }
}

final class AddressingRefusalTests: XCTestCase {
    private var registry: Registry!
    private let bergenhus = orgnr("310050008")
    private let vestlandOrgnr = orgnr("310001007")
    private let trondelagOrgnr = orgnr("310001376")
    private let statligNav = orgnr("310099007")
    private let laerdal = orgnr("310053694")

    override func setUpWithError() throws {
        registry = try Registry.development()
    }

    private func transfer(
        sender: Organisasjonsnummer? = nil, enhetsnummer: String = "1203", kommunenummer: String = "4601",
        recipient: Organisasjonsnummer? = nil, on: CalendarDate = today
    ) -> AddressingRefusal? {
        let result = registry.checkTransfer(
            sender: sender ?? bergenhus, navEnhetsnummer: enhetsnr(enhetsnummer), kommunenummer: kommune(kommunenummer),
            recipient: recipient ?? vestlandOrgnr, on: on)
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    func testTheHappyPath() throws {
        let addressing = try registry.checkTransfer(
            sender: bergenhus, navEnhetsnummer: enhetsnr("1203"), kommunenummer: kommune("4601"),
            recipient: vestlandOrgnr, on: today).get()
        XCTAssertEqual(addressing.kommune.navn, "Bergen")
        XCTAssertEqual(addressing.embete.organisasjonsnummer, vestlandOrgnr)
        XCTAssertEqual(addressing.avsender.navEnhetsnummer, enhetsnr("1203"))
    }

    func testStateNavRecipientIsRefusedFirst() throws {
        // Even with an unknown kommune, the confidentiality failure is what gets reported.
        let refusal = try XCTUnwrap(transfer(kommunenummer: "9999", recipient: statligNav))
        guard case .statligNav(let statlig, as: .mottaker, field: .embeteOrganisasjonsnummer) = refusal else {
            return XCTFail("\(refusal)")
        }
        XCTAssertEqual(statlig.organisasjonsnummer, statligNav)
        XCTAssertEqual(refusal.code, "statlig-nav-organisasjonsnummer")
        XCTAssertEqual(refusal.field.jsonPointer, "/embete/organisasjonsnummer")
        XCTAssertTrue(refusal.message.contains("alle NAV-kontor"), refusal.message)
    }

    func testStateNavSenderIsRefused() throws {
        let refusal = try XCTUnwrap(transfer(sender: statligNav))
        guard case .statligNav(_, as: .avsender, field: .navEnhetOrganisasjonsnummer) = refusal else { return XCTFail("\(refusal)") }
    }

    func testWrongEmbeteNamesTheOneThatCovers() throws {
        let refusal = try XCTUnwrap(transfer(recipient: trondelagOrgnr))
        guard case .embeteDoesNotCoverKommune(let addressed, let kommune, let covering) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(addressed.navn, trondelag)
        XCTAssertEqual(kommune.navn, "Bergen")
        XCTAssertEqual(covering.navn, vestland)
        XCTAssertEqual(refusal.code, "feil-embete")
        XCTAssertTrue(refusal.message.contains("saken skal til Statsforvalteren i Vestland (310001007)"), refusal.message)
        XCTAssertEqual(refusal.details, [
            "organisasjonsnummer": "310001376", "navn": trondelag, "kommunenummer": "4601", "kommunenavn": "Bergen",
            "riktigEmbete": vestland, "riktigEmbeteOrganisasjonsnummer": "310001007",
        ])
    }

    func testRecipientThatIsNotAnEmbete() throws {
        // A NAV unit as recipient.
        let toNavUnit = try XCTUnwrap(transfer(recipient: orgnr("310050539")))
        guard case .notEmbete(_, as: .mottaker, known: .navEnhet(let enhet)?, expected: let expected?) = toNavUnit else {
            return XCTFail("\(toNavUnit)")
        }
        XCTAssertEqual(enhet.navn, "NAV Falkenborg")
        XCTAssertEqual(expected.navn, vestland)
        // A valid organisation number the registry does not know (the advokatfirma in the examples).
        let unknown = try XCTUnwrap(transfer(recipient: orgnr("310077003")))
        guard case .notEmbete(_, as: .mottaker, known: nil, expected: let expectedAgain?) = unknown else { return XCTFail("\(unknown)") }
        XCTAssertEqual(expectedAgain.organisasjonsnummer, vestlandOrgnr)
        XCTAssertEqual(unknown.code, "ikke-embete")
    }

    func testUnknownSender() throws {
        let unknown = try XCTUnwrap(transfer(sender: orgnr("310077003")))
        XCTAssertEqual(unknown, .notNavEnhet(orgnr("310077003"), as: .avsender, known: nil))
        XCTAssertEqual(unknown.field.jsonPointer, "/navEnhet/organisasjonsnummer")
        // An embete is not a NAV unit.
        let embete = try XCTUnwrap(transfer(sender: trondelagOrgnr))
        guard case .notNavEnhet(_, as: .avsender, known: .embete?) = embete else { return XCTFail("\(embete)") }
    }

    func testNavEnhetsnummerMismatch() throws {
        let refusal = try XCTUnwrap(transfer(enhetsnummer: "5702"))
        guard case .navEnhetsnummerMismatch(let enhet, let given) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(enhet.navEnhetsnummer, enhetsnr("1203"))
        XCTAssertEqual(given, enhetsnr("5702"))
        XCTAssertEqual(refusal.field, .navEnhetsnummer)
        XCTAssertTrue(refusal.message.contains("1203"), refusal.message)
    }

    func testSenderNotServingTheKommune() throws {
        let refusal = try XCTUnwrap(transfer(kommunenummer: "5001", recipient: trondelagOrgnr))
        XCTAssertEqual(refusal, .navEnhetDoesNotServeKommune(registry.navEnhet(organisasjonsnummer: bergenhus)!, kommune("5001")))
        XCTAssertEqual(refusal.code, "nav-enhet-betjener-ikke-kommunen")
    }

    func testExpiredKommuneNamesTheDate() throws {
        // Horten was 3801 until the 2024 renumbering (now 3901).
        let horten = orgnr("310052124")
        let refusal = try XCTUnwrap(transfer(
            sender: horten, enhetsnummer: "0701", kommunenummer: "3801",
            recipient: orgnr("310002488")))
        guard case .kommuneExpired(let kommune, let on) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(kommune.gyldighet.til, day("2024-01-01"))
        XCTAssertEqual(on, today)
        XCTAssertEqual(refusal.code, "kommune-utlopt")
        XCTAssertTrue(refusal.message.contains("2024-01-01"), refusal.message)
        XCTAssertEqual(refusal.field.jsonPointer, "/navEnhet/kommunenummer")
        XCTAssertEqual(refusal.details["gyldigTil"], "2024-01-01")
        XCTAssertEqual(refusal.details["kommunenavn"], "Horten")
        XCTAssertEqual(refusal.details["dato"], "2026-11-23")
    }

    func testValidityBoundaryIsExclusive() throws {
        // 3803 Tønsberg: valid on the last day of 2023, expired on 2024-01-01.
        XCTAssertEqual(try registry.kommune(kommune("3803"), on: day("2023-12-31")).navn, "Tønsberg")
        XCTAssertThrowsError(try registry.kommune(kommune("3803"), on: day("2024-01-01"))) { error in
            guard case .kommuneExpired = error as? AddressingRefusal else { return XCTFail("\(error)") }
        }
        // In 2023, 3001 Halden was in Viken, which has no embete in the registry.
        XCTAssertThrowsError(try registry.embete(covering: kommune("3001"), on: day("2023-06-01"))) { error in
            guard case .noEmbeteCoversKommune(let halden) = error as? AddressingRefusal else { return XCTFail("\(error)") }
            XCTAssertEqual(halden.fylkesnummer, Fylkesnummer("30"))
        }
    }

    func testUnknownKommune() throws {
        XCTAssertEqual(transfer(kommunenummer: "4699"), .kommuneUnknown(kommune("4699")))
    }

    func testInactiveNavUnit() throws {
        let file = RegistryFile(navEnheter: [.init(
            organisasjonsnummer: bergenhus, navEnhetsnummer: enhetsnr("1203"), navn: "NAV Bergenhus",
            kommuner: [kommune("4601")], digitalMottak: true, gyldigFra: day("2024-01-01"), gyldigTil: day("2025-01-01"))])
        registry = try registry.merging(file)
        XCTAssertNil(transfer(on: day("2024-12-31")))
        let refusal = try XCTUnwrap(transfer(on: day("2025-01-01")))
        guard case .navEnhetInactive(_, let on) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(on, day("2025-01-01"))
    }

    // MARK: Back to NAV

    private func decision(
        from sender: Organisasjonsnummer? = nil, to recipient: Organisasjonsnummer? = nil,
        enhetsnummer: String? = "1203", kommunenummer: String? = "4601"
    ) -> AddressingRefusal? {
        let result = registry.checkReturn(
            sender: sender ?? vestlandOrgnr, recipient: recipient ?? bergenhus,
            navEnhetsnummer: enhetsnummer.map(enhetsnr), kommunenummer: kommunenummer.map(kommune), on: today)
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    func testDecisionBack() throws {
        XCTAssertNil(decision())
        XCTAssertNil(decision(enhetsnummer: nil, kommunenummer: nil))
        let addressing = try registry.checkReturn(
            sender: vestlandOrgnr, recipient: bergenhus, navEnhetsnummer: nil, kommunenummer: kommune("4601"), on: today).get()
        XCTAssertEqual(addressing.kommune?.navn, "Bergen")
        XCTAssertEqual(addressing.embete.navn, vestland)
    }

    func testDecisionToStateNavIsRefused() throws {
        // The seeds' failure: the decision sent to the state NAV number.
        let refusal = try XCTUnwrap(decision(to: statligNav, enhetsnummer: nil, kommunenummer: nil))
        guard case .statligNav(_, as: .mottaker, field: .navEnhetOrganisasjonsnummer) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(refusal.field.jsonPointer, "/navEnhet/organisasjonsnummer")
    }

    func testDecisionToUnitWithoutDigitalReceipt() throws {
        XCTAssertFalse(registry.canReceiveDigitally(laerdal))
        XCTAssertTrue(registry.canReceiveDigitally(bergenhus))
        XCTAssertTrue(registry.canReceiveDigitally(vestlandOrgnr))
        XCTAssertFalse(registry.canReceiveDigitally(statligNav))
        XCTAssertFalse(registry.canReceiveDigitally(orgnr("310077003")))
        let refusal = try XCTUnwrap(decision(to: laerdal, enhetsnummer: "1422", kommunenummer: "4642"))
        guard case .noDigitalReceipt(let enhet) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(enhet.kommuner, [kommune("4642"), kommune("4643")])
        XCTAssertEqual(refusal.code, "nav-enhet-uten-digitalt-mottak")
        // A transfer from that unit is allowed; the addressing says the answer cannot come back digitally.
        let addressing = try registry.checkTransfer(
            sender: laerdal, navEnhetsnummer: enhetsnr("1422"), kommunenummer: kommune("4643"),
            recipient: vestlandOrgnr, on: today).get()
        XCTAssertFalse(addressing.avsender.digitalMottak)
    }

    func testDecisionFromWrongSenderOrEmbete() throws {
        XCTAssertEqual(decision(from: bergenhus, to: orgnr("310050539"), enhetsnummer: nil, kommunenummer: nil),
                       .notEmbete(bergenhus, as: .avsender, known: registry.organisasjon(bergenhus), expected: nil))
        let refusal = try XCTUnwrap(decision(from: trondelagOrgnr))
        guard case .embeteDoesNotCoverKommune(_, _, let covering) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertEqual(covering.navn, vestland)
        XCTAssertEqual(decision(enhetsnummer: "9999"), .navEnhetsnummerMismatch(registry.navEnhet(organisasjonsnummer: bergenhus)!, given: enhetsnr("9999")))
        XCTAssertEqual(decision(to: orgnr("310077003")), .notNavEnhet(orgnr("310077003"), as: .mottaker, known: nil))
        // Trøndelag sending to NAV Bergenhus without naming a kommune: Bergenhus serves only Bergen.
        let unnamed = try XCTUnwrap(decision(from: trondelagOrgnr, enhetsnummer: nil, kommunenummer: nil))
        guard case .embeteDoesNotCoverKommune(_, let bergen, let right) = unnamed else { return XCTFail("\(unnamed)") }
        XCTAssertEqual(bergen.nummer, kommune("4601"))
        XCTAssertEqual(right.navn, vestland)
    }

    func testEveryRefusalHasACodeAndMessage() throws {
        let bergen = try registry.kommune(kommune("4601"), on: today)
        let enhet = try XCTUnwrap(registry.navEnhet(organisasjonsnummer: bergenhus))
        let embete = try XCTUnwrap(registry.embete(navn: vestland))
        let statlig = try XCTUnwrap(registry.statligeNavEnheter[statligNav])
        let all: [AddressingRefusal] = [
            .kommuneUnknown(bergen.nummer), .kommuneExpired(bergen, on: today), .kommuneNotYetValid(bergen, on: today),
            .noEmbeteCoversKommune(bergen), .statligNav(statlig, as: .mottaker, field: .embeteOrganisasjonsnummer),
            .notEmbete(bergenhus, as: .mottaker, known: nil, expected: embete),
            .embeteDoesNotCoverKommune(embete, kommune: bergen, covering: embete),
            .notNavEnhet(vestlandOrgnr, as: .avsender, known: nil), .navEnhetInactive(enhet, on: today),
            .navEnhetDoesNotServeKommune(enhet, bergen.nummer), .navEnhetsnummerMismatch(enhet, given: enhetsnr("0000")),
            .noDigitalReceipt(enhet),
        ]
        XCTAssertEqual(Set(all.map(\.code)).count, all.count)
        for refusal in all {
            XCTAssertFalse(refusal.message.isEmpty)
            XCTAssertTrue(refusal.message.contains("("), "English in parentheses: \(refusal.message)")
            XCTAssertEqual(refusal.description, refusal.message)
            XCTAssertFalse(refusal.details.isEmpty, refusal.code)
        }
    }
}
