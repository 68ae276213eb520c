import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// The table `chair list` prints.
enum MessageTable {
    static var headers: [String] {
        ["No.", "Received (\(LocalTime.zoneName))", "Kind", "Category", "Status", "First line"]
    }

    static func render(_ messages: [ChairStore.Message]) -> String {
        let rows = messages.map { message in
            [
                (message.isUnread ? "*" : "") + String(message.number), ReceivedText.short(message.receivedHour),
                kind(message),
                message.submission.map { SubmissionText.categoryNames($0.categories) } ?? "",
                message.status.rawValue,
                firstLine(message),
            ]
        }
        return TextTable.render(headers: headers, rows: rows)
    }

    /// "message", "contact request", or what stands in a submission's place.
    static func kind(_ message: ChairStore.Message) -> String {
        message.submission?.kind.rawValue ?? (message.setAside == nil ? "unreadable" : "set aside")
    }

    static func firstLine(_ message: ChairStore.Message) -> String {
        if message.setAside != nil { return "(unverified: 'chair read \(message.number)' says why)" }
        guard let submission = message.submission else { return "(\(message.problem ?? "cannot be opened"))" }
        let first =
            SubmissionText.safeForTerminal(submission.message)
            .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return first.count > 50 ? String(first.prefix(49)) + "…" : first
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
enum TextTable {
    static func render(headers: [String], rows: [[String]]) -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell.padding(to: widths[column] + 1)
            }.joined(separator: " ").trimmingTrailingSpaces()
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
