import Foundation

/// An instant in UTC with millisecond precision, as the schemas' `tidspunkt`
/// (`2024-05-07T11:04:01.448Z`): milliseconds since 1970-01-01T00:00:00Z.
///
/// Kept as an integer so that ordering and differences are exact; the domain never reads a clock,
/// so "now" is always passed in as a `Tidspunkt`.
///
///     let t = Tidspunkt(iso8601: "2024-05-07T11:04:01.448Z")!
///     t.millisekunder          // 1715079841448
///     t.description            // "2024-05-07T11:04:01.448Z"
///     t.norskDato              // 2024-05-07 (the calendar day in Norway)
public struct Tidspunkt: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public let millisekunder: Int64

    public init(millisekunder: Int64) { self.millisekunder = millisekunder }

    /// Parses the schemas' `tidspunkt`: `YYYY-MM-DDThh:mm:ss.SSSZ`, exactly three decimals and `Z`.
    /// Nil for anything else (other precision, offsets, impossible dates or times).
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
              b[19] == 0x2E, b[23] == 0x5A else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for c in b[r] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let milli = number(20..<23),
              let date = CalendarDate(year: year, month: month, day: day),
              hour < 24, minute < 60, second < 60 else { return nil }
        // A leap second (:60) is refused: UTC timestamps from fagsystemer never carry one, and
        // accepting it would make two strings name the same instant.
        let days = Int64(DayCount.epochDay(date))
        millisekunder = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000 + Int64(milli)
    }

    /// Midnight UTC at the start of a calendar day.
    public init(midnattUTC date: CalendarDate) {
        millisekunder = Int64(DayCount.epochDay(date)) * Self.millisekunderPerDag
    }

    /// The same instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisekunder) / 1000) }

    /// The calendar day this instant falls on in Norway (Europe/Oslo), which is how the schemas'
    /// `dato` fields are meant: a klage received at 00:30 Norwegian time on 2 May was received on
    /// 2 May, although it is still 1 May in UTC.
    /// (The zone's offset at the instant, then day arithmetic: a Foundation `Calendar` per call cost
    /// more than the rest of a transfer's checks.)
    public var norskDato: CalendarDate {
        let offset = Int64(CalendarDate.norway.secondsFromGMT(for: date)) * 1000
        return DayCount.date(epochDay: Int(floorDiv(millisekunder + offset, Self.millisekunderPerDag)))
    }

    /// The UTC calendar day.
    public var utcDato: CalendarDate {
        DayCount.date(epochDay: Int(floorDiv(millisekunder, Self.millisekunderPerDag)))
    }

    /// `YYYY-MM-DDThh:mm:ss.SSSZ`, the schemas' form.
    public var description: String {
        let day = floorDiv(millisekunder, Self.millisekunderPerDag)
        let rest = millisekunder - day * Self.millisekunderPerDag
        let date = DayCount.date(epochDay: Int(day))
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(date)T\(pad(rest / 3_600_000, 2)):\(pad(rest / 60_000 % 60, 2)):\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.millisekunder < rhs.millisekunder }

    /// The instant `ms` milliseconds later (earlier when negative).
    public func adding(millisekunder ms: Int64) -> Tidspunkt { Tidspunkt(millisekunder: millisekunder + ms) }

    public static let millisekunderPerDag: Int64 = 86_400_000
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Day arithmetic on `CalendarDate` (proleptic Gregorian), without Foundation's calendar.
///
/// Kept in a namespace of its own so it cannot collide with members the identifiers code may add
/// to `CalendarDate` later.
public enum DayCount {
    /// Days since 1970-01-01 (negative before), after H. Hinnant's `days_from_civil`.
    public static func epochDay(_ d: CalendarDate) -> Int {
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (d.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + d.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `epochDay` days after 1970-01-01, after H. Hinnant's `civil_from_days`.
    public static func date(epochDay z0: Int) -> CalendarDate {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDate(year: year, month: month, day: day)!
    }

    /// `date` plus `days` (minus when negative).
    public static func adding(_ days: Int, to date: CalendarDate) -> CalendarDate {
        Self.date(epochDay: epochDay(date) + days)
    }

    /// Whole days from `from` to `to` (negative when `to` is earlier).
    public static func days(from: CalendarDate, to: CalendarDate) -> Int { epochDay(to) - epochDay(from) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public static func isoWeekday(_ date: CalendarDate) -> Int {
        // 1970-01-01 was a Thursday (4).
        let r = (epochDay(date) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }
}
