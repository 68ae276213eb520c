import ChairStorage
import Foundation

/// A calendar day as the chair types it for `--since` and `--until`: `YYYY-MM-DD`, a day that
/// exists. Messages are counted by the UTC day they reached the relay (the hour the relay records).
package struct CalendarDay: Comparable, CustomStringConvertible {
    /// `YYYY-MM-DD`, which sorts as the days do.
    package let description: String

    package init?(typed argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ReceivedDate.utc
        // A day that does not exist (31 April) comes back as another one.
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.dateComponents([.year, .month, .day], from: date)
                == DateComponents(year: year, month: month, day: day)
        else { return nil }
        description = argument
    }

    package static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.description < rhs.description }

    /// `YYYY-MM`.
    package var month: String { String(description.prefix(7)) }
}

/// The days a report or the statistics cover, from `since` to `until`, both included; either
/// may be open.
package struct ReportPeriod: Equatable {
    package var since: CalendarDay?
    package var until: CalendarDay?

    package static let always = ReportPeriod()

    package init(since: CalendarDay? = nil, until: CalendarDay? = nil) {
        self.since = since
        self.until = until
    }

    /// Whether a message received on `day` (`YYYY-MM-DD`, UTC) falls in the period.
    package func contains(day: String) -> Bool {
        (since.map { day >= $0.description } ?? true) && (until.map { day <= $0.description } ?? true)
    }
}
