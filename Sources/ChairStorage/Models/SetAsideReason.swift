import Envelope

/// Why a pulled envelope was set aside instead of stored as a message. Each case is something
/// inside an envelope, which anyone who can post to the public form can make (the readers'
/// keys and sets are on the page), so none of them may stop a pull: the envelope is kept,
/// sealed, with its reason, acknowledged like any other, and named once (docs/THREAT-MODEL.md,
/// "what only the host can cause"). Stored in the chair's store as JSON, so the words can change.
package enum SetAsideReason: Codable, Equatable, Sendable {
    /// Field 0x90 is absent: the record does not say which set it was sealed to.
    case namesNoRecipientSet
    /// Field 0x90 names a set the trusted chair never signed (or this store has not seen).
    case namesUnknownRecipientSet
    /// Sealed to more or fewer keys than the set it names has people.
    case keyCountDiffers(keys: Int, setSerial: Int64, people: Int)
    /// Names an older set than one an envelope before it was sealed to; `alsoReadBy` are those
    /// the older set lets read whom the newest set does not, as "Name (role)".
    case olderRecipientSet(serial: Int64, inUse: Int64, alsoReadBy: [String])
    /// The record breaks a rule of FORMAT.md section 3.2 (a malformed canary field among them):
    /// which rule.
    case recordFailure(String)
}

extension EnvelopeError {
    /// Which rule of a record was broken, without the words around it.
    package var recordRule: String {
        if case .recordFailure(let rule) = self { return rule }
        return description
    }
}
