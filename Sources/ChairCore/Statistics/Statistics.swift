import ChairStorage
import Envelope
import Foundation

/// Anonymous counts for the group's meetings, with small numbers hidden so no one is singled out.
package struct Statistics {
    /// One month's counts.
    package struct Month {
        package let month: String
        package let all: Int
        package let contactRequests: Int
    }

    package let months: [Month]
    /// Every category in the form's order, then nil for "not given".
    package let categories: [(category: Submission.Category?, count: Int)]
    package let kinds: [(kind: Submission.Kind, count: Int)]
    /// Every message by where the chair is with it.
    package let statuses: [(status: MessageStatus, count: Int)]
    /// The days counted.
    package let period: ReportPeriod
    package let contactRequests: Int
    package let contacted: Int
    /// Median whole days from arrival to "contacted", over the requests that were contacted.
    package let medianDaysToContact: Double?
    /// Counts from 1 to `threshold - 1` are shown as "<threshold".
    package let threshold: Int

    /// The counts of the messages held and of those deleted (`kept`), in `period`.
    package init(
        messages: [ChairStore.Message], kept: [CountedMessage] = [], threshold: Int, period: ReportPeriod = .always
    ) {
        self.threshold = threshold
        self.period = period
        let readable = (messages.compactMap(CountedMessage.init) + kept).filter { period.contains(day: $0.receivedDay) }
        var byMonth: [String: (all: Int, contact: Int)] = [:]
        for message in readable {
            let month = message.month
            let isContact = message.kind == .contactRequest
            byMonth[month, default: (0, 0)].all += 1
            if isContact { byMonth[month, default: (0, 0)].contact += 1 }
        }
        // A period's own months all show, the empty ones too.
        let first = period.since?.month ?? byMonth.keys.min() ?? period.until?.month
        let last = period.until?.month ?? byMonth.keys.max() ?? period.since?.month
        months = Self.monthRange(from: first, to: last).map {
            Month(month: $0, all: byMonth[$0]?.all ?? 0, contactRequests: byMonth[$0]?.contact ?? 0)
        }
        // A message counts once under each category it gives, so the column can add up to more
        // than the number of messages.
        var categoryCounts: [Submission.Category?: Int] = [:]
        for message in readable {
            let given = message.categories.compactMap(Submission.Category.init(rawValue:))
            for category in given.isEmpty ? [nil] : given.map(Optional.some) {
                categoryCounts[category, default: 0] += 1
            }
        }
        categories = (Submission.Category.allCases.map(Optional.some) + [nil]).map { ($0, categoryCounts[$0] ?? 0) }
        let requests = readable.filter { $0.kind == .contactRequest }
        kinds = [(.message, readable.count - requests.count), (.contactRequest, requests.count)]
        let statusCounts = Dictionary(grouping: readable, by: \.status).mapValues(\.count)
        statuses = MessageStatus.allCases.map { ($0, statusCounts[$0] ?? 0) }
        contactRequests = requests.count
        let days = requests.compactMap { $0.daysToContact.map(Double.init) }.sorted()
        contacted = days.count
        medianDaysToContact =
            days.isEmpty
            ? nil : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
    }

    /// Whether a count is too small to show: from 1 to `threshold - 1`, so no one is singled out.
    package func isHidden(_ count: Int) -> Bool { count > 0 && count < threshold }

    /// Every month from `first` to `last`, so empty months show as gaps, not as nothing.
    static func monthRange(from first: String?, to last: String?) -> [String] {
        guard let first, let last, let start = yearMonth(first), let end = yearMonth(last) else { return [] }
        var result: [String] = []
        var (year, month) = start
        while (year, month) <= end {
            result.append(String(format: "%04d-%02d", year, month))
            month += 1
            if month == 13 { (year, month) = (year + 1, 1) }
        }
        return result
    }

    private static func yearMonth(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }
}
