import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// The text `chair contacts` prints.
enum ContactList {
    static func render(_ messages: [ChairStore.Message], rule: OverdueRule, now: Date) -> String {
        messages.compactMap { message -> String? in
            guard let submission = message.submission, submission.contact != nil else { return nil }
            var lines: [String] = []
            let overdue = rule.isOverdue(receivedHour: message.receivedHour, now: now) ? "  OVERDUE" : ""
            lines.append(
                "Message \(message.number) · \(message.status.rawValue) · received \(ReceivedText.long(message.receivedHour))\(overdue)"
            )
            func add(_ label: String, _ value: String?) {
                guard let value else { return }
                lines.append(
                    "  \(label.padding(to: 17))\(SubmissionText.safeForTerminal(value).replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 20)))"
                )
            }
            for field in SubmissionField.all where field.isContactField {
                add(field.chairLabel, SubmissionText.displayValue(of: field, in: submission))
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }
}
