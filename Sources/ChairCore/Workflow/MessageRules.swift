import ChairStorage
import Envelope

/// The workflow's rules for one message, beside its model so that every interface (a command,
/// a shell, a test) applies the same ones: which statuses it may move to, and whether it is a
/// contact request still waiting for the chair.
extension ChairStore.Message {
    /// Whether this asks to be contacted: only such a message can be marked contacted or no
    /// contact possible.
    package var isContactRequest: Bool { submission?.kind == .contactRequest }

    /// A contact request the chair has not yet settled (new or in progress).
    package var isOpenContactRequest: Bool { isContactRequest && status.isOpen }

    /// The statuses this message may move to now.
    package var allowedNextStatuses: [MessageStatus] {
        status.allowedNext.filter { isContactRequest || !$0.isContactOutcome }
    }
}

extension MessageStatus {
    /// An outcome of trying to contact someone, which only a contact request can have.
    package var isContactOutcome: Bool { self == .contacted || self == .noContactPossible }
}
