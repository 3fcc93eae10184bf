/// Why an event was not accepted for a case: a value with context, for a problem response.
///
///     // "the case is FERDIGBEHANDLET; UNDER_BEHANDLING (NAV) is not allowed from there"
///     refusal.code        // .overgangIkkeTillatt
///     refusal.pointer     // "/status"
///     refusal.current     // "FERDIGBEHANDLET"
///     refusal.requested   // "UNDER_BEHANDLING (NAV)"
public struct TransitionRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The event does not follow from the case's current position.
        case overgangIkkeTillatt = "overgang-ikke-tillatt"
        /// The event type belongs to the other role (e.g. klageUtfall by STATSFORVALTER).
        case feilRolle = "feil-rolle"
        /// The actor is not the NAV unit or embete the case belongs to.
        case feilPart = "feil-part"
        /// The event names another klagesakId.
        case feilKlagesak = "feil-klagesak"
        /// The hendelseId is already used for a different event.
        case hendelseIdKonflikt = "hendelseid-konflikt"
        /// The annulled hendelseId is not an event of this case.
        case annullertHendelseFinnesIkke = "annullert-hendelse-finnes-ikke"
        /// The event is already annulled.
        case alleredeAnnullert = "allerede-annullert"
        /// The event cannot be annulled (an annulment, a record made by the exchange, or another actor's event).
        case kanIkkeAnnulleres = "kan-ikke-annulleres"
        /// Annulling or inserting the event would make a later event illegal.
        case historikkBlirUlovlig = "historikk-blir-ulovlig"
        /// An outcome differs from the one already registered.
        case utfallStemmerIkke = "utfall-stemmer-ikke"
        /// A receipt or failure names another message than the one delivered, or there is none.
        case meldingStemmerIkke = "melding-stemmer-ikke"
        /// A reply to a task the case does not have.
        case ukjentOppgave = "ukjent-oppgave"
    }

    public let code: Code
    /// The event that was refused.
    public let hendelseId: String
    /// JSON Pointer of the field the refusal concerns, in the statushendelse (or, for the exchange's
    /// records, in the message behind them: `/embete/organisasjonsnummer` of a transfer).
    public let pointer: String
    /// The case's position when the event was tried (`Posisjon.navn`).
    public let current: String
    /// What the event asked for (`"UNDER_BEHANDLING (NAV)"`).
    public let requested: String
    /// Plain words: what is wrong and, where there is one, what to do instead.
    public let message: String

    public init(code: Code, hendelseId: String, pointer: String, current: String, requested: String, message: String) {
        self.code = code
        self.hendelseId = hendelseId
        self.pointer = pointer
        self.current = current
        self.requested = requested
        self.message = message
    }

    public var description: String { "\(code.rawValue) at \(pointer): \(message)" }
}
