import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// A plain SVG bar chart of submissions per month, for a chair's report.
enum BarChart {
    static let barWidth = 36
    static let gap = 16
    static let plotHeight = 200
    static let margin = (left: 48, top: 40, bottom: 48, right: 16)

    /// Wide enough for the title and the note under the bars, however few months there are.
    static let minimumWidth = 400

    /// The SVG document: one `rect` of class "bar" per month, small counts drawn as "<5".
    /// `standalone` false leaves out the namespace, for a chart inside an HTML page.
    static func render(_ statistics: Statistics, title: String = "Submissions per month", standalone: Bool = true)
        -> String
    {
        let months = statistics.months
        let largest = max(months.map(\.all).max() ?? 0, statistics.threshold, 1)
        let width = max(minimumWidth, margin.left + margin.right + max(months.count, 1) * (barWidth + gap))
        let namespace = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
        let height = margin.top + plotHeight + margin.bottom
        var parts: [String] = []
        parts.append(
            "<svg\(namespace) width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"title\">"
        )
        parts.append("<title id=\"title\">\(escapeXML(title))</title>")
        parts.append(
            "<style>text{font-family:Arial,sans-serif;font-size:12px;fill:#0b0c0c}.bar{fill:#1d70b8}.bar.small{fill:#b1b4b6}</style>"
        )
        parts.append(
            "<text x=\"\(margin.left)\" y=\"24\" style=\"font-size:16px;font-weight:bold\">\(escapeXML(title))</text>")
        let baseline = margin.top + plotHeight
        parts.append(
            "<line x1=\"\(margin.left)\" y1=\"\(baseline)\" x2=\"\(width - margin.right)\" y2=\"\(baseline)\" stroke=\"#0b0c0c\"/>"
        )
        for (index, month) in months.enumerated() {
            let shown = statistics.show(month.all)
            let isHidden = shown.hasPrefix("<")
            // A hidden count is drawn at the threshold's height so its true size does not show.
            let value = isHidden ? statistics.threshold : month.all
            let barHeight = value * plotHeight / largest
            let x = margin.left + index * (barWidth + gap) + gap / 2
            parts.append(
                "<rect class=\"bar\(isHidden ? " small" : "")\" x=\"\(x)\" y=\"\(baseline - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\"><title>\(month.month): \(escapeXML(shown))</title></rect>"
            )
            parts.append(
                "<text x=\"\(x + barWidth / 2)\" y=\"\(baseline - barHeight - 4)\" text-anchor=\"middle\">\(escapeXML(shown))</text>"
            )
            parts.append(
                "<text x=\"\(x + barWidth / 2)\" y=\"\(baseline + 16)\" text-anchor=\"middle\">\(month.month)</text>")
        }
        parts.append(
            "<text x=\"\(margin.left)\" y=\"\(height - 8)\" style=\"font-size:10px\">Counts below \(statistics.threshold) are shown as &lt;\(statistics.threshold).</text>"
        )
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
