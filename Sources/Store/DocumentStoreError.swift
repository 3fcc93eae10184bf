#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a document could not be stored or read.
public enum DocumentStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The upload passed its byte limit; the partial file has been removed.
    case tooLarge(limit: Int)
    /// Not a SHA-512 in lowercase hex (128 digits): refused before it could name a path.
    case invalidDigest(String)
    /// No stored document has this digest.
    case notFound(sha512: String)
    /// `write` or `finish` after the upload was finished, aborted or failed.
    case uploadClosed
    /// A system call failed: which one, on which path, and errno.
    case io(operation: String, path: String, errno: Int32)
    /// libcrypto failed (should not happen with a sane OpenSSL).
    case crypto(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "document larger than the limit of \(limit) bytes"
        case .invalidDigest(let text): "not a lowercase hex SHA-512 digest: \"\(text.prefix(140))\""
        case .notFound(let sha512): "no stored document with SHA-512 \(sha512)"
        case .uploadClosed: "the upload is already finished or aborted"
        case .io(let operation, let path, let code): "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .crypto(let message): "libcrypto: \(message)"
        }
    }
}
