import HTTPCore
import JSONSchema
import HTTPServer
import Synchronization

/// Document bytes: streamed upload checked against the message's list, streamed download.
extension ExchangeAPI {
    /// Makes the sink for an upload once the head is read: refuses a declared size over the limit at
    /// once, before any byte is read.
    @Sendable func makeUploadSink(_ head: HTTPRequestHead, _ connection: ConnectionInfo) throws -> any HTTPBodySink {
        if case .contentLength(let length) = head.framing, length > configuration.maxDocumentBytes {
            throw APIProblem.documentTooLarge(limit: configuration.maxDocumentBytes)
        }
        // Without any credentials there is no reason to read megabytes first (the full check of the
        // caller follows in the handler).
        if connection.peer?.organizationNumber == nil && head.headers["Authorization"] == nil {
            throw APIProblem.unauthenticated("Send a client certificate (mutual TLS) or an Authorization: Bearer token.")
        }
        return UploadSink(upload: try files.beginUpload(maxBytes: configuration.maxDocumentBytes))
    }

    /// PUT /api/v1/klagesaker/{klagesakId}/dokumenter/{dokumentId}. The file is kept only when it
    /// matches the listing (size, SHA-512, media type sniffed from content); the document counts as
    /// received only once the file is durable and the case records it, in that order.
    func uploadDocument(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        guard case .streamed(let anySink) = request.body, let sink = anySink as? UploadSink else {
            throw Problem(status: .badRequest, detail: "The document body could not be read.")
        }
        var kept = false
        defer { if !kept { sink.upload.discard() } }
        let caller = try await authenticate(request, .uploadDocument)
        let id = try caseId(context)
        let dokumentId = pathParameter(context, "dokumentId")
        let snapshot = try await visibleCase(id, for: caller, request, parts: .documents)
        guard let index = snapshot.documents.firstIndex(where: { $0.dokumentId == dokumentId && $0.listedBy == caller.organisasjonsnummer })
        else { throw APIProblem.documentNotFound(klagesakId: id, dokumentId: dokumentId) }
        let listed = snapshot.documents[index]
        guard let file = try sink.store() else {
            throw Problem(status: .badRequest, detail: "The document body was not complete.")
        }

        var errors: [APIProblem.FieldError] = []
        if file.size != listed.storrelse {
            errors.append(.init(pointer: "/storrelse", code: "storrelse-stemmer-ikke",
                                message: "The file has \(file.size) bytes; the list says \(listed.storrelse)."))
        }
        if file.sha512 != listed.sha512 {
            errors.append(.init(pointer: "/sha512", code: "sha512-stemmer-ikke",
                                message: "The file's SHA-512 is \(file.sha512); the list says \(listed.sha512)."))
        }
        let sniffed = file.mediaType
        if sniffed != listed.mediatype {
            errors.append(.init(pointer: "/mediatype", code: "mediatype-stemmer-ikke",
                                message: "The content is \(sniffed ?? "not PDF, JPEG or PNG"); the list says \(listed.mediatype)."))
        }
        if !errors.isEmpty { throw APIProblem.documentMismatch(dokumentId: dokumentId, errors: errors) }

        if listed.mottattTidspunkt != nil {
            // The same bytes again (the hash matched): a retry, answered like the first time.
            kept = true
            return JSONResponse.make(.ok, uploadReceipt(snapshot, dokumentId: dokumentId))
        }
        try sink.upload.keep()
        kept = true
        let now = configuration.now()
        let updated = try await store.update(id, creating: nil) { current in
            var change = CaseChange()
            if current.documents.contains(where: { $0.dokumentId == dokumentId && $0.mottattTidspunkt == nil }) {
                change.receivedDocuments = [(dokumentId, now)]
            }
            var after = current
            for i in after.documents.indices where after.documents[i].dokumentId == dokumentId && after.documents[i].mottattTidspunkt == nil {
                after.documents[i].mottattTidspunkt = now
            }
            return (change, after)
        }
        return JSONResponse.make(.created, uploadReceipt(updated, dokumentId: dokumentId))
    }

    func uploadReceipt(_ snapshot: CaseSnapshot, dokumentId: String) -> JSONValue {
        let document = snapshot.documents.first { $0.dokumentId == dokumentId }
        let missing = snapshot.missingDocuments
        return JSONResponse.object([
            ("klagesakId", .string(snapshot.record.klagesakId)),
            ("dokument", document.map(Self.documentSummary)),
            ("komplett", .bool(missing.isEmpty)),
            ("manglendeDokumenter", .array(missing.map(Self.documentSummary))),
        ])
    }

    /// GET /api/v1/klagesaker/{klagesakId}/dokumenter/{dokumentId}: the file, streamed, after the read is audited.
    func downloadDocument(_ request: HTTPRequest, _ context: RouteContext) async throws -> HTTPResponse {
        let caller = try await authenticate(request, .downloadDocument)
        let id = try caseId(context)
        let dokumentId = pathParameter(context, "dokumentId")
        let snapshot = try await visibleCase(id, for: caller, request, parts: .documents)
        guard let document = snapshot.documents.first(where: { $0.dokumentId == dokumentId && $0.mottattTidspunkt != nil }),
            let file = try files.open(sha512: document.sha512)
        else { throw APIProblem.documentNotFound(klagesakId: id, dokumentId: dokumentId) }
        try await audit(caller, [id], "last-ned-dokument:\(dokumentId)", context)
        var headers = HTTPHeaders()
        headers.set("Content-Type", document.mediatype)
        headers.add("Digest", "sha-512=\(document.sha512)")
        return HTTPResponse(status: .ok, headers: headers, body: .stream(length: file.length, producer: file.producer))
    }
}

/// Receives an upload's bytes into a `IncomingDocument`. Confined to the connection's queue while
/// bytes arrive (HTTPBodySink's contract). `finish` only notes that the body is complete: making
/// the file durable costs two fsyncs, which must not stall the event loop's other connections, so
/// the async handler does it with `store()`.
final class UploadSink: HTTPBodySink {
    let upload: any IncomingDocument
    private let bodyComplete = Mutex<Bool>(false)

    init(upload: any IncomingDocument) { self.upload = upload }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try upload.write(bytes) }

    func finish() throws {
        bodyComplete.withLock { $0 = true }
    }

    /// The complete upload, fsynced and stored under its hash; nil when the body did not end.
    /// Called once, from the async handler.
    func store() throws -> UploadedFile? {
        guard bodyComplete.withLock({ $0 }) else { return nil }
        return try upload.finish()
    }
}
