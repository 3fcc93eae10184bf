import Foundation
import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// The caller from a verified client certificate (mutual TLS): its organisation number, with the
/// role the registry gives it. Unknown and state NAV numbers are not parties.
final class CallerIdentityTests: XCTestCase {
    typealias H = APITestHarness

    func testCertificateOrganisationNumberIsTheCaller() async throws {
        let h = try APITestHarness()
        let (message, _) = try H.transfer()
        let body = Array(JSONWriter.string(message).utf8)
        let submitted = try await h.call(.post, "/api/v1/klagesaker", body: body, certificateOrgnr: H.navBergenhus)
        XCTAssertEqual(submitted.status, 201, submitted.text)
        let inbox = try await h.call(.get, "/api/v1/innboks", certificateOrgnr: H.vestland)
        XCTAssertEqual(inbox.status, 200)
        XCTAssertEqual(inbox["klagesaker"]?.arrayValue?.count, 1)
        // A NAV unit's certificate is not an embete's.
        let wrongRole = try await h.call(.get, "/api/v1/innboks", certificateOrgnr: H.navBergenhus)
        XCTAssertEqual(wrongRole.status, 403)
        // The certificate wins over a bearer token: no switching identity per request.
        let token = try await h.token(.statsforvalter, H.vestland)
        let mixed = try await h.call(.get, "/api/v1/innboks", headers: [("Authorization", "Bearer " + token)], certificateOrgnr: H.navBergenhus)
        XCTAssertEqual(mixed.status, 403)
        for outsider in [H.statligNav, "974760673"] {
            let r = try await h.call(.get, "/api/v1/innboks", certificateOrgnr: outsider)
            XCTAssertEqual(r.status, 401, "\(outsider): \(r.text)")
        }
    }

    /// Tokens are stored only as their SHA-256.
    func testTokensAreStoredHashed() async throws {
        let h = try APITestHarness()
        let token = try await h.token(.nav, H.navBergenhus)
        XCTAssertTrue(token.hasPrefix("kb_"))
        XCTAssertEqual(token.count, 67)
        let stored = try h.directory.store.database.read { db in try db.query("SELECT sha256 FROM tilgangsnokkel").map { try $0.string(0) } }
        XCTAssertEqual(stored, [AccessToken.hash(token)])
        XCTAssertFalse(stored.contains(token))
        let invalid = try? await h.directory.createToken(role: .nav, organisasjonsnummer: "123456789")
        XCTAssertNil(invalid, "a token needs a valid organisation number")
    }

    /// `registry import`: a new NAV unit becomes a party from the next start; a broken file is refused.
    func testRegistryImportAddsAUnit() async throws {
        let h = try APITestHarness()
        let file = """
            {"format": "klagebro-register", "versjon": 1, "synthetic": true,
             "navEnheter": [{"organisasjonsnummer": "310060003", "navEnhetsnummer": "1201", "navn": "NAV Test",
                             "kommuner": ["4601"], "digitalMottak": true}]}
            """
        XCTAssertTrue(Organisasjonsnummer_isValid("310060003"))
        do {
            let summary = try await h.directory.importRegistry(fileContents: Array(file.utf8), development: true)
            XCTAssertTrue(summary.contains("1 NAV units"), summary)
            let registry = try h.directory.registry(development: true)
            XCTAssertEqual(ExchangeAPI.role(of: "310060003", in: registry), .nav)
            XCTAssertThrowsError(try h.directory.registry(development: false), "synthetic entries refused outside development")
        }
        let broken = try? await h.directory.importRegistry(fileContents: Array(#"{"format": "x"}"#.utf8), development: true)
        XCTAssertNil(broken)
        let exported = try h.directory.exportRegistry(development: true)
        XCTAssertGreaterThan(exported.count, 1000)
        XCTAssertEqual(try h.directory.appliedMigrations(), ExchangeMigrations.all.map(\.name))
    }
}

/// Mod-11 for organisation numbers (weights 3 2 7 6 5 4 3 2), to pick a valid synthetic number.
func Organisasjonsnummer_isValid(_ text: String) -> Bool {
    let digits = text.compactMap { $0.wholeNumberValue }
    guard digits.count == 9 else { return false }
    let sum = zip(digits.prefix(8), [3, 2, 7, 6, 5, 4, 3, 2]).map(*).reduce(0, +)
    let check = 11 - sum % 11
    return (check == 11 ? 0 : check) == digits[8]
}
