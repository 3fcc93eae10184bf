/// Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112), as branch-light bitmap tests.
/// A class is a 128-bit set of ASCII bytes held in two `UInt64` constants, so the parser needs no
/// lookup table in memory and no global state; bytes at or above 0x80 are tested separately.
enum HTTPByteClass {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let comma: UInt8 = 0x2C
    static let dquote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let asterisk: UInt8 = 0x2A

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    //       / DIGIT / ALPHA
    private static let tokenLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    // Bytes allowed in a Host value or an authority-form target: unreserved, sub-delims except ",",
    // ":" (port), "[" "]" (IP-literal) and "%" (pct-encoded). No "@" (userinfo), "/" or ",".
    private static let hostLow: UInt64 = 0x2FFF_6FF2_0000_0000
    private static let hostHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    @inline(__always)
    private static func contains(_ c: UInt8, low: UInt64, high: UInt64) -> Bool {
        if c < 64 { return (low >> UInt64(c)) & 1 != 0 }
        if c < 128 { return (high >> UInt64(c &- 64)) & 1 != 0 }
        return false
    }

    /// A token character (method, field name, transfer coding, chunk-extension name).
    @inline(__always)
    static func isToken(_ c: UInt8) -> Bool { contains(c, low: tokenLow, high: tokenHigh) }

    /// A byte of a request-target: visible ASCII except "#" (no CTL, SP, DEL, non-ASCII, and no
    /// fragment: RFC 9112 §3.2 request-targets have none).
    @inline(__always)
    static func isTarget(_ c: UInt8) -> Bool { c &- 0x21 < 0x5E && c != 0x23 }

    /// A byte inside a field value: VCHAR, obs-text, SP or HTAB (no CTL, no DEL).
    @inline(__always)
    static func isFieldValue(_ c: UInt8) -> Bool { (c >= 0x20 && c != 0x7F) || c == htab }

    /// A byte allowed in a Host field value or authority-form target.
    @inline(__always)
    static func isHost(_ c: UInt8) -> Bool { contains(c, low: hostLow, high: hostHigh) }

    /// qdtext of a quoted-string: HTAB, SP, visible ASCII except DQUOTE and backslash, obs-text.
    @inline(__always)
    static func isQuotedText(_ c: UInt8) -> Bool {
        c == htab || c == sp || c == 0x21 || (c >= 0x23 && c <= 0x7E && c != backslash) || c >= 0x80
    }

    /// A byte that may follow a backslash in a quoted-pair: HTAB, SP, VCHAR, obs-text.
    @inline(__always)
    static func isQuotedPair(_ c: UInt8) -> Bool { c == htab || (c >= 0x20 && c != 0x7F) }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    @inline(__always)
    static func isOWS(_ c: UInt8) -> Bool { c == sp || c == htab }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: Int(c &- 0x30)
        case 0x41...0x46: Int(c &- 0x41 &+ 10)
        case 0x61...0x66: Int(c &- 0x61 &+ 10)
        default: nil
        }
    }

    /// ASCII lower-casing of a token byte (letters only; other token bytes are unchanged).
    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { (c &- 0x41 < 26) ? c | 0x20 : c }
}
