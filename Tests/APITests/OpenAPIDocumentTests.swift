import HTTPCore
import JSONSchema
import XCTest

@testable import API

/// The served OpenAPI document names exactly the router's routes.
final class OpenAPIDocumentTests: XCTestCase {
    typealias H = APITestHarness

    func testDocumentMatchesRoutes() async throws {
        let h = try APITestHarness()
        let r = try await h.call(.get, "/api/v1/openapi.json")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.string("openapi"), "3.1.0")
        guard case .object(let paths)? = r["paths"] else { return XCTFail("no paths") }
        var documented: Set<String> = []
        for (path, item) in paths.members {
            guard case .object(let operations) = item else { continue }
            for method in operations.keys { documented.insert(method.uppercased() + " " + path) }
        }
        let routed = Set(Endpoint.allCases.map { $0.method.rawValue + " " + $0.path })
        XCTAssertEqual(documented, routed)

        // Every documented operation is routed (neither 404 nor 405), and nothing undocumented is.
        for entry in documented {
            let parts = entry.split(separator: " ", maxSplits: 1)
            let target = String(parts[1]).replacingOccurrences(of: "{klagesakId}", with: UUID().uuidString.lowercased())
                .replacingOccurrences(of: "{dokumentId}", with: "d").replacingOccurrences(of: "{meldingId}", with: "m").replacingOccurrences(of: "{oppgaveId}", with: "o")
                .replacingOccurrences(of: "{filnavn}", with: "felles.v1.schema.json")
            let response = try await h.call(HTTPMethod(String(parts[0])), target, as: (.admin, H.navBergenhus))
            XCTAssertFalse([404, 405].contains(response.status) && response.string("type") == "about:blank", "\(entry): \(response.text)")
        }
        let unknown = try await h.call(.get, "/api/v1/finnes-ikke")
        XCTAssertEqual(unknown.status, 404)
        let wrongMethod = try await h.call(.delete, "/api/v1/klagesaker")
        XCTAssertEqual(wrongMethod.status, 405)
    }

    func testOperationsNameTheirRolesAndProblems() async throws {
        let h = try APITestHarness()
        let doc = try await h.call(.get, "/api/v1/openapi.json").json
        let submit = doc["paths"]?["/api/v1/klagesaker"]?["post"]
        XCTAssertEqual(submit?["operationId"]?.stringValue, "submitTransfer")
        XCTAssertEqual(submit?["x-roller"], .array([.string("nav")]))
        XCTAssertNotNil(submit?["responses"]?["201"])
        XCTAssertNotNil(submit?["responses"]?["default"]?["content"]?["application/problem+json"])
        XCTAssertEqual(doc["paths"]?["/api/v1/openapi.json"]?["get"]?["security"], .array([]))
    }

    func testSchemasAreServed() async throws {
        let h = try APITestHarness()
        let r = try await h.call(.get, "/api/v1/skjema/klagesak-oversendelse.v1.schema.json")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.string("$id"), "https://klagebro.no/schemas/klagesak-oversendelse.v1.schema.json")
        let missing = try await h.call(.get, "/api/v1/skjema/ukjent.json")
        XCTAssertEqual(missing.status, 404)
    }
}

extension OpenAPIDocumentTests {
    /// The message schemas are embedded: every `$ref` points into the document itself, and the
    /// embedded transfer schema accepts the standard's valid examples and refuses its invalid ones.
    func testEmbeddedSchemasResolveInsideTheDocument() async throws {
        let h = try APITestHarness()
        let doc = try await h.call(.get, "/api/v1/openapi.json").json
        var refs: [String] = []
        func collect(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, c) in o.members { if k == "$ref", let s = c.stringValue { refs.append(s) } else { collect(c) } }
            case .array(let a): a.forEach(collect)
            default: break
            }
        }
        collect(doc)
        XCTAssertGreaterThan(refs.count, 20)
        for ref in Set(refs) {
            XCTAssertTrue(ref.hasPrefix("#/"), ref)
            XCTAssertNotNil(JSONPointer.resolve(String(ref.dropFirst()), in: doc), "unresolved \(ref)")
        }
        var registry = SchemaRegistry()
        _ = try registry.register(doc, uri: "https://klagebro.test/openapi.json")
        let schema = try registry.compile(uri: "https://klagebro.test/openapi.json#/components/schemas/klagesak-oversendelse",
                                          options: SchemaOptions(assertFormat: true))
        XCTAssertTrue(schema.isValid(try H.example("klagesak-oversendelse", "valid/02-delvis-medhold.json")))
        XCTAssertFalse(schema.isValid(try H.example("klagesak-oversendelse", "invalid/01-fodselsnummer-for-kort.json")))
    }
}

/// The small encoders the API writes itself agree with the reference ones.
final class EncodingTests: XCTestCase {
    func testJSONBytesMatchesJSONWriter() throws {
        let value = try JSONParser.parse(text: #"{"a":"x\"y\\z\n\u0001æ😀","b":[1,2.50,-3e2,true,null],"c":{}}"#)
        XCTAssertEqual(String(decoding: JSONBytes.encode(value), as: UTF8.self), JSONWriter.string(value))
    }

    func testTimestampAndIds() {
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 1_715_079_841_448).text, "2024-05-07T11:04:01.448Z")
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 0).text, "1970-01-01T00:00:00.000Z")
        XCTAssertTrue(Identifiers.isUUID(Identifiers.newUUID()))
        XCTAssertTrue(Identifiers.isUUID(CaseEventCoding.derivedId("x", "y")))
        XCTAssertEqual(CaseEventCoding.derivedId("x", "y"), CaseEventCoding.derivedId("x", "y"))
        XCTAssertEqual(SHA2.sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA2.sha512Hex(Array("abc".utf8)).prefix(32), "ddaf35a193617abacc417349ae204131")
        XCTAssertEqual(SHA2.sha256Hex([UInt8](repeating: 0x61, count: 1000)).count, 64)
        XCTAssertEqual(SHA2.sha512Hex([]), "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
    }

    /// Assigned ids are version 7: the time first, so ids of later cases sort after earlier ones.
    func testAssignedIdsAreTimeOrdered() {
        let earlier = Identifiers.newUUID(now: Timestamp(millisecondsSinceEpoch: 1_715_079_841_448))
        let later = Identifiers.newUUID(now: Timestamp(millisecondsSinceEpoch: 1_715_079_841_449))
        XCTAssertTrue(earlier.hasPrefix("018f52b9-86a8-7"), earlier)
        XCTAssertLessThan(earlier, later)
        let sameTime = (0..<100).map { _ in Identifiers.newUUID(now: Timestamp(millisecondsSinceEpoch: 0)) }
        XCTAssertEqual(Set(sameTime).count, 100, "74 random bits after the time")
        for id in sameTime {
            XCTAssertTrue(Identifiers.isUUID(id))
            XCTAssertTrue("89ab".contains(Array(id)[19]), "RFC 9562 variant 10xx: \(id)")
        }
    }
}
