import HTTPServer
import Synchronization

/// Who is calling, as established at the edge: a role and an organisation number.
///
/// With mutual TLS the organisation number comes from the verified client certificate, and the
/// role from the addressing registry (a known embete is `statsforvalter`, a known NAV unit `nav`).
/// In development a bearer token made by `klagebro token create` names both.
public struct Caller: Sendable, Equatable {
    public var role: Role
    public var organisasjonsnummer: String

    public init(role: Role, organisasjonsnummer: String) {
        self.role = role
        self.organisasjonsnummer = organisasjonsnummer
    }
}

/// Resolves the caller of a request, or refuses with 401.
struct CallerResolver: Sendable {
    let tokens: any AccessTokenLookup
    /// The role of a certificate's organisation number (registry lookup); nil when unknown.
    let roleForCertificate: @Sendable (String) -> Role?
    /// Tokens found recently, so a client on keep-alive does not cost a hash and a database read per
    /// request. Only known tokens are kept, each for a minute: a token deleted from the
    /// database stops working within that time. Unknown tokens always go to the database.
    let knownTokens = TokenCache(lifetime: .seconds(60), capacity: 10_000)

    init(tokens: any AccessTokenLookup, roleForCertificate: @escaping @Sendable (String) -> Role?) {
        self.tokens = tokens
        self.roleForCertificate = roleForCertificate
    }

    func caller(of request: HTTPRequest) async throws -> Caller {
        if let orgnr = request.connection.peer?.organizationNumber {
            guard let role = roleForCertificate(orgnr) else {
                throw APIProblem.unauthenticated(
                    "The client certificate's organisation number \(orgnr) is neither a registered NAV unit nor an embete.")
            }
            return Caller(role: role, organisasjonsnummer: orgnr)
        }
        guard let authorization = request.headers["Authorization"] else {
            throw APIProblem.unauthenticated("Send a client certificate (mutual TLS) or an Authorization: Bearer token.")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIProblem.unauthenticated("The Authorization header must be 'Bearer <token>'.")
        }
        let token = String(parts[1]).trimmingSpaces()
        if let caller = knownTokens.caller(for: token) { return caller }
        guard let caller = try await tokens.caller(forTokenHash: AccessToken.hash(token)) else {
            throw APIProblem.unauthenticated("The bearer token is not known (or was revoked).")
        }
        knownTokens.remember(token, as: caller)
        return caller
    }
}

/// Bearer tokens already looked up, each with the moment it must be looked up again.
final class TokenCache: Sendable {
    private struct Entry {
        let caller: Caller
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    /// Past this many tokens the cache starts over, so random tokens cannot grow it without bound.
    private let capacity: Int

    init(lifetime: Duration, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func caller(for token: String) -> Caller? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.caller
        }
    }

    func remember(_ token: String, as caller: Caller) {
        let entry = Entry(caller: caller, expires: ContinuousClock.now + lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
