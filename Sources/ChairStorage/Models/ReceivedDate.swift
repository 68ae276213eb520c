import Foundation

/// Turns the relay's coarse "YYYY-MM-DDTHH" (UTC) into dates and calendar periods.
package enum ReceivedDate {
    package static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// The start of the hour, or nil for a malformed value.
    package static func date(fromHour hour: String) -> Date? {
        let parts = hour.split(whereSeparator: { $0 == "-" || $0 == "T" }).compactMap { Int($0) }
        guard parts.count == 4 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3]))
    }
}

/// When a contact request counts as overdue: `days` calendar days after it arrived, counted
/// in the chair's time zone, so a clock change or a month end moves nothing by an hour.
public struct OverdueRule: Sendable {
    public let days: Int
    public let timeZone: TimeZone

    public init(days: Int, timeZone: TimeZone = .current) {
        self.days = days
        self.timeZone = timeZone
    }

    /// The moment a request received in `receivedHour` becomes overdue.
    public func dueDate(receivedHour: String) -> Date? {
        guard let received = ReceivedDate.date(fromHour: receivedHour) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: .day, value: days, to: received)
    }

    /// Whether a request received in `receivedHour` is overdue at `now`.
    public func isOverdue(receivedHour: String, now: Date) -> Bool {
        guard let due = dueDate(receivedHour: receivedHour) else { return false }
        return now >= due
    }
}
