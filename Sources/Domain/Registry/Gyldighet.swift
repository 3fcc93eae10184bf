/// A validity period by calendar day: from `fra` (inclusive) up to `til` (exclusive).
///
/// `til` is the first day the entry no longer applies, as SSB Klass writes `validTo`: when a kommune
/// is renumbered on 2024-01-01 the old number has `gyldigTil` 2024-01-01 and the new one `gyldigFra`
/// 2024-01-01, with neither gap nor overlap. A missing bound is open.
public struct Gyldighet: Hashable, Sendable {
    public let fra: CalendarDate?
    public let til: CalendarDate?

    public init(fra: CalendarDate?, til: CalendarDate? = nil) {
        self.fra = fra
        self.til = til
    }

    /// Always valid.
    public static let alltid = Gyldighet(fra: nil, til: nil)

    public func contains(_ day: CalendarDate) -> Bool {
        if let fra, day < fra { return false }
        if let til, day >= til { return false }
        return true
    }

    /// Whether the period has ended before `day`.
    public func hasEnded(before day: CalendarDate) -> Bool {
        guard let til else { return false }
        return day >= til
    }

    func overlaps(_ other: Gyldighet) -> Bool {
        // [a, b) and [c, d) overlap unless one ends on or before the other starts.
        if let til, let otherFra = other.fra, til <= otherFra { return false }
        if let otherTil = other.til, let fra, otherTil <= fra { return false }
        return true
    }

    var isEmpty: Bool {
        if let fra, let til { return til <= fra }
        return false
    }
}
