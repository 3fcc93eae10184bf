import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a stored document in pieces, for streaming it into a response without loading it whole.
/// The file is closed at the end of the content, by `close()`, or when the reader is dropped.
public final class DocumentReader: Sendable {
    public let sha512: String
    /// Size in bytes, known when opened.
    public let size: Int
    private let path: String
    /// The open descriptor, or -1 once closed. Locked so the reader may move between queues.
    private let descriptor: Mutex<Int32>

    init(path: String, sha512: String) throws {
        let opened: Int32
        do {
            opened = try FileSystemCalls.openForReading(path)
        } catch .io(_, _, ENOENT) {
            throw DocumentStoreError.notFound(sha512: sha512)
        }
        do {
            self.size = try FileSystemCalls.fileSize(of: opened, path: path)
        } catch {
            FileSystemCalls.closeDescriptor(opened)
            throw error
        }
        self.path = path
        self.sha512 = sha512
        self.descriptor = Mutex(opened)
    }

    deinit { close() }

    /// Reads up to `buffer.count` bytes; returns how many, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try descriptor.withLock { (descriptor) -> Int in
            guard descriptor >= 0 else { return 0 }
            return try FileSystemCalls.readSome(descriptor, into: buffer, path: path)
        }
    }

    /// Reads the next piece of at most `maxBytes`; an empty array at the end.
    public func read(maxBytes: Int = 64 * 1024) throws -> [UInt8] {
        var piece = [UInt8](repeating: 0, count: maxBytes)
        let count = try piece.withUnsafeMutableBytes { (buffer) in try read(into: buffer) }
        piece.removeLast(maxBytes - count)
        return piece
    }

    public func close() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 {
                FileSystemCalls.closeDescriptor(descriptor)
                descriptor = -1
            }
        }
    }
}
