import HTTPCore
import HTTPServer
import Store
import Synchronization

/// Where document bytes live: content-addressed by SHA-512, written as they stream in.
public protocol DocumentFiles: Sendable {
    /// Starts receiving one file; refuses (by throwing) once more than `maxBytes` arrive.
    func beginUpload(maxBytes: Int) throws -> any IncomingDocument
    /// The stored file with this SHA-512 as a streamed body, or nil when it is not there.
    func open(sha512: String) throws -> (length: Int, producer: any HTTPBodyProducer)?
}

/// One upload in progress. Confined to the connection's queue while bytes arrive (as
/// `HTTPBodySink` documents). After `finish`, `keep` makes sure the file is durable under its hash
/// before any row names it; `discard` drops a refused upload (a file already placed under its hash
/// stays, unreferenced, and is never counted as received).
public protocol IncomingDocument: AnyObject, Sendable {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// The body ended: returns what arrived. The file is not yet kept.
    func finish() throws -> UploadedFile
    /// Makes the file durable under its SHA-512 (idempotent when it is already there).
    func keep() throws
    /// Drops the temporary file (a refused upload leaves nothing behind).
    func discard()
}

public struct UploadedFile: Sendable {
    public var sha512: String
    public var size: Int
    /// The media type sniffed from the content (PDF, JPEG, PNG), nil for anything else.
    public var mediaType: String?

    public init(sha512: String, size: Int, mediaType: String?) {
        self.sha512 = sha512
        self.size = size
        self.mediaType = mediaType
    }
}

/// The file is over the per-file limit (answered as 413 by the router).
struct DocumentTooLarge: Error, ProblemConvertible {
    let limit: Int
    var problem: Problem { APIProblem.documentTooLarge(limit: limit).problem }
}

/// Document files in the Store's content-addressed `DocumentStore` (`<data>/documents`).
public final class StoreDocumentFiles: DocumentFiles {
    let store: DocumentStore

    public init(store: DocumentStore) { self.store = store }

    public func beginUpload(maxBytes: Int) throws -> any IncomingDocument {
        Incoming(upload: try store.beginUpload(maxBytes: maxBytes))
    }

    public func open(sha512: String) throws -> (length: Int, producer: any HTTPBodyProducer)? {
        let reader: DocumentReader
        do { reader = try store.open(sha512: sha512) } catch DocumentStoreError.notFound { return nil }
        return (reader.size, ReaderProducer(reader: reader))
    }

    final class Incoming: IncomingDocument {
        let upload: DocumentUpload
        init(upload: DocumentUpload) { self.upload = upload }

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            do { try upload.write(bytes) } catch DocumentStoreError.tooLarge(let limit) { throw DocumentTooLarge(limit: limit) }
        }

        func finish() throws -> UploadedFile {
            let stored = try upload.finish()
            let type = stored.sniffedMediaType == .unknown ? nil : stored.sniffedMediaType.rawValue
            return UploadedFile(sha512: stored.sha512, size: stored.size, mediaType: type)
        }

        /// `finish` already fsynced and linked the file under its hash.
        func keep() throws {}
        func discard() { upload.abort() }
    }

    final class ReaderProducer: HTTPBodyProducer {
        let reader: DocumentReader
        init(reader: DocumentReader) { self.reader = reader }
        func next(maxBytes: Int) throws -> [UInt8]? {
            let piece = try reader.read(maxBytes: min(maxBytes, 256 * 1024))
            if piece.isEmpty { reader.close(); return nil }
            return piece
        }
    }
}

/// Media types from content, for the three the exchange takes.
enum MediaTypeSniffer {
    static func sniff(_ head: [UInt8]) -> String? {
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }
}

/// Document files in memory, for tests: same contract, nothing on disk.
public final class InMemoryDocumentFiles: DocumentFiles {
    private let files = Mutex<[String: [UInt8]]>([:])

    public init() {}

    public func beginUpload(maxBytes: Int) throws -> any IncomingDocument {
        Upload(owner: self, maxBytes: maxBytes)
    }

    public func open(sha512: String) throws -> (length: Int, producer: any HTTPBodyProducer)? {
        guard let bytes = files.withLock({ $0[sha512] }) else { return nil }
        return (bytes.count, BytesProducer(bytes: bytes))
    }

    fileprivate func store(_ bytes: [UInt8], sha512: String) { files.withLock { $0[sha512] = bytes } }

    public var count: Int { files.withLock { $0.count } }

    final class Upload: IncomingDocument, @unchecked Sendable {
        // @unchecked: confined to one connection's queue (HTTPBodySink's contract).
        let owner: InMemoryDocumentFiles
        let maxBytes: Int
        var bytes: [UInt8] = []
        var digest = ""

        init(owner: InMemoryDocumentFiles, maxBytes: Int) {
            self.owner = owner
            self.maxBytes = maxBytes
        }

        func write(_ chunk: UnsafeRawBufferPointer) throws {
            guard bytes.count + chunk.count <= maxBytes else { throw DocumentTooLarge(limit: maxBytes) }
            bytes.append(contentsOf: chunk)
        }

        func finish() throws -> UploadedFile {
            digest = SHA2.sha512Hex(bytes)
            return UploadedFile(sha512: digest, size: bytes.count, mediaType: MediaTypeSniffer.sniff(Array(bytes.prefix(16))))
        }

        func keep() throws { owner.store(bytes, sha512: digest) }
        func discard() { bytes = [] }
    }
}

/// Streams an in-memory byte array.
final class BytesProducer: HTTPBodyProducer, @unchecked Sendable {
    // @unchecked: the server calls `next` from one queue at a time.
    private let bytes: [UInt8]
    private var offset = 0
    init(bytes: [UInt8]) { self.bytes = bytes }
    func next(maxBytes: Int) throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + maxBytes)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
