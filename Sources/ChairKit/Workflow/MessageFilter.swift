import Envelope
import Foundation

/// Which messages `chair list` shows.
struct MessageFilter {
    var status: MessageStatus?
    /// nil for any; "unreadable" is never matched by a kind.
    var kind: Submission.Kind?
    /// "YYYY-MM-DD"; hours are compared as text, which sorts like time.
    var sinceDay: String?
    /// Set-aside envelopes only, instead of never: they are not messages anyone vouches for.
    var setAside = false

    var isEmpty: Bool { status == nil && kind == nil && sinceDay == nil && !setAside }

    func matches(_ message: ChairStore.Message) -> Bool {
        guard (message.setAside != nil) == setAside else { return false }
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
