/// Norwegian organisation numbers (organisasjonsnummer, Enhetsregisteret): nine digits, the last a
/// mod-11 check digit over the first eight with weights 3, 2, 7, 6, 5, 4, 3, 2.
public enum OrganizationNumber {
    private static let weights: [Int] = [3, 2, 7, 6, 5, 4, 3, 2]

    /// True when `candidate` is exactly nine ASCII digits whose last digit is the mod-11 check
    /// digit: remainder 0 gives check digit 0, remainder 1 makes the number invalid, otherwise
    /// the check digit is 11 − remainder.
    public static func isValid(_ candidate: some StringProtocol) -> Bool {
        let utf8 = candidate.utf8
        guard utf8.count == 9 else { return false }
        var sum = 0
        var index = 0
        var checkDigit = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            let digit = Int(byte - UInt8(ascii: "0"))
            if index < 8 {
                sum += digit * weights[index]
            } else {
                checkDigit = digit
            }
            index += 1
        }
        let remainder = sum % 11
        if remainder == 1 { return false }
        return checkDigit == (remainder == 0 ? 0 : 11 - remainder)
    }

    /// The prefix of `organizationIdentifier` for the Norwegian national trade register
    /// (ETSI EN 319 412-1 semantics identifier "NTR" + country "NO").
    static let organizationIdentifierPrefix = "NTRNO-"

    /// The organisation number a certificate subject claims, or nil.
    ///
    /// - `serialNumbers`: every subject `serialNumber` value (older virksomhetssertifikat profile,
    ///   where it is the bare nine digits).
    /// - `organizationIdentifiers`: every subject `organizationIdentifier` value (SEID 2.0:
    ///   `NTRNO-<orgnr>`). Values with another prefix (VAT, LEI, …) are not organisation-number
    ///   claims and are ignored.
    ///
    /// Every claim present must be the same string, and it must be a valid organisation number.
    /// When claims disagree the answer is nil rather than either one: the certificate is
    /// inconsistent, and picking one would let the attribute order (or a CA's mistake) decide whom
    /// the caller is treated as. Failing closed leaves the caller without an organisation, so
    /// it is refused, and the subject in the logs shows why.
    public static func fromSubject(serialNumbers: [String], organizationIdentifiers: [String]) -> String? {
        var claims = serialNumbers
        for identifier in organizationIdentifiers where identifier.hasPrefix(organizationIdentifierPrefix) {
            claims.append(String(identifier.dropFirst(organizationIdentifierPrefix.count)))
        }
        guard let first = claims.first, claims.allSatisfy({ $0 == first }), isValid(first) else {
            return nil
        }
        return first
    }
}
