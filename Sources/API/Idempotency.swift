import JSONSchema

/// Whether a re-sent message is the one already stored under its id. Equal bytes are; otherwise
/// the two are compared as JSON (member order, insignificant whitespace and number spelling such as
/// `1.0`/`1` do not matter), since a sender that re-serialises the same message has not changed it.
enum Idempotency {
    static func sameContent(stored: [UInt8], storedSha256: String, received: JSONValue, receivedSha256: String) -> Bool {
        if storedSha256 == receivedSha256 { return true }
        guard let parsed = try? JSONParser.parse(bytes: stored) else { return false }
        return parsed == received
    }
}
