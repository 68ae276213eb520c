import Foundation

/// Where the chair is with a message. Lives only in the chair's encrypted store.
public enum MessageStatus: String, CaseIterable, Codable, Sendable {
    case new
    case inProgress = "in progress"
    case contacted
    case noContactPossible = "no contact possible"
    case closed

    /// The statuses a message may move to from this one.
    public var allowedNext: [MessageStatus] {
        switch self {
        case .new: [.inProgress, .contacted, .noContactPossible, .closed]
        case .inProgress: [.contacted, .noContactPossible, .closed]
        case .contacted, .noContactPossible: [.closed, .inProgress]
        case .closed: [.inProgress]
        }
    }

    /// Whether a contact request in this status still needs the chair to act.
    public var isOpen: Bool { self == .new || self == .inProgress }

    /// Accepts what a chair might type: "in-progress", "In progress", "no_contact_possible".
    public init?(typed: String) {
        let normalised = typed.lowercased().replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: "_", with: " ")
        guard let status = MessageStatus(rawValue: normalised) else { return nil }
        self = status
    }
}

/// A dated entry in a message's history: a change of status, a note, or its first reading.
public struct WorkflowEvent: Codable, Sendable, Equatable {
    /// What happened.
    public enum Change: Codable, Sendable, Equatable {
        case status(MessageStatus)
        case note(String)
        /// The chair first read it in full (`chair read`); until then it is unread.
        case read
    }

    /// When the chair recorded it.
    public let date: Date
    public let change: Change

    public init(date: Date, change: Change) {
        self.date = date
        self.change = change
    }
}
