import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One document arriving in pieces. Each piece is appended to a temporary file next to the store and
/// fed to a SHA-512 as it comes, so memory stays bounded whatever the size; nothing is held whole.
///
/// ```swift
/// let upload = try documents.beginUpload(maxBytes: 10 << 20)
/// for piece in body { try piece.withUnsafeBytes { try upload.write($0) } }   // throws past maxBytes
/// let stored = try upload.finish()          // durable under stored.sha512 from here on
/// guard stored.sniffedMediaType != .unknown else { … refuse … }
/// ```
///
/// Exactly one of `finish` or `abort` ends an upload; an upload dropped without either is aborted.
/// Any failure (too large, I/O) removes the temporary file and closes the upload.
///
/// `write` only copies into the page cache and is cheap; `finish` waits for two fsyncs (the file and its
/// directory), typically milliseconds. Call `finish` where blocking is allowed (a task, a work queue),
/// not on an event-loop queue that serves other connections.
public final class DocumentUpload: Sendable {
    /// The byte limit; `write` throws `.tooLarge` when the total would exceed it.
    public let maxBytes: Int
    /// The temporary file, in the store's directory so the final link stays on one file system.
    let temporaryPath: String
    private let store: DocumentStore

    private struct Progress {
        var descriptor: Int32
        var hasher: SHA512Hasher
        var size = 0
        /// The first bytes, for sniffing the type.
        var prefix: [UInt8] = []
        var isOpen = true
    }

    /// Guards the upload's file and hasher, so it may be fed from whichever queue handles the body;
    /// pieces must still arrive in order, one at a time.
    private let progress: Mutex<Progress>

    init(store: DocumentStore, temporaryPath: String, maxBytes: Int) throws {
        let hasher = try SHA512Hasher()
        let descriptor = try FileSystemCalls.openForNewFile(temporaryPath)
        self.store = store
        self.temporaryPath = temporaryPath
        self.maxBytes = maxBytes
        self.progress = Mutex(Progress(descriptor: descriptor, hasher: hasher))
    }

    deinit { abort() }

    /// Bytes received so far.
    public var size: Int { progress.withLock { $0.size } }

    /// Appends a piece. Throws `.tooLarge` (and discards the upload) when the total would pass `maxBytes`.
    public func write(_ piece: UnsafeRawBufferPointer) throws {
        // The caller's buffer is only read, during this call, under the lock, and never kept (the
        // hasher and the file take copies). Region analysis cannot see that a non-Sendable buffer passed
        // to the hasher stays out of the locked state, so the closure rebuilds the view from its address.
        let address = UInt(bitPattern: piece.baseAddress)
        let count = piece.count
        try progress.withLock { (progress) in
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: count)
            guard progress.isOpen else { throw DocumentStoreError.uploadClosed }
            guard bytes.count <= maxBytes - progress.size else {
                discard(&progress)
                throw DocumentStoreError.tooLarge(limit: maxBytes)
            }
            guard !bytes.isEmpty else { return }
            if progress.prefix.count < DocumentMediaType.signatureLength {
                progress.prefix += bytes.prefix(DocumentMediaType.signatureLength - progress.prefix.count)
            }
            do {
                try progress.hasher.update(bytes)
                try FileSystemCalls.writeAll(progress.descriptor, bytes, path: temporaryPath)
            } catch {
                discard(&progress)
                throw error
            }
            progress.size += bytes.count
        }
    }

    /// Appends a piece given as an array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (raw) in try write(raw) }
    }

    /// Makes the document durable and returns what it is.
    ///
    /// The temporary file is fsynced, then linked under `sha512/<first two hex digits>/<the rest>` and the
    /// directory fsynced; when that name already exists (the same content was stored before), the
    /// existing file is kept. Only after `finish` returns may a database row refer to the document.
    public func finish() throws -> StoredDocument {
        try progress.withLock { (progress) -> StoredDocument in
            guard progress.isOpen else { throw DocumentStoreError.uploadClosed }
            do {
                try FileSystemCalls.sync(progress.descriptor, path: temporaryPath)
                let sha512 = try progress.hasher.finalizeHex()
                FileSystemCalls.closeDescriptor(progress.descriptor)
                progress.descriptor = -1
                try store.placeContentAddressed(temporaryPath: temporaryPath, sha512: sha512)
                progress.isOpen = false
                return StoredDocument(sha512: sha512, size: progress.size, sniffedMediaType: DocumentMediaType.sniff(progress.prefix))
            } catch {
                discard(&progress)
                throw error
            }
        }
    }

    /// Drops the upload and its temporary file. Harmless after `finish` or a failure.
    public func abort() {
        progress.withLock { discard(&$0) }
    }

    private func discard(_ progress: inout Progress) {
        guard progress.isOpen else { return }
        progress.isOpen = false
        if progress.descriptor >= 0 {
            FileSystemCalls.closeDescriptor(progress.descriptor)
            progress.descriptor = -1
        }
        FileSystemCalls.removeFile(temporaryPath)
    }
}
