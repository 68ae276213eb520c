import ChairCore

extension ReportPeriod {
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
