import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// A calendar day as the chair types it for `--since` and `--until`: `YYYY-MM-DD`, a day that
/// exists. Messages are counted by the UTC day they reached the relay (the hour the relay records).
struct CalendarDay: Comparable, CustomStringConvertible {
    /// `YYYY-MM-DD`, which sorts as the days do.
    let description: String

    init?(typed argument: String) {
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

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.description < rhs.description }

    /// `YYYY-MM`.
    var month: String { String(description.prefix(7)) }
}

/// The days a report or the statistics cover, from `since` to `until`, both included; either
/// may be open.
struct ReportPeriod: Equatable {
    var since: CalendarDay?
    var until: CalendarDay?

    static let always = ReportPeriod()

    /// Whether a message received on `day` (`YYYY-MM-DD`, UTC) falls in the period.
    func contains(day: String) -> Bool {
        (since.map { day >= $0.description } ?? true) && (until.map { day <= $0.description } ?? true)
    }

    /// "1 January 2026 to 31 December 2026", "since …", "until …", or "all messages".
    var words: String {
        switch (since, until) {
        case (let since?, let until?): "\(Self.spelled(since)) to \(Self.spelled(until))"
        case (let since?, nil): "since \(Self.spelled(since))"
        case (nil, let until?): "until \(Self.spelled(until))"
        case (nil, nil): "all messages"
        }
    }

    private static func spelled(_ day: CalendarDay) -> String {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let parts = day.description.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return day.description }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }
}
