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
        guard let submission = message.submission else {
            return text + "\nThis envelope could not be opened: \(message.problem ?? "unknown reason").\n"
        }
        text += SubmissionText.render(submission)
        if !message.events.isEmpty {
            text += "\nHistory\n-------\n"
            for event in message.events {
                let date = event.date.ISO8601Format()
                switch event.change {
                case .status(let status): text += "\(date)  status: \(status.rawValue)\n"
                case .note(let note): text += "\(date)  note: \(SubmissionText.safeForTerminal(note))\n"
                }
            }
        }
        return text
    }

    static func json(_ message: ChairStore.Message) -> String {
        struct Contact: Encodable {
            let name: String?, method: String, details: String, safeTimes: String?, mayLeaveMessage: Bool?
            let language: String?, avoid: String?
        }
        struct Event: Encodable {
            let date: Date, status: String?, note: String?
        }
        struct Body: Encodable {
            let number: Int64, receivedHour: String, receiptCode: String, status: String
            let kind: String?, category: String?, location: String?, time: String?, formLanguage: String?
            let message: String?, contact: Contact?, unreadableBecause: String?, history: [Event]
            /// Fields of the table with no property of their own, by record name; absent when none.
            let additional: [String: String]?
        }
        let submission = message.submission
        let body = Body(
            number: message.number, receivedHour: message.receivedHour,
            receiptCode: ReceiptCode.make(chain: message.chain),
            status: message.status.rawValue, kind: submission?.kind.rawValue, category: submission?.category?.rawValue,
            location: submission?.location, time: submission?.time, formLanguage: submission?.formLanguage,
            message: submission?.message,
            contact: submission?.contact.map {
                Contact(
                    name: $0.name, method: $0.method.rawValue, details: $0.details, safeTimes: $0.safeTimes,
                    mayLeaveMessage: $0.mayLeaveMessage, language: $0.language, avoid: $0.avoid)
            },
            unreadableBecause: message.problem,
            history: message.events.map { event in
                switch event.change {
                case .status(let status): Event(date: event.date, status: status.rawValue, note: nil)
                case .note(let note): Event(date: event.date, status: nil, note: note)
                }
            }, additional: submission.flatMap { $0.additional.isEmpty ? nil : $0.additional })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let json = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SubmissionText.escapingInvisibles(inJSON: json) + "\n"
    }
}
