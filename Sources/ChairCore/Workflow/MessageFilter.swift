import ChairStorage
import Envelope
import Foundation

/// Which messages `chair list` shows.
package struct MessageFilter {
    package var status: MessageStatus?
    /// nil for any; "unreadable" is never matched by a kind.
    package var kind: Submission.Kind?
    /// "YYYY-MM-DD"; hours are compared as text, which sorts like time.
    package var sinceDay: String?

    /// Set-aside envelopes only, instead of never: they are not messages anyone vouches for.
    package var setAside = false

    package init(
        status: MessageStatus? = nil, kind: Submission.Kind? = nil, sinceDay: String? = nil, setAside: Bool = false
    ) {
        self.status = status
        self.kind = kind
        self.sinceDay = sinceDay
        self.setAside = setAside
    }

    package var isEmpty: Bool { status == nil && kind == nil && sinceDay == nil && !setAside }

    package func matches(_ message: ChairStore.Message) -> Bool {
        guard (message.setAside != nil) == setAside else { return false }
        if let status, message.status != status { return false }
        if let kind, message.submission?.kind != kind { return false }
        if let sinceDay, message.receivedHour < sinceDay { return false }
        return true
    }

    package static func kind(typed: String) -> Submission.Kind? {
        switch typed.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-") {
        case "message": .message
        case "contact-request", "contact": .contactRequest
        default: nil
        }
    }

    /// `YYYY-MM-DD`, a day that exists, as `CalendarDay` reads it.
    package static func day(typed: String) -> String? {
        CalendarDay(typed: typed)?.description
    }
}
