#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ids and times the exchange assigns itself.
enum Identifiers {
    /// A time-ordered (version 7, RFC 9562) UUID in lowercase, as the schemas write UUIDs: 48 bits of
    /// Unix milliseconds, then 74 random bits.
    ///
    /// Why not version 4: the ids we assign key the case, document and event tables. Random keys put
    /// every insert on a different B-tree page, and each dirtied page is a 4 KB frame in the WAL; keys
    /// that grow with time append to the same last page, so a group commit writes a few pages instead
    /// of several per case. The creation time the id reveals is already in every receipt.
    static func newUUID(now: Timestamp = Timestamp.now()) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let milliseconds = UInt64(max(0, now.millisecondsSinceEpoch))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> UInt64((5 - i) * 8)) }
        let random: UInt64 = generator.next(), more: UInt64 = generator.next()
        for i in 6..<16 { bytes[i] = UInt8(truncatingIfNeeded: (i < 14 ? random : more) >> UInt64((i % 8) * 8)) }
        bytes[6] = bytes[6] & 0x0f | 0x70
        bytes[8] = bytes[8] & 0x3f | 0x80
        return uuidText(bytes)
    }

    /// 16 bytes as a lowercase UUID string (8-4-4-4-12).
    static func uuidText(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, byte) in bytes.prefix(16).enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(0x2D) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for a lowercase canonical UUID (the schemas' form).
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) {
                return false
            }
        }
        return true
    }
}

/// A moment in UTC with millisecond precision, written as the schemas' `tidspunkt`
/// (`2024-05-07T11:04:01.448Z`); ordering by the string is ordering in time.
public struct Timestamp: Sendable, Comparable, Hashable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var text: String {
        let ms = millisecondsSinceEpoch
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        let hh = msOfDay / 3_600_000, mm = msOfDay / 60_000 % 60, ss = msOfDay / 1000 % 60, milli = msOfDay % 1000
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int64, _ width: Int) {
            var v = max(0, value), buffer = [UInt8](repeating: 0x30, count: width)
            for i in stride(from: width - 1, through: 0, by: -1) { buffer[i] = 0x30 + UInt8(v % 10); v /= 10 }
            out += buffer
        }
        digits(y, 4); out.append(0x2D); digits(m, 2); out.append(0x2D); digits(d, 2); out.append(0x54)
        digits(hh, 2); out.append(0x3A); digits(mm, 2); out.append(0x3A); digits(ss, 2); out.append(0x2E); digits(milli, 3)
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// The date part, `YYYY-MM-DD`.
    public var dateText: String { String(text.prefix(10)) }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Parses `YYYY-MM-DD` into days since the epoch (the schema has already checked the form).
    static func days(ofDate text: String) -> Int64? {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]) else { return nil }
        return days(year: y, month: m, day: d)
    }

}
