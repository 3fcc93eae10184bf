/// Development bearer tokens: 32 random bytes, printed once, stored only as their SHA-256.
///
/// A token of this entropy needs no slow hash: nobody can guess it, so a fast digest that a
/// stolen database cannot reverse is enough (the same reasoning as GitHub's token storage).
public enum AccessToken {
    /// A new token, `kb_` followed by 64 hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        for _ in 0..<4 {
            let word: UInt64 = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return "kb_" + SHA2.hex(bytes)
    }

    /// The stored form of a token: its SHA-256 in lowercase hex.
    public static func hash(_ token: String) -> String {
        SHA2.sha256Hex(Array(token.utf8))
    }
}

/// Finds the caller a token hash belongs to.
public protocol AccessTokenLookup: Sendable {
    func caller(forTokenHash hash: String) async throws -> Caller?
}
