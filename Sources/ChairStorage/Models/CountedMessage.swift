import Envelope
import Foundation

/// What the statistics count of one message, and all that is kept of it once it is deleted: the
/// UTC day it reached the relay, its kind, its categories, where the chair got to with it, and
/// how many days a contact request took to be answered. No text, no contact detail, no receipt
/// code, not even the hour.
package struct CountedMessage: Codable, Hashable {
    /// `YYYY-MM-DD`, UTC.
    package let receivedDay: String
    package let kind: Kind
    package let categories: [String]
    package let status: MessageStatus
    /// Whole days from arrival to the first "contacted"; nil when never contacted.
    package let daysToContact: Int?

    package enum Kind: String, Codable {
        case message
        case contactRequest = "contact request"
    }

    /// The counted facts of a stored message; nil for one that could not be opened, which the
    /// statistics leave out.
    package init?(_ message: ChairStore.Message) {
        guard let submission = message.submission else { return nil }
        receivedDay = String(message.receivedHour.prefix(10))
        kind = submission.kind == .contactRequest ? .contactRequest : .message
        categories = submission.categories.map(\.rawValue)
        status = message.status
        daysToContact = message.contactedDate.flatMap { contactedAt in
            guard let received = ReceivedDate.date(fromHour: message.receivedHour) else { return nil }
            let days = (contactedAt.timeIntervalSince(received) / 86_400).rounded(.down)
            return days.isFinite ? Int(max(0, min(days, 1_000_000))) : nil
        }
    }

    /// "YYYY-MM".
    package var month: String { String(receivedDay.prefix(7)) }
}
