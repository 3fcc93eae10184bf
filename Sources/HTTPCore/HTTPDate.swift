/// The IMF-fixdate form of a time (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`,
/// computed with plain arithmetic so it needs no Foundation and no locale.
public enum HTTPDate {
    public static func imfFixdate(secondsSince1970 seconds: Int) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday (index 4).
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out.append(contentsOf: weekdayNames[weekday].utf8)
        out.append(contentsOf: ", ".utf8)
        appendTwoDigits(day, &out)
        out.append(0x20)
        out.append(contentsOf: monthNames[month - 1].utf8)
        out.append(0x20)
        appendTwoDigits(year / 100, &out)
        appendTwoDigits(year % 100, &out)
        out.append(0x20)
        appendTwoDigits(secondOfDay / 3600, &out)
        out.append(0x3A)
        appendTwoDigits(secondOfDay / 60 % 60, &out)
        out.append(0x3A)
        appendTwoDigits(secondOfDay % 60, &out)
        out.append(contentsOf: " GMT".utf8)
        return out
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func appendTwoDigits(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(48 + value / 10))
        out.append(UInt8(48 + value % 10))
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
