import ChairStorage
import Envelope
import Sodium

/// What a pull does with one record that opened: store it as a person's message (decoded once,
/// here), count it as a delivery canary, or set it aside. The one place that decides, so that every way of reading a
/// record (a pull, `chair open`) follows the same rules (FORMAT.md sections 10.1 and 11).
package enum RecordTriage: Equatable {
    case message(Submission)
    case canary(identifier: [UInt8])
    case setAside(SetAsideReason)

    /// The record's own rules only: a record failure, a canary, or a message. For a reader that
    /// does not check sets (`chair open`).
    package static func ofRecord(_ record: SecretBytes) -> RecordTriage {
        do {
            if let canary = try SubmissionRecord.canary(in: record) { return .canary(identifier: canary) }
            return .message(try SubmissionRecord.decode(record))
        } catch {
            return .setAside(.recordFailure(error.recordRule))
        }
    }

    /// The record's rules, then the group's sets (`GroupRecipients.reasonToSetAside`), in the
    /// order a pull applies them. Only a record that passes both moves the set in use on.
    package static func ofPulledRecord(_ record: SecretBytes, stanzas: Int, group: inout GroupRecipients)
        -> RecordTriage
    {
        let own = ofRecord(record)
        if case .setAside = own { return own }
        if let reason = group.reasonToSetAside(record: record, stanzas: stanzas) { return .setAside(reason) }
        return own
    }
}
