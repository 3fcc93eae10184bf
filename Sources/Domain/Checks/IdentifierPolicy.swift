/// How the semantic checks validate identifiers: a seam, so that the checks do not decide which
/// numbers a server accepts (synthetic test numbers only where configured).
///
/// `FodselsnummerPolicy` (the identifiers' configuration value) conforms, using `Fodselsnummer` and
/// `Organisasjonsnummer`:
///
///     TransferCheck.check(message, identifiers: FodselsnummerPolicy.production, …)
public protocol IdentifierPolicy: Sendable {
    /// nil when `text` is an acceptable fødselsnummer or d-nummer.
    func problem(fodselsnummer text: String) -> IdentifierProblem?
    /// nil when `text` is a valid organisation number (check digit).
    func problem(organisasjonsnummer text: String) -> IdentifierProblem?
}

/// Why an identifier was not accepted. Never contains the identifier itself (it may be personal data).
public struct IdentifierProblem: Hashable, Sendable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension FodselsnummerPolicy: IdentifierPolicy {
    public func problem(fodselsnummer text: String) -> IdentifierProblem? {
        do {
            _ = try Fodselsnummer(parsing: text, policy: self)
            return nil
        } catch {
            return IdentifierProblem(code: error.code, message: error.message)
        }
    }

    public func problem(organisasjonsnummer text: String) -> IdentifierProblem? {
        do {
            _ = try Organisasjonsnummer(parsing: text)
            return nil
        } catch {
            return IdentifierProblem(code: error.code, message: error.message)
        }
    }
}
