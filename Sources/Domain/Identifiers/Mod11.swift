/// The modulus-11 check digit used by Norwegian organisation numbers and fødselsnumre.
///
/// `11 − (Σ digit·weight mod 11)`, where 11 becomes 0 and 10 means no valid check digit exists
/// (Brønnøysundregistrene: "- (minus) is not a valid check digit").
enum Mod11 {
    /// The check digit for `digits` with `weights` (same length), or nil when it would be 10.
    static func checkDigit(_ digits: some Collection<UInt8>, weights: [Int]) -> Int? {
        precondition(digits.count == weights.count, "one weight per digit")
        var sum = 0
        for (digit, weight) in zip(digits, weights) { sum += Int(digit) * weight }
        let value = 11 - sum % 11
        switch value {
        case 11: return 0
        case 10: return nil
        default: return value
        }
    }
}

/// Splits an identifier into its decimal digits, or reports why it cannot be one.
///
/// Only ASCII digits count: spaces, separators and non-ASCII digits are refused, because the schemas
/// carry identifiers as bare digit strings and a lenient reader would accept what vendors must fix.
func parseDigits(_ text: String, count: Int, identifier: IdentifierError.Identifier) throws(IdentifierError) -> [UInt8] {
    var digits: [UInt8] = []
    digits.reserveCapacity(count)
    var length = 0
    var firstNonDigit: Int?
    for character in text {
        if let ascii = character.asciiValue, ascii >= UInt8(ascii: "0"), ascii <= UInt8(ascii: "9") {
            digits.append(ascii - UInt8(ascii: "0"))
        } else if firstNonDigit == nil {
            firstNonDigit = length
        }
        length += 1
    }
    guard length == count else {
        throw IdentifierError(identifier, .wrongLength(expected: count, actual: length))
    }
    if let offset = firstNonDigit {
        throw IdentifierError(identifier, .notDigits(offset: offset))
    }
    return digits
}
