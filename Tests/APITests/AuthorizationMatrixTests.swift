import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// Role × endpoint: every cell of the table is a request. Allowed roles get past the role check
/// (whatever the case then says); refused roles get 403 with the role named; no credentials get 401.
final class AuthorizationMatrixTests: XCTestCase {
    typealias H = APITestHarness

    /// The table the README shows (allowed ✓, refused –), asserted against `Endpoint.allowedRoles`.
    static let table: [Endpoint: Set<Role>] = [
        .submitTransfer: [.nav],
        .uploadDocument: [.nav, .statsforvalter, .innsyn],
        .getReceipt: [.nav],
        .listInbox: [.statsforvalter],
        .getCase: [.nav, .statsforvalter],
        .downloadDocument: [.nav, .statsforvalter],
        .acknowledgeCase: [.statsforvalter],
        .assignHandler: [.statsforvalter],
        .postEvent: [.nav, .statsforvalter],
        .sendDecision: [.statsforvalter],
        .postTask: [.nav, .statsforvalter],
        .answerTask: [.nav, .statsforvalter, .innsyn],
        .listFeedback: [.nav],
        .acknowledgeFeedback: [.nav],
        .getStatus: [.nav, .statsforvalter, .innsyn],
        .listAudit: [.admin],
    ]

    func testTableMatchesEndpoints() {
        for endpoint in Endpoint.allCases {
            XCTAssertEqual(endpoint.allowedRoles, Self.table[endpoint], "\(endpoint)")
        }
    }

    func testEveryRoleAtEveryEndpoint() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        let snapshot = try await h.directory.store.loadCase(id)
        let dokumentId = try XCTUnwrap(snapshot?.documents.first?.dokumentId)
        let orgnr: [Role: String] = [.nav: H.navBergenhus, .statsforvalter: H.vestland, .innsyn: H.frontend, .admin: H.navBergenhus]

        for endpoint in Endpoint.allCases {
            let target = endpoint.path.replacingOccurrences(of: "{klagesakId}", with: id)
                .replacingOccurrences(of: "{dokumentId}", with: dokumentId)
                .replacingOccurrences(of: "{meldingId}", with: UUID().uuidString.lowercased())
                .replacingOccurrences(of: "{filnavn}", with: "felles.v1.schema.json")
                .replacingOccurrences(of: "{oppgaveId}", with: UUID().uuidString.lowercased())
            let body: [UInt8] = endpoint.method == .get ? [] : Array("{}".utf8)
            let type = endpoint == .uploadDocument ? "application/pdf" : "application/json"
            for role in Role.allCases {
                let r = try await h.call(endpoint.method, target, as: (role, orgnr[role]!), body: body, contentType: type)
                if let allowed = endpoint.allowedRoles, !allowed.contains(role) {
                    XCTAssertEqual(r.status, 403, "\(role) at \(endpoint): \(r.text)")
                    XCTAssertEqual(r.string("type"), "https://klagebro.no/problemer/rolle-ikke-tillatt")
                    XCTAssertEqual(r.string("rolle"), role.rawValue)
                } else {
                    XCTAssertFalse([401, 403].contains(r.status), "\(role) at \(endpoint) should pass the role check: \(r.text)")
                    XCTAssertNotEqual(r.status, 500, "\(role) at \(endpoint): \(r.text)")
                }
            }
            let anonymous = try await h.call(endpoint.method, target, body: body, contentType: type)
            if endpoint.allowedRoles == nil {
                XCTAssertEqual(anonymous.status, 200, "\(endpoint) is public")
            } else {
                XCTAssertEqual(anonymous.status, 401, "\(endpoint) without credentials")
                XCTAssertNotNil(anonymous.headers["WWW-Authenticate"])
            }
        }
    }

    func testUnknownTokenIs401() async throws {
        let h = try APITestHarness()
        let r = try await h.call(.get, "/api/v1/innboks", headers: [("Authorization", "Bearer kb_not-a-token")])
        XCTAssertEqual(r.status, 401)
        XCTAssertEqual(r.string("type"), "https://klagebro.no/problemer/ikke-autentisert")
        XCTAssertNotNil(r.string("correlationId"))
    }

    /// Parties only: another NAV unit, another embete, an innsyn caller naming someone else, and
    /// admin all see 404 for a case, exactly as for a case that does not exist.
    func testOnlyPartiesSeeACase() async throws {
        let h = try APITestHarness()
        let id = try await h.submitCompleteTransfer()
        let fnr = "15838712360"
        let outsiders: [((Role, String), [(String, String)])] = [
            ((.nav, H.navFalkenborg), []),
            ((.statsforvalter, H.trondelag), []),
            ((.innsyn, H.frontend), [("Klagebro-Innbygger", "01010112345")]),
            ((.innsyn, H.frontend), []),
        ]
        for (caller, headers) in outsiders {
            let r = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: caller, headers: headers)
            XCTAssertEqual(r.status, 404, "\(caller)")
            XCTAssertEqual(r.string("type"), "https://klagebro.no/problemer/klagesak-ikke-funnet")
        }
        let missing = try await h.call(.get, "/api/v1/klagesaker/\(UUID().uuidString.lowercased())", as: (.nav, H.navBergenhus))
        XCTAssertEqual(missing.status, 404)
        let otherUnit = try await h.call(.get, "/api/v1/klagesaker/\(id)", as: (.nav, H.navFalkenborg))
        XCTAssertEqual(otherUnit.status, 404)
        let otherEmbete = try await h.call(.post, "/api/v1/klagesaker/\(id)/mottak", as: (.statsforvalter, H.trondelag))
        XCTAssertEqual(otherEmbete.status, 404)
        // The parties do see it.
        let citizen = try await h.call(.get, "/api/v1/klagesaker/\(id)/status", as: (.innsyn, H.frontend), headers: [("Klagebro-Innbygger", fnr)])
        XCTAssertEqual(citizen.status, 200, citizen.text)
        let embete = try await h.call(.get, "/api/v1/klagesaker/\(id)", as: (.statsforvalter, H.vestland))
        XCTAssertEqual(embete.status, 200)
        // Failed reads of outsiders leave no audit entries about the case's content.
        let audit = try await h.directory.auditLines(klagesakId: id, organisasjonsnummer: H.navFalkenborg, limit: 10)
        XCTAssertEqual(audit, [])
    }
}
