import Foundation
import HTTPCore
import HTTPServer
import TLS
import JSONSchema
import XCTest

@testable import API

/// One exchange over a fresh data directory, called in-process through the router (like
/// Hummingbird's `.router` testing): the same router `serve` mounts, without a socket.
final class APITestHarness: @unchecked Sendable {
    // @unchecked: set up once in init, then only read.
    let directory: ExchangeDataDirectory
    let api: ExchangeAPI
    let router: Router
    let dataPath: String
    private(set) var tokens: [String: String] = [:]

    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let schemasPath = repoRoot + "/Schemas"

    // Synthetic parties of the development registry.
    static let navBergenhus = "310050008"       // kommune 4601 (Vestland)
    static let navFalkenborg = "310050539"      // kommune 5001 (Trøndelag)
    static let navLaerdal = "310053694"         // no digital receipt
    static let vestland = "310001007"
    static let trondelag = "310001376"
    static let statligNav = "310099007"
    static let frontend = "310050008"           // innsyn tokens name some organisation number

    init(maxDocumentBytes: Int = 10 * 1024 * 1024) throws {
        dataPath = NSTemporaryDirectory() + "klagebro-api-\(UUID().uuidString)"
        directory = try ExchangeDataDirectory(path: dataPath, maxDocumentBytes: maxDocumentBytes)
        var configuration = APIConfiguration()
        configuration.maxDocumentBytes = maxDocumentBytes
        api = try directory.makeAPI(schemasDirectory: Self.schemasPath, development: true, configuration: configuration)
        var router = Router()
        api.mount(on: &router)
        self.router = router
    }

    deinit { try? FileManager.default.removeItem(atPath: dataPath) }

