import COpenSSL

/// Incremental SHA-512 over libcrypto's EVP interface, so a document is hashed piece by piece as it
/// streams to disk. Confined to its owner (an upload), like the EVP context it wraps.
final class SHA512Hasher {
    private let context: OpaquePointer

    init() throws(DocumentStoreError) {
        guard let context = EVP_MD_CTX_new() else { throw .crypto("EVP_MD_CTX_new failed") }
        guard EVP_DigestInit_ex(context, EVP_sha512(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw .crypto("EVP_DigestInit_ex(SHA-512) failed")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) throws(DocumentStoreError) {
        guard !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else { throw .crypto("EVP_DigestUpdate failed") }
    }

    /// The digest as 128 lowercase hex digits. Ends the hasher's use.
    func finalizeHex() throws(DocumentStoreError) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 64 else { throw .crypto("EVP_DigestFinal_ex failed") }
        return hexString(digest.prefix(Int(length)))
    }
}

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
}
