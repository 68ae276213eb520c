import ChairCore
import ChairStorage
import Envelope
import Foundation

/// The statistics as the chair reads them: names for each row, small counts hidden, and the
/// table, CSV and JSON forms.
extension Statistics {
    /// A count as it may be shown.
    func show(_ count: Int) -> String {
        isHidden(count) ? "<\(threshold)" : String(count)
    }

    /// The median, unless so few were contacted that it could point at someone.
    var shownMedian: String {
        guard let medianDaysToContact else { return "none contacted yet" }
        guard contacted >= threshold else { return "hidden (fewer than \(threshold) contacted)" }
        return medianDaysToContact == medianDaysToContact.rounded()
            ? "\(Int(medianDaysToContact)) days" : "\(medianDaysToContact) days"
    }

    /// Each category's name, "not given" last, with its count.
    var categoryRows: [(name: String, count: Int)] {
        categories.map { ($0.category.map(SubmissionText.categoryName) ?? "not given", $0.count) }
    }

    var kindRows: [(name: String, count: Int)] {
        kinds.map { ($0.kind == .contactRequest ? "contact request" : "message", $0.count) }
    }

    var statusRows: [(name: String, count: Int)] { statuses.map { ($0.status.rawValue, $0.count) } }

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
        text += TextTable.render(headers: ["Category", "Count"], rows: categoryRows.map { [$0.name, show($0.count)] })
        text += "\nBy kind\n"
        text += TextTable.render(headers: ["Kind", "Count"], rows: kindRows.map { [$0.name, show($0.count)] })
        text += "\nBy status\n"
        text += TextTable.render(headers: ["Status", "Count"], rows: statusRows.map { [$0.name, show($0.count)] })
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
        for category in categoryRows { lines.append("category,\(category.name),count,\(show(category.count))") }
        for kind in kindRows { lines.append("kind,\(kind.name),count,\(show(kind.count))") }
        for status in statusRows { lines.append("status,\(status.name),count,\(show(status.count))") }
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
            "byCategory": rows("category", categoryRows),
            "byKind": rows("kind", kindRows),
            "byStatus": rows("status", statusRows),
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