    /// A bearer token for (role, orgnr), made once.
    func token(_ role: Role, _ orgnr: String) async throws -> String {
        let key = role.rawValue + "/" + orgnr
        if let t = tokens[key] { return t }
        let t = try await directory.createToken(role: role, organisasjonsnummer: orgnr)
        tokens[key] = t
        return t
    }

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONParser.parse(bytes: body)) ?? .null }
        subscript(_ key: String) -> JSONValue? { json[key] }
        func string(_ key: String) -> String? { json[key]?.stringValue }
    }

    /// Sends one request through the router: body policy (collect, stream or reject) as the server would.
    func call(
        _ method: HTTPMethod, _ target: String, as caller: (Role, String)? = nil, headers extra: [(String, String)] = [],
        body: [UInt8] = [], contentType: String? = "application/json", certificateOrgnr: String? = nil
    ) async throws -> Response {
        var headers = HTTPHeaders()
        headers.add("Host", "test")
        if let (role, orgnr) = caller { headers.add("Authorization", "Bearer " + (try await token(role, orgnr))) }
        if !body.isEmpty, let contentType { headers.add("Content-Type", contentType) }
        for (name, value) in extra { headers.add(name, value) }
        let head = HTTPRequestHead(
            method: method, target: target, version: .http11, headers: headers,
            framing: body.isEmpty ? .none : .contentLength(body.count), keepAlive: true, expectsContinue: false)
        let peer = certificateOrgnr.map {
            PeerIdentity(organizationNumber: $0, subject: "CN=test,organizationIdentifier=NTRNO-\($0)", issuer: "CN=Test CA")
        }
        let connection = ConnectionInfo(id: 1, remoteAddress: "127.0.0.1:1", isTLS: peer != nil, peer: peer)
        let requestBody: HTTPRequestBody
        switch router.bodyPolicy(for: head, connection: connection) {
        case .reject(let response):
            return try collect(response)
        case .collect(let maxBytes):
            requestBody = body.count > maxBytes ? .failed(Problem(status: .contentTooLarge, detail: "too large")) : .collected(body)
        case .stream(let sink):
            do {
                try body.withUnsafeBytes { try sink.write($0) }
                try sink.finish()
                requestBody = .streamed(sink)
            } catch {
                requestBody = .failed(error)
            }
        }
        let request = HTTPRequest(head: head, body: requestBody, connection: connection)
        let router = self.router
        let response = await withCheckedContinuation { (continuation: CheckedContinuation<HTTPResponse, Never>) in
            router.handle(request, responder: HTTPResponder { continuation.resume(returning: $0) })
        }
        return try collect(response)
    }

    func json(
        _ method: HTTPMethod, _ target: String, as caller: (Role, String)?, _ value: JSONValue, headers: [(String, String)] = []
    ) async throws -> Response {
        try await call(method, target, as: caller, headers: headers, body: Array(JSONWriter.string(value).utf8))
    }

    private func collect(_ response: HTTPResponse) throws -> Response {
        var bytes: [UInt8] = []
        switch response.body {
        case .empty: break
        case .bytes(let b): bytes = b
        case .stream(_, let producer):
            while let piece = try producer.next(maxBytes: 64 * 1024) { bytes += piece }
        }
        return Response(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    // MARK: Messages

    static func example(_ type: String, _ name: String) throws -> JSONValue {
        try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(schemasPath)/examples/\(type)/\(name)"))))
    }

    /// A small file of a type, with content that makes its hash unique.
    static func file(_ mediatype: String, _ seed: String) -> [UInt8] {
        switch mediatype {
        case "image/png": return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(seed.utf8)
        case "image/jpeg": return [0xFF, 0xD8, 0xFF, 0xE0] + Array(seed.utf8)
        default: return Array("%PDF-1.7\n% \(seed)\n%%EOF\n".utf8)
        }
    }

    /// The minimal valid transfer with fresh ids and documents whose bytes exist: (message, files by dokumentId).
    static func transfer(
        meldingId: String = UUID().uuidString.lowercased(), klagesakId: String? = nil,
        edit: (inout [String: JSONValue]) -> Void = { _ in }
    ) throws -> (JSONValue, [String: [UInt8]]) {
        var m = try example("klagesak-oversendelse", "valid/01-opprettholdt-minimal.json").objectMembers
        m["meldingId"] = .string(meldingId)
        if let klagesakId { m["klagesakId"] = .string(klagesakId) }
        var files: [String: [UInt8]] = [:]
        var documents: [JSONValue] = []
        for d in m["dokumenter"]?.arrayValue ?? [] {
            var doc = d.objectMembers
            let id = UUID().uuidString.lowercased()
            let bytes = file("application/pdf", id)
            doc["dokumentId"] = .string(id)
            doc["storrelse"] = .number(JSONNumber(bytes.count))
            doc["sha512"] = .string(SHA2.sha512Hex(bytes))
            files[id] = bytes
            documents.append(.object(JSONObject(doc.ordered(like: d))))
        }
        m["dokumenter"] = .array(documents)
        edit(&m)
        let original = try example("klagesak-oversendelse", "valid/01-opprettholdt-minimal.json")
        return (.object(JSONObject(m.ordered(like: original))), files)
    }

    /// A klagevedtak for a case, with its decision document: (message, document id, bytes).
    static func decision(klagesakId: String, meldingId: String = UUID().uuidString.lowercased(),
                         edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> (JSONValue, String, [UInt8]) {
        let original = try example("klagevedtak", "valid/01-stadfester.json")
        var m = original.objectMembers
        m["meldingId"] = .string(meldingId)
        m["klagesakId"] = .string(klagesakId)
        var doc = m["vedtaksdokument"]!.objectMembers
        let id = UUID().uuidString.lowercased()
        let bytes = file("application/pdf", "vedtak-" + id)
        doc["dokumentId"] = .string(id)
        doc["storrelse"] = .number(JSONNumber(bytes.count))
        doc["sha512"] = .string(SHA2.sha512Hex(bytes))
        m["vedtaksdokument"] = .object(JSONObject(doc.ordered(like: original["vedtaksdokument"]!)))
        edit(&m)
        return (.object(JSONObject(m.ordered(like: original))), id, bytes)
    }

    /// A status event for a case.
    static func event(klagesakId: String, rolle: String, orgnr: String, type: String = "klageStatus", status: String? = nil,
                      fields: [(String, JSONValue)] = [], hendelseId: String = UUID().uuidString.lowercased(),
                      tidspunkt: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("meldingstype", .string("statushendelse")), ("version", .string("1.0.0")),
            ("avsender", .object(JSONObject([("systemnavn", .string("test")), ("systemversjon", .string("1"))]))),
            ("klagesakId", .string(klagesakId)), ("hendelseId", .string(hendelseId)),
            ("hendelsestidspunkt", .string(tidspunkt ?? Timestamp.now().text)),
            ("aktor", .object(JSONObject([("rolle", .string(rolle)), ("organisasjonsnummer", .string(orgnr))]))),
            ("type", .string(type)),
        ]
        if let status { members.append(("status", .string(status))) }
        members += fields
        return .object(JSONObject(members))
    }

    // MARK: Flows

    /// Submits a transfer and uploads all its documents; returns the klagesakId.
    func submitCompleteTransfer(from nav: String = navBergenhus, edit: (inout [String: JSONValue]) -> Void = { _ in }) async throws -> String {
        let (message, files) = try Self.transfer(edit: edit)
        let receipt = try await json(.post, "/api/v1/klagesaker", as: (.nav, nav), message)
        XCTAssertEqual(receipt.status, 201, receipt.text)
        let id = receipt.string("klagesakId") ?? ""
        for (dokumentId, bytes) in files {
            let r = try await call(.put, "/api/v1/klagesaker/\(id)/dokumenter/\(dokumentId)", as: (.nav, nav), body: bytes,
                                   contentType: "application/pdf")
            XCTAssertEqual(r.status, 201, r.text)
        }
        return id
    }
}

extension JSONValue {
    var objectMembers: [String: JSONValue] {
        guard case .object(let o) = self else { return [:] }
        var out: [String: JSONValue] = [:]
        for (k, v) in o.members { out[k] = v }
        return out
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Members in the order of `template`'s keys, then any new ones (so messages keep their shape).
    func ordered(like template: JSONValue) -> [(String, JSONValue)] {
        var keys: [String] = []
        if case .object(let o) = template { keys = o.keys }
        var out: [(String, JSONValue)] = keys.compactMap { k in self[k].map { (k, $0) } }
        for (k, v) in self.sorted(by: { $0.key < $1.key }) where !keys.contains(k) { out.append((k, v)) }
        return out
    }
}
