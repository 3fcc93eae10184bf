import COpenSSL

/// SHA-256 and SHA-512 through libcrypto's one-shot `EVP_Digest`, for the hashes the API takes itself:
/// access-token digests and the content hashes of a message body (idempotency, receipts). Document
/// files are hashed by the Store as they stream. The same OpenSSL serves TLS, so this adds no library;
/// it is several times faster than a hash in plain Swift, and every submission takes two.
enum SHA2 {
    static func sha256Hex(_ bytes: [UInt8]) -> String { hex(sha256(bytes)) }
    static func sha512Hex(_ bytes: [UInt8]) -> String { hex(sha512(bytes)) }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha256(), length: 32) }
    static func sha512(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha512(), length: 64) }

    static func hex(_ digest: [UInt8]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: digest.count * 2) { out in
            digits.withUTF8Buffer { digits in
                for (i, byte) in digest.enumerated() {
                    out[2 * i] = digits[Int(byte >> 4)]
                    out[2 * i + 1] = digits[Int(byte & 0x0f)]
                }
            }
            return digest.count * 2
        }
    }

    private static func digest(_ bytes: [UInt8], _ type: OpaquePointer?, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var written: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &out, &written, type, nil)
        }
        // EVP_Digest fails only when libcrypto cannot allocate a context or the digest is unavailable
        // (a FIPS build without SHA-2 is not a real configuration): nothing a caller could recover from.
        precondition(ok == 1 && Int(written) == length, "EVP_Digest failed")
        return Array(out.prefix(length))
    }
}
