/// An exact JSON number: `sign × significand × 10^exponent`, kept in decimal.
///
/// Foundation's `JSONSerialization` and `Double` round big integers and decimal fractions;
/// JSON Schema needs `1.0 == 1`, exact comparisons of integers beyond 2^53 and a correct
/// `multipleOf` for decimals. The value is normalised (no trailing zeros in the significand,
/// zero is `+0 × 10^0`), so structural equality is numeric equality.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible, Comparable {
    // Stored as compactly as the values allow (21 bytes): it makes `JSONValue` 21 bytes too,
    // which Swift passes and copies in registers. At 40 bytes it went through memory and the
    // type's value witnesses on every copy, which profiles showed per object member.

    /// The significand when it fits in 64 bits (19 digits or fewer); 0 when `bigDigits` is set.
    let small: UInt64
    /// ASCII digits of a significand longer than 19 digits (no leading or trailing zeros).
    let bigDigits: [UInt8]?
    /// The power of ten; it is clamped to ±`exponentLimit`, which fits in 32 bits.
    private let storedExponent: Int32
    /// True for negative numbers (never for zero).
    public let isNegative: Bool

    /// The power of ten.
    public var exponent: Int { Int(storedExponent) }

    /// Builds and normalises a number from its significand digits (ASCII, may have leading and
    /// trailing zeros) and a power of ten.
    init(negative: Bool, digits: UnsafeBufferPointer<UInt8>, exponent: Int) {
        var start = 0
        var end = digits.count
        while start < end && digits[start] == 0x30 { start += 1 }
        var exp = exponent
        while end > start && digits[end - 1] == 0x30 { end -= 1; exp = Self.saturatingAdd(exp, 1) }
        if start == end {
            self.init(zero: ())
            return
        }
        if end - start <= 19 {
            var m: UInt64 = 0
            for i in start..<end { m = m &* 10 &+ UInt64(digits[i] &- 0x30) }
            self.init(raw: negative, exp, m, nil)
        } else {
            self.init(raw: negative, exp, 0, Array(digits[start..<end]))
        }
    }

    /// Exponents (of the normalised significand) are clamped to ±this: 10^(10^9) is beyond any
    /// meaningful JSON number, and a fixed bound keeps text → number → text → number stable.
    public static let exponentLimit = 1_000_000_000

    private init(raw negative: Bool, _ exponent: Int, _ small: UInt64, _ big: [UInt8]?) {
        isNegative = negative
        storedExponent = Int32(min(max(exponent, -Self.exponentLimit), Self.exponentLimit))
        self.small = small
        bigDigits = big
    }

    private init(zero: ()) {
        self.init(raw: false, 0, 0, nil)
    }

    /// Builds and normalises `± magnitude × 10^exponent`.
    public init(magnitude: UInt64, negative: Bool = false, exponent: Int = 0) {
        if magnitude == 0 {
            self.init(zero: ())
            return
        }
        var m = magnitude
        var e = exponent
        while m % 10 == 0 { m /= 10; e = Self.saturatingAdd(e, 1) }
        self.init(raw: negative, e, m, nil)
    }

    /// An integer.
    public init(_ value: Int) {
        self.init(magnitude: value.magnitude.toUInt64, negative: value < 0)
    }

    /// Parses JSON number text ("-12.5e3"); nil if the text is not a JSON number.
    public init?(_ text: String) {
        var copy = text
        let parsed: JSONNumber? = copy.withUTF8 { buf in
            var parser = JSONParser(bytes: UnsafeRawBufferPointer(buf), options: .init())
            guard case .number(let n)? = try? parser.parseDocument() else { return nil }
            return n
        }
        guard let parsed else { return nil }
        self = parsed
    }

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? Int.max : Int.min) : r
    }

    public var isZero: Bool { bigDigits == nil && small == 0 }

    /// True when the number has no fractional part (`1.0` is an integer).
    public var isInteger: Bool { exponent >= 0 }

    /// The value as an `Int`, if it is an integer that fits.
    public var intValue: Int? {
        guard bigDigits == nil, exponent >= 0, exponent < 19 else { return isZero ? 0 : nil }
        var m = small
        for _ in 0..<exponent {
            let (r, o) = m.multipliedReportingOverflow(by: 10)
            if o { return nil }
            m = r
        }
        guard m <= UInt64(Int.max) else { return nil }
        return isNegative ? -Int(m) : Int(m)
    }

    /// The nearest `Double` (correctly rounded through the decimal text).
    public var doubleValue: Double {
        if bigDigits == nil && exponent == 0 && small < (1 << 53) {
            return isNegative ? -Double(small) : Double(small)
        }
        return Double(description) ?? (isNegative ? -.infinity : .infinity)
    }

    /// The significand's digits as ASCII.
    var significandDigits: [UInt8] {
        if let bigDigits { return bigDigits }
        return Array(String(small).utf8)
    }

    var significandDigitCount: Int {
        if let bigDigits { return bigDigits.count }
        var n = 1
        var m = small
        while m >= 10 { m /= 10; n += 1 }
        return n
    }

    /// JSON text for the number: plain digits where that stays short, otherwise `d.ddde±x`.
    public var description: String {
        if isZero { return "0" }
        let digits = String(decoding: significandDigits, as: UTF8.self)
        let sign = isNegative ? "-" : ""
        let n = digits.count
        if exponent >= 0 && exponent <= 20 {
            return sign + digits + String(repeating: "0", count: exponent)
        }
        if exponent < 0 && -exponent < n {
            let cut = digits.index(digits.startIndex, offsetBy: n + exponent)
            return sign + digits[..<cut] + "." + digits[cut...]
        }
        if exponent < 0 && -exponent - n < 6 {
            return sign + "0." + String(repeating: "0", count: -exponent - n) + digits
        }
        let adjusted = exponent + n - 1
        let mantissa = n == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        return sign + mantissa + "e" + (adjusted >= 0 ? "+" : "") + String(adjusted)
    }

    // MARK: Ordering

    /// Compares magnitudes: -1, 0, 1.
    private static func compareMagnitude(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.bigDigits == nil && b.bigDigits == nil {
            if a.exponent == b.exponent { return a.small < b.small ? -1 : (a.small == b.small ? 0 : 1) }
        }
        if a.isZero { return b.isZero ? 0 : -1 }
        if b.isZero { return 1 }
        let na = a.significandDigitCount
        let nb = b.significandDigitCount
        // Position of the most significant digit decides unless equal.
        let adjA = saturatingAdd(a.exponent, na)
        let adjB = saturatingAdd(b.exponent, nb)
        if adjA != adjB { return adjA < adjB ? -1 : 1 }
        if a.bigDigits == nil && b.bigDigits == nil {
            // Same leading position: align the shorter significand (fits, since both have <= 19 digits).
            var x = a.small
            var y = b.small
            if na < nb { for _ in 0..<(nb - na) { x *= 10 } } else { for _ in 0..<(na - nb) { y *= 10 } }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
        let da = a.significandDigits
        let db = b.significandDigits
        for i in 0..<min(da.count, db.count) where da[i] != db[i] {
            return da[i] < db[i] ? -1 : 1
        }
        return da.count < db.count ? -1 : (da.count == db.count ? 0 : 1)
    }

    /// Three-way numeric comparison: -1, 0 or 1.
    public static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.isNegative != b.isNegative { return a.isNegative ? -1 : 1 }
        let m = compareMagnitude(a, b)
        return a.isNegative ? -m : m
    }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool { compare(lhs, rhs) < 0 }

    // MARK: Divisibility

    /// `(a × b) mod m` without overflow.
    private static func mulMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((high: p.high, low: p.low)).remainder
    }

    /// `(a + b) mod m` for `a, b < m`, without overflow.
    private static func addMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return (o || s >= m) ? s &- m : s
    }

    /// `10^k mod m`.
    private static func pow10Mod(_ k: Int, _ m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var base: UInt64 = 10 % m
        var e = k
        while e > 0 {
            if e & 1 == 1 { result = mulMod(result, base, m) }
            base = mulMod(base, base, m)
            e >>= 1
        }
        return result
    }

    /// True when `self / divisor` is an integer, computed exactly in decimal.
    /// `divisor` must be positive (JSON Schema's `multipleOf`).
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        if isZero { return true }
        if divisor.isZero { return false }
        guard divisor.bigDigits == nil else {
            // A divisor of more than 19 significant digits: fall back to binary floating point.
            let q = doubleValue / divisor.doubleValue
            return q.isFinite ? q == q.rounded() : false
        }
        // Both significands are free of trailing zeros, so a smaller exponent here can never divide.
        let shift = exponent - divisor.exponent
        if shift < 0 { return false }
        let m = divisor.small
        var r: UInt64 = 0
        if let bigDigits {
            for d in bigDigits { r = Self.addMod(Self.mulMod(r, 10, m), UInt64(d - 0x30) % m, m) }
        } else {
            r = small % m
        }
        return Self.mulMod(r, Self.pow10Mod(shift, m), m) == 0
    }
}

extension UInt {
    var toUInt64: UInt64 { UInt64(self) }
}
