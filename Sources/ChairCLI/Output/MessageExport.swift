import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation
import RelayProtocol

/// One message as text for the screen, or as JSON for the chair's records.
enum MessageExport {
    static func text(_ message: ChairStore.Message) -> String {
        var text = "Message \(message.number)\n"
        text += "Received:         \(ReceivedText.long(message.receivedHour))\n"
        text += "Receipt code:     \(ReceiptCode.make(chain: message.chain))\n"
        text += "Status:           \(message.status.rawValue)\n"
        if let setAside = message.setAside {
            text += "\n" + SetAsideText.readHeading(setAside)
            guard let unverified = setAside.unverified else { return text }
            return text + SubmissionText.render(unverified)
        }
        guard let submission = message.submission else {
            return text + "\nThis envelope could not be opened: \(message.problem ?? "unknown reason").\n"
        }
        text += SubmissionText.render(submission)
        if !message.events.isEmpty {
            text += "\nHistory\n-------\n"
            for event in message.events {
                let date = LocalTime.dateTime(event.date)
                switch event.change {
                case .status(let status): text += "\(date)  status: \(status.rawValue)\n"
                case .note(let note): text += "\(date)  note: \(SubmissionText.safeForTerminal(note))\n"
                case .read: text += "\(date)  first read\n"
                }
            }
        }
        return text
    }

    /// The message as one JSON object: what the relay said of it, each field of the submission
    /// under its `jsonName` (a contact request's inside `contact`; yes-no fields as true or
    /// false), and its history.
    static func json(_ message: ChairStore.Message) -> String {
        var body: [String: JSONValue] = [
            "number": .integer(message.number), "receivedHour": .string(message.receivedHour),
            "receiptCode": .string(ReceiptCode.make(chain: message.chain)), "status": .string(message.status.rawValue),
            "history": .array(
                message.events.map { event in
                    switch event.change {
                    case .status(let status):
                        .object(["date": .string(event.date.ISO8601Format()), "status": .string(status.rawValue)])
                    case .note(let note): .object(["date": .string(event.date.ISO8601Format()), "note": .string(note)])
                    case .read: .object(["date": .string(event.date.ISO8601Format()), "read": .bool(true)])
                    }
                }),
        ]
        if let problem = message.problem { body["unreadableBecause"] = .string(problem) }
        if let setAside = message.setAside {
            // What was read is left out: nothing vouches for it, and a record is no place to copy it.
            body["setAsideBecause"] = .string("it " + SetAsideText.reason(setAside.reason))
        }
        if let submission = message.submission {
            body["kind"] = .string(submission.kind.rawValue)
            var contact: [String: JSONValue] = [:]
            for field in SubmissionField.all {
                guard let value = field.value(in: submission) else { continue }
                let json: JSONValue =
                    switch field.kind {
                    case .yesNo: .bool(value == "yes")
                    case .tokenList: .array(value.split(separator: " ").map { .string(String($0)) })
                    case .text, .token, .languageTag: .string(value)
                    }
                if field.isContactField { contact[field.jsonName] = json } else { body[field.jsonName] = json }
            }
            if submission.contact != nil { body["contact"] = .object(contact) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SubmissionText.escapingInvisibles(inJSON: json) + "\n"
    }
}
