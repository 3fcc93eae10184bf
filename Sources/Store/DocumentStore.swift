import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Document files stored by content: a file's name is its SHA-512, so the same bytes are stored once
/// and a name always means the same bytes.
///
/// Layout under `directory` (conventionally `<data>/documents`):
/// - `sha512/<first two hex digits>/<remaining 126>`: stored documents, never changed once linked;
/// - `.upload-<uuid>.tmp`: uploads in progress. A crash mid-upload leaves one behind; `init` removes
///   them, so only one `DocumentStore` per directory may be in use at a time.
///
/// Durability order: a document is fsynced and linked (and its directory fsynced) in `finish`, before
/// the caller commits any database row naming it, so an acknowledged row never names a missing file.
public final class DocumentStore: Sendable {
    public let directory: String
    /// The byte limit for uploads that name none.
    public let defaultMaxBytes: Int
    /// Leftover temporary uploads removed at start-up (for a log line).
    public let leftoverUploadsRemoved: Int

    private static let temporaryPrefix = ".upload-"
    private static let temporarySuffix = ".tmp"

    /// Opens the store, creating its directories, and removes uploads left by an earlier crash.
    public init(directory: String, defaultMaxBytes: Int = 10 * 1024 * 1024) throws {
        self.directory = directory
        self.defaultMaxBytes = defaultMaxBytes
        let parent = (directory as NSString).deletingLastPathComponent
        try FileSystemCalls.ensureDirectory(directory, parent: parent.isEmpty ? "." : parent)
        try FileSystemCalls.ensureDirectory(directory + "/sha512", parent: directory)
        var removed = 0
        for name in try FileSystemCalls.directoryEntries(directory)
        where name.hasPrefix(Self.temporaryPrefix) && name.hasSuffix(Self.temporarySuffix) {
            FileSystemCalls.removeFile(directory + "/" + name)
            removed += 1
        }
        self.leftoverUploadsRemoved = removed
    }

    /// Starts an upload limited to `maxBytes` (default: `defaultMaxBytes`).
    public func beginUpload(maxBytes: Int? = nil) throws -> DocumentUpload {
        let temporaryPath = directory + "/" + Self.temporaryPrefix + UUID().uuidString + Self.temporarySuffix
        return try DocumentUpload(store: self, temporaryPath: temporaryPath, maxBytes: maxBytes ?? defaultMaxBytes)
    }

    /// Opens a stored document for reading in pieces. Throws `.notFound` when there is none.
    public func open(sha512: String) throws -> DocumentReader {
        try DocumentReader(path: try path(sha512: sha512), sha512: sha512)
    }

    public func exists(sha512: String) throws -> Bool {
        try FileSystemCalls.fileSize(try path(sha512: sha512)) != nil
    }

    /// Size in bytes of a stored document, or nil when there is none.
    public func size(sha512: String) throws -> Int? {
        try FileSystemCalls.fileSize(try path(sha512: sha512))
    }

    /// Where a digest is stored. Refuses anything but 128 lowercase hex digits, so a digest taken from
    /// a request can never name another path.
    func path(sha512: String) throws -> String {
        let utf8 = sha512.utf8
        guard utf8.count == 128, utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw DocumentStoreError.invalidDigest(sha512)
        }
        return directory + "/sha512/" + sha512.prefix(2) + "/" + sha512.dropFirst(2)
    }

    /// Gives a finished, fsynced temporary file its content address; called by `DocumentUpload.finish`.
    ///
    /// `link` instead of `rename` so an existing document is never replaced: EEXIST means the same
    /// content is already stored, and the temporary file is simply dropped.
    func placeContentAddressed(temporaryPath: String, sha512: String) throws {
        let finalPath = try path(sha512: sha512)
        let fanOut = directory + "/sha512/" + sha512.prefix(2)
        try FileSystemCalls.ensureDirectory(fanOut, parent: directory + "/sha512")
        if link(temporaryPath, finalPath) != 0 && errno != EEXIST {
            let code = errno
            // File systems without hard links: rename (replacing same content with same content).
            guard code == EPERM || code == EOPNOTSUPP, rename(temporaryPath, finalPath) == 0 else {
                throw DocumentStoreError.io(operation: "link", path: finalPath, errno: code)
            }
        }
        FileSystemCalls.removeFile(temporaryPath)
        try FileSystemCalls.syncDirectory(fanOut)
    }
}
