import Foundation

/// How long the chair keeps messages, or how old messages must be to be purged, as the chair
/// types it: "1y", "1 year", "18 months", "18m", "6w", "90d". Months and years are calendar
/// months and years in the chair's time zone, so "1y" ends on the same date a year on.
package struct RetentionPeriod: Codable, Equatable, CustomStringConvertible {
    package enum Unit: String, Codable, CaseIterable {
        case day, week, month, year

        /// The most days one can last: what bounds a count.
        var longestInDays: Int {
            switch self {
            case .day: 1
            case .week: 7
            case .month: 31
            case .year: 366
            }
        }

        package var component: Calendar.Component {
            switch self {
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            case .year: .year
            }
        }
    }

    package let count: Int
    package let unit: Unit

    /// Up to 100 years: a number any calendar can add without overflowing.
    static let largestInDays = 36_525

    package init?(count: Int, unit: Unit) {
        guard count >= 1, count <= Self.largestInDays / unit.longestInDays else { return nil }
        self.count = count
        self.unit = unit
    }

    package init?(typed argument: String) {
        let text = argument.lowercased().filter { !$0.isWhitespace }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        let word = text.dropFirst(digits.count)
        // Six digits at most: the count is then parsed without any chance of overflow.
        guard !digits.isEmpty, digits.count <= 6, let count = Int(digits) else { return nil }
        let units: [String: Unit] = [
            "d": .day, "day": .day, "days": .day, "w": .week, "week": .week, "weeks": .week,
            "m": .month, "month": .month, "months": .month, "y": .year, "year": .year, "years": .year,
        ]
        guard let unit = units[String(word)] else { return nil }
        self.init(count: count, unit: unit)
    }

    package static let help = "such as 1y, 18m, 6w or 90d (years, months, weeks, days)"

    /// "1y", "18m": as the chair may type it back.
    package var shortText: String { "\(count)\(unit.rawValue.prefix(1))" }

    /// "1 year", "18 months".
    package var description: String { "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")" }

    /// The moment `self` before `now`, counted in `timeZone`: messages that arrived before it are
    /// older than the period.
    package func cutoff(before now: Date, in timeZone: TimeZone = .current) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: unit.component, value: -count, to: now) ?? .distantPast
    }

    /// Whether a message received in `receivedHour` is older than the period at `now`. A message
    /// is as old as the end of the hour it arrived in, so none is called older than it is.
    package func hasPassed(receivedHour: String, now: Date, in timeZone: TimeZone = .current) -> Bool {
        guard let start = ReceivedDate.date(fromHour: receivedHour) else { return false }
        return start.addingTimeInterval(3_600) <= cutoff(before: now, in: timeZone)
    }
}
