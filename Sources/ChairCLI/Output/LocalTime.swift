import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// Times as the chair reads them: in the chair's own time zone (the computer's, or `TZ`), named
/// wherever one is shown, so that an hour is never taken for another zone's.
enum LocalTime {
    static var zone: TimeZone { .current }

    /// "Europe/London".
    static var zoneName: String { zone.identifier }

    private static func calendar() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// "2026-11-30".
    static func day(_ date: Date) -> String {
        let parts = calendar().dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 0)-\(two(parts.month ?? 0))-\(two(parts.day ?? 0))"
    }

    /// "14:10".
    static func clock(_ date: Date) -> String {
        let parts = calendar().dateComponents([.hour, .minute], from: date)
        return "\(two(parts.hour ?? 0)):\(two(parts.minute ?? 0))"
    }

    /// "GMT", "BST": the zone's short name at that moment, or its identifier when it has none.
    static func abbreviation(at date: Date) -> String { zone.abbreviation(for: date) ?? zone.identifier }

    /// "2026-11-30 14:10 GMT".
    static func dateTime(_ date: Date) -> String { "\(day(date)) \(clock(date)) \(abbreviation(at: date))" }
}

/// How a stored hour is shown: coarse on purpose, because that is all the relay keeps, and in
/// the chair's time zone.
enum ReceivedText {
    /// "2026-11-29 19h", the hour it began in the chair's zone (named in the table's heading).
    static func short(_ hour: String) -> String {
        guard let start = ReceivedDate.date(fromHour: hour) else { return hour }
        return "\(LocalTime.day(start)) \(LocalTime.clock(start).prefix(2))h"
    }

    /// "2026-11-29, between 19:00 and 20:00 GMT (Europe/London)".
    static func long(_ hour: String) -> String {
        guard let start = ReceivedDate.date(fromHour: hour) else { return hour }
        let end = start.addingTimeInterval(3_600)
        return "\(LocalTime.day(start)), between \(LocalTime.clock(start)) and \(LocalTime.clock(end)) "
            + "\(LocalTime.abbreviation(at: end)) (\(LocalTime.zoneName))"
    }
}
