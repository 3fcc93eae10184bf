/// What kind of party a caller is. The role decides which endpoints it may use at all; the
/// organisation number then decides which cases it may see (`Authorization`).
public enum Role: String, Sendable, CaseIterable, Codable {
    /// A municipal NAV unit (its fagsystem): sends cases, posts NAV-stage events, receives decisions.
    case nav
    /// A Statsforvalter embete: pulls the cases addressed to it and sends decisions back.
    case statsforvalter
    /// The citizen's status view (nav.no-style frontend), acting for a named citizen.
    case innsyn
    /// Operators: audit log. Admin never reads case content.
    case admin
}
