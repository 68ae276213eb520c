import ArgumentParser
import Envelope
import Foundation

/// `chair list`: a table of the messages in the local store.
struct ListCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the messages you have pulled.",
        discussion: """
            Example:
              chair list --status new --kind contact-request
              chair list --since 2026-11-01
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Only messages with this status: new, in-progress, contacted, no-contact-possible, closed.")
    var status: String?

    @Option(help: "Only this kind: message or contact-request.")
    var kind: String?

    @Option(help: ArgumentHelp("Only messages received on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    func validate() throws {
        if let status, MessageStatus(typed: status) == nil {
            throw ValidationError(
                "'\(status)' is not a status; use one of: \(MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let kind, MessageFilter.kind(typed: kind) == nil {
            throw ValidationError("'\(kind)' is not a kind; use message or contact-request")
        }
        if let since, MessageFilter.day(typed: since) == nil {
            throw ValidationError("'\(since)' is not a day; write it as YYYY-MM-DD, e.g. 2026-11-01")
        }
    }

    func execute() throws(ChairError) {
        let filter = MessageFilter(
            status: status.flatMap(MessageStatus.init(typed:)), kind: kind.flatMap(MessageFilter.kind(typed:)),
            sinceDay: since.flatMap(MessageFilter.day(typed:)))
        let messages = try store.unlock(options).fetchMessagesForChair().filter(filter.matches)
        guard !messages.isEmpty else {
            printStatus(filter.isEmpty ? "chair: no messages yet" : "chair: no messages match")
            printStatus(
                filter.isEmpty ? "hint: run 'chair pull --relay URL' to fetch new ones" : "hint: loosen the filters")
            return
        }
        print(MessageTable.render(messages), terminator: "")
    }
}

/// Which messages `chair list` shows.
struct MessageFilter {
    var status: MessageStatus?
    /// nil for any; "unreadable" is never matched by a kind.
    var kind: Submission.Kind?
    /// "YYYY-MM-DD"; hours are compared as text, which sorts like time.
    var sinceDay: String?

    var isEmpty: Bool { status == nil && kind == nil && sinceDay == nil }

    func matches(_ message: ChairStore.Message) -> Bool {
        if let status, message.status != status { return false }
        if let kind, message.submission?.kind != kind { return false }
        if let sinceDay, message.receivedHour < sinceDay { return false }
        return true
    }

    static func kind(typed: String) -> Submission.Kind? {
        switch typed.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-") {
        case "message": .message
        case "contact-request", "contact": .contactRequest
        default: nil
        }
    }

    static func day(typed: String) -> String? {
        guard typed.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, ReceivedDate.date(fromHour: typed + "T00") != nil
        else { return nil }
        return typed
    }
}

/// The table `chair list` prints.
enum MessageTable {
    static let headers = ["No.", "Received", "Kind", "Category", "Status", "First line"]

    static func render(_ messages: [ChairStore.Message]) -> String {
        let rows = messages.map { message in
            [
                String(message.number), ReceivedText.short(message.receivedHour),
                message.submission?.kind.rawValue ?? "unreadable",
                message.submission?.category.map(SubmissionText.categoryName) ?? "",
                message.status.rawValue,
                firstLine(message),
            ]
        }
        return TextTable.render(headers: headers, rows: rows)
    }

    static func firstLine(_ message: ChairStore.Message) -> String {
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

/// How a stored hour is shown: coarse on purpose, because that is all the relay keeps.
enum ReceivedText {
    /// "2026-11-29 19h".
    static func short(_ hour: String) -> String {
        hour.replacingOccurrences(of: "T", with: " ") + "h"
    }

    /// "2026-11-29, between 19:00 and 20:00 UTC".
    static func long(_ hour: String) -> String {
        let parts = hour.split(separator: "T")
        guard parts.count == 2, let start = Int(parts[1]) else { return hour }
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts[0]), between \(two(start)):00 and \(two((start + 1) % 24)):00 UTC"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
