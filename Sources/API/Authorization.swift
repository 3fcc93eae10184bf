/// Who may do what: the role check per endpoint, and the party check per case.
///
/// A NAV unit sees only the cases it holds (sent); an embete only the cases addressed to it; the
/// innsyn role only the cases of the citizen it names; admin no case content at all. A case the
/// caller is not a party to answers exactly as a case that does not exist (404), so ids cannot be probed.
enum Authorization {
    static func requireRole(_ caller: Caller, for endpoint: Endpoint) throws(APIProblem) {
        guard let roles = endpoint.allowedRoles else { return }
        guard roles.contains(caller.role) else {
            throw .roleNotAllowed(role: caller.role, action: "call \(endpoint.method.rawValue) \(endpoint.path)")
        }
    }

    /// The header in which the innsyn role names the citizen it acts for (fødselsnummer or d-nummer).
    static let citizenHeader = "Klagebro-Innbygger"

    static func isParty(_ caller: Caller, to c: StoredCase, citizen: String?) -> Bool {
        switch caller.role {
        case .nav: return c.senderOrgnr == caller.organisasjonsnummer
        case .statsforvalter: return c.embeteOrgnr == caller.organisasjonsnummer && c.meldingId != nil
        case .innsyn:
            guard let citizen, !citizen.isEmpty else { return false }
            return c.klagerIdent == citizen || c.fullmektigIdent == citizen
        case .admin: return false
        }
    }

    static func requireParty(_ caller: Caller, to c: StoredCase, citizen: String? = nil) throws(APIProblem) {
        guard isParty(caller, to: c, citizen: citizen) else { throw .caseNotFound(klagesakId: c.klagesakId) }
    }
}
