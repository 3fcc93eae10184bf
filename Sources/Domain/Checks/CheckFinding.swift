/// One finding of a semantic check: where (JSON Pointer into the message), what (a stable code)
/// and why (plain words, Norwegian with an English gloss, as the identifier errors).
public struct CheckFinding: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// The message is rejected.
        case refusal
        /// The message is accepted but marked (e.g. a late appeal, which can still be heard).
        case flag
    }

    public let severity: Severity
    /// JSON Pointer of the field the finding concerns (`/klage/mottattDato`, `/dokumenter/2/sha512`).
    public let pointer: String
    /// Stable, machine-readable code (`klagefrist-overskredet`, `fodselsnummer.kontrollsiffer`).
    public let code: String
    public let message: String

    public init(_ severity: Severity, pointer: String, code: String, message: String) {
        self.severity = severity
        self.pointer = pointer
        self.code = code
        self.message = message
    }

    public static func refusal(_ pointer: String, _ code: String, _ message: String) -> CheckFinding {
        CheckFinding(.refusal, pointer: pointer, code: code, message: message)
    }

    public static func flag(_ pointer: String, _ code: String, _ message: String) -> CheckFinding {
        CheckFinding(.flag, pointer: pointer, code: code, message: message)
    }

    public var description: String { "\(severity.rawValue) \(code) at \(pointer): \(message)" }
}

/// All findings of a check, split into refusals and flags, each in message order.
public struct CheckResult: Hashable, Sendable {
    public internal(set) var refusals: [CheckFinding] = []
    public internal(set) var flags: [CheckFinding] = []

    public init() {}

    public init(_ findings: [CheckFinding]) {
        for f in findings { add(f) }
    }

    /// True when nothing refuses the message (flags do not).
    public var isAccepted: Bool { refusals.isEmpty }

    /// Refusals then flags.
    public var all: [CheckFinding] { refusals + flags }

    mutating func add(_ f: CheckFinding) {
        switch f.severity {
        case .refusal: refusals.append(f)
        case .flag: flags.append(f)
        }
    }
}
