import Foundation
import XCTest
@testable import Domain

final class RegistryFileTests: XCTestCase {
    private func load(_ json: String) throws(RegistryError) -> Registry {
        try Registry.shipped().merging(RegistryFile(data: Data(json.utf8)))
    }

    private func loadError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> RegistryError? {
        do {
            _ = try load(json)
            XCTFail("expected a refusal", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private let minimal = """
        {
          "format": "klagebro-register", "versjon": 1, "kilde": "test",
          "embeter": [{ "navn": "Statsforvalteren i Vestland", "organisasjonsnummer": "310001007" }],
          "navEnheter": [{
            "organisasjonsnummer": "310050008", "navEnhetsnummer": "1203", "navn": "NAV Bergenhus",
            "kommuner": ["4601"], "digitalMottak": true, "gyldigFra": "2024-01-01", "gyldigTil": null
          }],
          "statligeNavEnheter": [{ "organisasjonsnummer": "889640782", "navn": "Arbeids- og velferdsetaten" }],
          "fylker": [{ "fylkesnummer": "38", "navn": "Vestfold og Telemark" }],
          "kommuner": [{ "kommunenummer": "3803", "navn": "Tønsberg", "gyldigFra": "2020-01-01", "gyldigTil": "2024-01-01" }]
        }
        """

    func testLoadsAMinimalFile() throws {
        let registry = try load(minimal)
        XCTAssertEqual(registry.embete(navn: "Statsforvalteren i Vestland")?.organisasjonsnummer?.value, "310001007")
        XCTAssertNil(registry.embete(navn: "Statsforvalteren i Agder")?.organisasjonsnummer)
        XCTAssertTrue(registry.isStatligNav(try Organisasjonsnummer(parsing: "889640782")))
        XCTAssertEqual(registry.kommuner[try Kommunenummer(parsing: "3803")]?.first?.fylkesnummer.value, "38")
        XCTAssertEqual(registry.fylker.count, 16)
        // Not marked synthetic, but the 31… numbers are outside Enhetsregisteret's range.
        XCTAssertEqual(registry.syntheticEntries.count, 2)
        XCTAssertTrue(registry.syntheticEntries.allSatisfy { $0.contains("umerket") })
        XCTAssertEqual(registry.navEnheter(serving: try Kommunenummer(parsing: "4601")).map(\.navn), ["NAV Bergenhus"])
    }

    func testLoadFromAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("register-\(UUID().uuidString).json")
        try Data(minimal.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try Registry.load(contentsOf: url).navEnheter.count, 1)
        XCTAssertThrowsError(try Registry.load(contentsOf: url.appendingPathExtension("missing")))
    }

    func testSyntheticMarkerOnFileAndEntry() throws {
        let whole = try load(#"{"format":"klagebro-register","versjon":1,"synthetic":true,"statligeNavEnheter":[{"organisasjonsnummer":"310099007","navn":"x"}]}"#)
        XCTAssertEqual(whole.syntheticEntries, ["statlig NAV x 310099007"])
        let entry = try load(#"{"format":"klagebro-register","versjon":1,"embeter":[{"navn":"Statsforvalteren i Agder","organisasjonsnummer":"310003581","synthetic":true}],"statligeNavEnheter":[{"organisasjonsnummer":"889640782","navn":"NAV"}]}"#)
        XCTAssertEqual(entry.syntheticEntries, ["embete Statsforvalteren i Agder 310003581"])
        // A real number imported over a synthetic one clears the marker.
        let replaced = try Registry.development().merging(RegistryFile(embeter: [
            .init(navn: "Statsforvalteren i Agder", organisasjonsnummer: try Organisasjonsnummer(parsing: "974762994")),
        ]))
        XCTAssertEqual(replaced.embete(navn: "Statsforvalteren i Agder")?.synthetic, false)
        XCTAssertTrue(replaced.containsSyntheticData)
        // An unmarked number outside Enhetsregisteret's range (8xx, 9xx) still counts as test data.
        let unmarked = try load(#"{"format":"klagebro-register","versjon":1,"statligeNavEnheter":[{"organisasjonsnummer":"310099007","navn":"x"}]}"#)
        XCTAssertTrue(unmarked.containsSyntheticData)
        XCTAssertEqual(unmarked.syntheticEntries, ["statlig NAV x 310099007 (umerket, men utenfor Enhetsregisterets nummerområde)"])
        XCTAssertTrue(try Organisasjonsnummer(parsing: "889640782").isInRealRange)
        XCTAssertFalse(try Organisasjonsnummer(parsing: "310001007").isInRealRange)
    }

    func testRefusesBadFilesWithLocation() {
        XCTAssertEqual(loadError("{")?.location, "")
        XCTAssertEqual(loadError(#"{"format":"noe annet","versjon":1}"#)?.location, "/format")
        XCTAssertEqual(loadError(#"{"format":"klagebro-register","versjon":2}"#)?.location, "/versjon")
        XCTAssertEqual(loadError(#"{"versjon":1}"#)?.location, "")
        let typo = loadError(#"{"format":"klagebro-register","versjon":1,"navEnhter":[]}"#)
        XCTAssertEqual(typo?.location, "/navEnhter")
        XCTAssertTrue(typo?.message.contains("ukjent felt") ?? false)
        let badCheckDigit = loadError(#"{"format":"klagebro-register","versjon":1,"statligeNavEnheter":[{"organisasjonsnummer":"889640783","navn":"x"}]}"#)
        XCTAssertEqual(badCheckDigit?.location, "/statligeNavEnheter/0/organisasjonsnummer")
        XCTAssertTrue(badCheckDigit?.message.contains("Kontrollsifferet") ?? false, badCheckDigit?.message ?? "")
        let entryTypo = loadError(#"{"format":"klagebro-register","versjon":1,"statligeNavEnheter":[{"organisasjonsnummer":"889640782","navn":"x","syntetisk":true}]}"#)
        XCTAssertEqual(entryTypo?.location, "/statligeNavEnheter/0/syntetisk")
        let missing = loadError(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"x","kommuner":["4601"]}]}"#)
        XCTAssertEqual(missing?.location, "/navEnheter/0")
        XCTAssertTrue(missing?.message.contains("digitalMottak") ?? false)
        let badDate = loadError(#"{"format":"klagebro-register","versjon":1,"kommuner":[{"kommunenummer":"3803","navn":"x","gyldigFra":"2020-02-30"}]}"#)
        XCTAssertEqual(badDate?.location, "/kommuner/0/gyldigFra")
    }

    func testRefusesContradictions() {
        let unknownEmbete = loadError(#"{"format":"klagebro-register","versjon":1,"embeter":[{"navn":"Statsforvalteren i Vestlandet","organisasjonsnummer":"310001007"}]}"#)
        XCTAssertEqual(unknownEmbete?.location, "/embeter/0/navn")
        XCTAssertTrue(unknownEmbete?.message.contains("Statsforvalteren i Vestland»") ?? false)

        let twoRoles = loadError(#"{"format":"klagebro-register","versjon":1,"embeter":[{"navn":"Statsforvalteren i Vestland","organisasjonsnummer":"310001007"}],"statligeNavEnheter":[{"organisasjonsnummer":"310001007","navn":"x"}]}"#)
        XCTAssertTrue(twoRoles?.message.contains("to roller") ?? false, twoRoles?.message ?? "")

        let overlap = loadError(#"{"format":"klagebro-register","versjon":1,"kommuner":[{"kommunenummer":"4601","navn":"Bergen","gyldigFra":"2020-01-01","gyldigTil":"2024-06-01"}]}"#)
        XCTAssertTrue(overlap?.message.contains("overlapper") ?? false)

        let empty = loadError(#"{"format":"klagebro-register","versjon":1,"kommuner":[{"kommunenummer":"3803","navn":"x","gyldigFra":"2024-01-01","gyldigTil":"2024-01-01"}]}"#)
        XCTAssertTrue(empty?.message.contains("gyldigTil") ?? false)

        let unknownKommune = loadError(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"x","kommuner":["4699"],"digitalMottak":true}]}"#)
        XCTAssertTrue(unknownKommune?.message.contains("4699") ?? false)

        let noKommune = loadError(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"x","kommuner":[],"digitalMottak":true}]}"#)
        XCTAssertTrue(noKommune?.message.contains("ingen kommuner") ?? false)

        let twinUnits = loadError(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"A","kommuner":["4601"],"digitalMottak":true},{"organisasjonsnummer":"310050539","navEnhetsnummer":"1203","navn":"B","kommuner":["4601"],"digitalMottak":true}]}"#)
        XCTAssertTrue(twinUnits?.message.contains("1203") ?? false, twinUnits?.message ?? "")
        // The same NORG number in consecutive periods is fine (a unit re-registered).
        XCTAssertNoThrow(try load(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"A","kommuner":["4601"],"digitalMottak":true,"gyldigTil":"2025-01-01"},{"organisasjonsnummer":"310050539","navEnhetsnummer":"1203","navn":"B","kommuner":["4601"],"digitalMottak":true,"gyldigFra":"2025-01-01"}]}"#))

        let doubleCover = loadError(#"{"format":"klagebro-register","versjon":1,"embeter":[{"navn":"Statsforvalteren i Vestland","fylker":["46","11"]}]}"#)
        XCTAssertTrue(doubleCover?.message.contains("fylke 11") ?? false, doubleCover?.message ?? "")
    }

    func testReplacingAndAdding() throws {
        let first = try load(minimal)
        // The same NAV unit again, now without digital receipt: replaced, not duplicated.
        let second = try first.merging(RegistryFile(data: Data(#"{"format":"klagebro-register","versjon":1,"navEnheter":[{"organisasjonsnummer":"310050008","navEnhetsnummer":"1203","navn":"NAV Bergenhus","kommuner":["4601"],"digitalMottak":false}]}"#.utf8)))
        XCTAssertEqual(second.navEnheter.count, 1)
        XCTAssertFalse(second.canReceiveDigitally(try Organisasjonsnummer(parsing: "310050008")))
        // A new embete structure needs fylker; moving a fylke means giving both embeter new fylker.
        let moved = try first.merging(RegistryFile(embeter: [
            .init(navn: "Statsforvalteren i Rogaland", organisasjonsnummer: nil, fylker: []),
            .init(navn: "Statsforvalteren i Vestland", organisasjonsnummer: nil, fylker: [Fylkesnummer("46")!, Fylkesnummer("11")!]),
        ]))
        XCTAssertEqual(try moved.embete(covering: Kommunenummer("1103")!, on: CalendarDate(iso8601: "2026-01-01")!).navn, "Statsforvalteren i Vestland")
        XCTAssertEqual(moved.embete(navn: "Statsforvalteren i Vestland")?.organisasjonsnummer?.value, "310001007")
    }

    func testExportRoundTrips() throws {
        for registry in [try Registry.development(), try load(minimal), try Registry.shipped()] {
            let data = registry.export(kilde: "eksport")
            let file = try RegistryFile(data: data)
            XCTAssertEqual(file.kilde, "eksport")
            let again = try Registry.shipped().merging(file)
            XCTAssertEqual(again.exportFile(), registry.exportFile())
            XCTAssertEqual(again.syntheticEntries, registry.syntheticEntries)
            // Importing the export onto the registry itself changes nothing either.
            XCTAssertEqual(try registry.merging(file).exportFile(), registry.exportFile())
        }
    }

    func testShippedDataFormat() throws {
        let data = Data(#"{"gyldigFra":"2024-01-01","embeter":[{"navn":"E","fylker":["46"]}],"fylker":[{"fylkesnummer":"46","navn":"Vestland","kommuner":[{"kommunenummer":"4601","navn":"Bergen"},{"kommunenummer":"4699","navn":"Gammel","gyldigFra":"2020-01-01","gyldigTil":"2024-01-01"}]}]}"#.utf8)
        let registry = try Registry(shippedData: data)
        XCTAssertEqual(try registry.embete(covering: Kommunenummer("4601")!, on: CalendarDate(iso8601: "2024-01-01")!).navn, "E")
        XCTAssertThrowsError(try registry.kommune(Kommunenummer("4699")!, on: CalendarDate(iso8601: "2024-01-01")!))
        XCTAssertThrowsError(try Registry(shippedData: Data(#"{"gyldigFra":"2024-01-01","embeter":[],"fylker":[{"fylkesnummer":"4","navn":"x","kommuner":[]}]}"#.utf8)))
    }
}
