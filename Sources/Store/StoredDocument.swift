/// What a document's first bytes say it is. Only these types are accepted; the type a client declares
/// is checked against this, never trusted.
public enum DocumentMediaType: String, Sendable, Hashable, CaseIterable {
    case pdf = "application/pdf"
    case png = "image/png"
    case jpeg = "image/jpeg"
    /// None of the above: the caller refuses the document.
    case unknown = "application/octet-stream"

    /// The longest signature checked.
    static let signatureLength = 8

    /// Sniffs the type from the first bytes of the content (at least `signatureLength` when available).
    public static func sniff(_ prefix: some Collection<UInt8>) -> DocumentMediaType {
        let bytes = Array(prefix.prefix(signatureLength))
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return .unknown
    }
}

/// A document stored durably under its SHA-512.
public struct StoredDocument: Sendable, Hashable {
    /// SHA-512 of the content, 128 lowercase hex digits; also its name in the store.
    public let sha512: String
    /// Size in bytes.
    public let size: Int
    /// The type sniffed from the content.
    public let sniffedMediaType: DocumentMediaType

    public init(sha512: String, size: Int, sniffedMediaType: DocumentMediaType) {
        self.sha512 = sha512
        self.size = size
        self.sniffedMediaType = sniffedMediaType
    }
}
