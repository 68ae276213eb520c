import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// `chair report`: the statistics as one printable HTML page for a meeting. Self-contained (its
/// style and chart inside it, no script, nothing fetched from anywhere) and anonymous: counts
/// only, small ones hidden exactly as `chair stats` hides them, no message text or contact detail.
/// Written as well-formed XML, so that a test can parse every byte of it.
enum ReportPage {
    static func render(_ statistics: Statistics, made: Date) -> String {
        let period = statistics.period.words
        var sections: [String] = []
        sections.append(
            table(
                "Messages by month", headers: ["Month", "All", "Contact requests"],
                rows: statistics.months.map {
                    [$0.month, statistics.show($0.all), statistics.show($0.contactRequests)]
                }))
        sections.append(
            table(
                "By kind of incident", headers: ["Kind of incident", "Messages"],
                rows: statistics.categoryRows.map { [$0.name, statistics.show($0.count)] },
                note: "A message can give several kinds, so this column can add up to more than the messages."))
        sections.append(
            table(
                "By kind of message", headers: ["Kind", "Messages"],
                rows: statistics.kindRows.map { [$0.name, statistics.show($0.count)] }))
        sections.append(
            table(
                "Where the chair is with each message", headers: ["Status", "Messages"],
                rows: statistics.statusRows.map { [$0.name, statistics.show($0.count)] }))
        sections.append(
            table(
                "Requests to be contacted", headers: ["Measure", "Value"],
                rows: [
                    ["requests", statistics.show(statistics.contactRequests)],
                    ["contacted", statistics.show(statistics.contacted)],
                    ["median time to contact", statistics.shownMedian],
                ]))
        let hiding =
            statistics.threshold > 1
            ? "Counts from 1 to \(statistics.threshold - 1) are shown as &lt;\(statistics.threshold), so that no one can be singled out."
            : "Every count is shown exactly: do not share this report outside the group."
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>Messages to the group: \(escape(period))</title>
            <style>
            body{font-family:Arial,sans-serif;color:#0b0c0c;margin:2em;max-width:50em}
            h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.5em}
            table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #b1b4b6;padding:.25em .75em;text-align:left}
            td+td{text-align:right}.note{color:#505a5f;font-size:.9em}
            @page{margin:15mm}@media print{body{margin:0}h2{break-after:avoid}table{break-inside:avoid}}
            </style>
            </head>
            <body>
            <h1>Messages to the group: \(escape(period))</h1>
            <p>Counts only: no message text and no contact details. Days are those on which messages reached
            the relay (UTC). \(hiding)</p>
            <p class="note">Made by chair report on \(escape(made.formatted(.iso8601.year().month().day()))).</p>
            \(BarChart.render(statistics, title: "Messages per month", standalone: false))
            \(sections.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    private static func table(_ title: String, headers: [String], rows: [[String]], note: String? = nil) -> String {
        let head = headers.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        let body = rows.map { row in
            "<tr>"
                + row.enumerated().map { index, cell in
                    index == 0 ? "<th scope=\"row\">\(escape(cell))</th>" : "<td>\(escape(cell))</td>"
                }.joined() + "</tr>"
        }.joined(separator: "\n")
        return """
            <h2>\(escape(title))</h2>
            <table>
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(body)
            </tbody>
            </table>\(note.map { "\n<p class=\"note\">\(escape($0))</p>" } ?? "")
            """
    }

    private static func escape(_ text: String) -> String { BarChart.escapeXML(text) }
}
