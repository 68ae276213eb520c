import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// Anonymous counts for the group's meetings, with small numbers hidden so no one is singled out.
struct Statistics {
    /// One month's counts.
    struct Month {
        let month: String
        let all: Int
        let contactRequests: Int
    }

    let months: [Month]
    let categories: [(name: String, count: Int)]
    let kinds: [(name: String, count: Int)]
    /// Every message by where the chair is with it.
    let statuses: [(name: String, count: Int)]
    /// The days counted.
    let period: ReportPeriod
    let contactRequests: Int
    let contacted: Int
    /// Median whole days from arrival to "contacted", over the requests that were contacted.
    let medianDaysToContact: Double?
    /// Counts from 1 to `threshold - 1` are shown as "<threshold".
    let threshold: Int

    /// The counts of the messages held and of those deleted (`kept`), in `period`.
    init(
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
        var categoryCounts: [String: Int] = [:]
        for message in readable {
            let names = message.categories.compactMap(Submission.Category.init(rawValue:)).map(
                SubmissionText.categoryName)
            for name in names.isEmpty ? ["not given"] : names { categoryCounts[name, default: 0] += 1 }
        }
        let categoryOrder = Submission.Category.allCases.map(SubmissionText.categoryName) + ["not given"]
        categories = categoryOrder.map { ($0, categoryCounts[$0] ?? 0) }
        let requests = readable.filter { $0.kind == .contactRequest }
        kinds = [("message", readable.count - requests.count), ("contact request", requests.count)]
        let statusCounts = Dictionary(grouping: readable, by: \.status).mapValues(\.count)
        statuses = MessageStatus.allCases.map { ($0.rawValue, statusCounts[$0] ?? 0) }
        contactRequests = requests.count
        let days = requests.compactMap { $0.daysToContact.map(Double.init) }.sorted()
        contacted = days.count
        medianDaysToContact =
            days.isEmpty
            ? nil : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
    }

    /// A count as it may be shown.
    func show(_ count: Int) -> String {
        count > 0 && count < threshold ? "<\(threshold)" : String(count)
    }

    /// The median, unless so few were contacted that it could point at someone.
    var shownMedian: String {
        guard let medianDaysToContact else { return "none contacted yet" }
        guard contacted >= threshold else { return "hidden (fewer than \(threshold) contacted)" }
        return medianDaysToContact == medianDaysToContact.rounded()
            ? "\(Int(medianDaysToContact)) days" : "\(medianDaysToContact) days"
    }

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

    // MARK: Output

    /// The three ways the counts are printed.
    enum Format: String, CaseIterable {
        case table, csv, json
    }

    func render(as format: Format) -> String {
        switch format {
        case .table: renderTable()
        case .csv: renderCSV()
        case .json: renderJSON()
        }
    }

    func renderTable() -> String {
        var text = period == .always ? "" : "Messages received \(period.words) (UTC days)\n\n"
        text += "Submissions by month\n"
        text += TextTable.render(
            headers: ["Month", "All", "Contact requests"],
            rows: months.map { [$0.month, show($0.all), show($0.contactRequests)] })
        text += "\nBy category (a message with several counts under each)\n"
        text += TextTable.render(headers: ["Category", "Count"], rows: categories.map { [$0.name, show($0.count)] })
        text += "\nBy kind\n"
        text += TextTable.render(headers: ["Kind", "Count"], rows: kinds.map { [$0.name, show($0.count)] })
        text += "\nBy status\n"
        text += TextTable.render(headers: ["Status", "Count"], rows: statuses.map { [$0.name, show($0.count)] })
        text += "\nContact requests\n"
        text += TextTable.render(
            headers: ["Measure", "Value"],
            rows: [
                ["requests", show(contactRequests)], ["contacted", show(contacted)],
                ["median time to contact", shownMedian],
            ])
        text +=
            threshold > 1
            ? "\nCounts from 1 to \(threshold - 1) are shown as <\(threshold) so that no one can be singled out.\n"
            : "\nEvery count is shown exactly: do not share these figures outside the group.\n"
        return text
    }

    func renderCSV() -> String {
        var lines = ["table,key,column,value"]
        for month in months {
            lines.append("month,\(month.month),all,\(show(month.all))")
            lines.append("month,\(month.month),contact requests,\(show(month.contactRequests))")
        }
        for category in categories { lines.append("category,\(category.name),count,\(show(category.count))") }
        for kind in kinds { lines.append("kind,\(kind.name),count,\(show(kind.count))") }
        for status in statuses { lines.append("status,\(status.name),count,\(show(status.count))") }
        lines.append("contact,requests,count,\(show(contactRequests))")
        lines.append("contact,contacted,count,\(show(contacted))")
        lines.append("contact,median time to contact,days,\(shownMedian)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Numbers as numbers. A count hidden as small is `null`, and its key is listed in its
    /// object's `suppressed`, so a program can tell "hidden" from "none".
    func renderJSON() -> String {
        /// `label` and each of `values`, a hidden one as null and named in `suppressed`.
        func row(_ label: (String, String)?, _ values: [(String, JSONValue?)]) -> JSONValue {
            var members: [String: JSONValue] = label.map { [$0.0: .string($0.1)] } ?? [:]
            for (key, value) in values { members[key] = value ?? .null }
            members["suppressed"] = .array(values.filter { $0.1 == nil }.map { .string($0.0) })
            return .object(members)
        }
        func count(_ count: Int) -> JSONValue? { show(count).hasPrefix("<") ? nil : .integer(Int64(count)) }
        func rows(_ key: String, _ items: [(name: String, count: Int)]) -> JSONValue {
            .array(items.map { row((key, $0.name), [("count", count($0.count))]) })
        }
        // The median is hidden while fewer than the threshold were contacted; none: null, not hidden.
        let median: JSONValue? =
            medianDaysToContact.map { contacted >= threshold ? .number($0) : nil } ?? .null
        let body: JSONValue = .object([
            "threshold": .integer(Int64(threshold)),
            "period": .object([
                "since": period.since.map { .string($0.description) } ?? .null,
                "until": period.until.map { .string($0.description) } ?? .null,
            ]),
            "byMonth": .array(
                months.map {
                    row(("month", $0.month), [("all", count($0.all)), ("contactRequests", count($0.contactRequests))])
                }),
            "byCategory": rows("category", categories),
            "byKind": rows("kind", kinds),
            "byStatus": rows("status", statuses),
            "contactRequests": row(
                nil,
                [
                    ("requests", count(contactRequests)), ("contacted", count(contacted)),
                    ("medianDaysToContact", median),
                ]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return ((try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }
}
