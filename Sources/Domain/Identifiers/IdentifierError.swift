/// Why a string is not a valid Norwegian identifier.
///
/// The error never carries the input itself: a rejected fødselsnummer is still personal data and
/// these errors end up in logs and problem responses. The caller knows which field it parsed.
public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which kind of identifier was being parsed.
    public enum Identifier: String, Hashable, Sendable, CaseIterable {
        case fodselsnummer
        case organisasjonsnummer
        case kommunenummer
        case navEnhetsnummer
        case fylkesnummer

        /// The name as written in Norwegian text.
        public var navn: String {
            switch self {
            case .fodselsnummer: "fødselsnummer"
            case .organisasjonsnummer: "organisasjonsnummer"
            case .kommunenummer: "kommunenummer"
            case .navEnhetsnummer: "NAV-enhetsnummer"
            case .fylkesnummer: "fylkesnummer"
            }
        }
    }

    /// The exact reason.
    public enum Reason: Hashable, Sendable {
        /// Not the required number of characters.
        case wrongLength(expected: Int, actual: Int)
        /// A character that is not an ASCII digit, at this zero-based character offset.
        case notDigits(offset: Int)
        /// The mod-11 sum leaves remainder 1, so no check digit exists for these digits
        /// (position is the one-based digit position of the check digit: 9 for orgnr, 10 or 11 for fnr).
        case noValidCheckDigit(position: Int)
        /// The check digit at this one-based position is not the computed one.
        case checkDigitMismatch(position: Int)
        /// Day and month (offsets removed) do not form a real date in the year the number gives.
        case invalidBirthDate(day: Int, month: Int, year: Int)
        /// The individual number (digits 7–9) has no century for this two-digit year.
        case noCentury(individnummer: Int, twoDigitYear: Int)
        /// The month or day carries an offset that is not defined (e.g. month 21–40, 53–80, 93+).
        case unknownDateOffset(day: Int, month: Int)
        /// A synthetic test number (month +40 NAV/Dolly or H-nummer, month +80 Skatteetaten/Tenor)
        /// where the policy does not allow synthetic numbers.
        case syntheticNotAllowed(Fodselsnummer.Synthetic)
    }

    public let identifier: Identifier
    public let reason: Reason

    public init(_ identifier: Identifier, _ reason: Reason) {
        self.identifier = identifier
        self.reason = reason
    }

    /// A stable machine-readable code for problem responses, e.g. `fodselsnummer.kontrollsiffer`.
    public var code: String {
        let suffix = switch reason {
        case .wrongLength: "lengde"
        case .notDigits: "ikke-siffer"
        case .noValidCheckDigit, .checkDigitMismatch: "kontrollsiffer"
        case .invalidBirthDate, .noCentury, .unknownDateOffset: "dato"
        case .syntheticNotAllowed: "syntetisk-ikke-tillatt"
        }
        return "\(identifier.rawValue).\(suffix)"
    }

    /// A plain message, Norwegian first with English in parentheses, that never repeats the input.
    public var message: String {
        let navn = identifier.navn
        switch reason {
        case .wrongLength(let expected, let actual):
            return "Et \(navn) har \(expected) sifre, ikke \(actual) tegn (\(identifier.rawValue) must be \(expected) digits, got \(actual) characters)."
        case .notDigits(let offset):
            return "Et \(navn) består bare av sifre; tegn nr. \(offset + 1) er ikke et siffer (only digits allowed; character \(offset + 1) is not a digit)."
        case .noValidCheckDigit(let position):
            return "Sifrene før kontrollsiffer nr. \(position) gir ikke noe gyldig kontrollsiffer, så dette er ikke et gyldig \(navn) (no valid mod-11 check digit exists for these digits)."
        case .checkDigitMismatch(let position):
            return "Kontrollsifferet (siffer nr. \(position)) stemmer ikke; sjekk om et siffer er skrevet feil (check digit \(position) does not match)."
        case .invalidBirthDate(let day, let month, let year):
            return "Fødselsdatoen finnes ikke: dag \(day), måned \(month), år \(year) (the birth date is not a real date)."
        case .noCentury(let individnummer, let twoDigitYear):
            return "Individnummer \(individnummer) hører ikke til noe århundre når årstallet er \(twoDigitYear) (individual number has no century for this year)."
        case .unknownDateOffset(let day, let month):
            return "Dag \(day) og måned \(month) er ingen kjent form for fødselsnummer, d-nummer eller testnummer (unknown day/month offset)."
        case .syntheticNotAllowed(let synthetic):
            return "Dette er \(synthetic.beskrivelse), og syntetiske testnumre er ikke tillatt her (synthetic test numbers are not allowed by this server's configuration)."
        }
    }

    public var description: String { message }
}
