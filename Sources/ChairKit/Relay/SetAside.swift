import Envelope
import Sodium

/// Why a pulled envelope was set aside instead of stored as a message. Each case is something
/// inside an envelope, which anyone who can post to the public form can make (the readers'
/// keys and sets are on the page), so none of them may stop a pull: the envelope is kept,
/// sealed, with its reason, acknowledged like any other, and named once (docs/THREAT-MODEL.md,
/// "what only the host can cause"). Stored in the chair's store as JSON, so the words can change.
enum SetAsideReason: Codable, Equatable, Sendable {
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
    var recordRule: String {
        if case .recordFailure(let rule) = self { return rule }
        return description
    }
}

/// What a pull does with one record that opened: store it as a person's message (decoded once,
/// here), count it as a delivery canary, or set it aside. The one place that decides, so that every way of reading a
/// record (a pull, `chair open`) follows the same rules (FORMAT.md sections 10.1 and 11).
enum RecordTriage: Equatable {
    case message(Submission)
    case canary(identifier: [UInt8])
    case setAside(SetAsideReason)

    /// The record's own rules only: a record failure, a canary, or a message. For a reader that
    /// does not check sets (`chair open`).
    static func ofRecord(_ record: SecretBytes) -> RecordTriage {
        do {
            if let canary = try SubmissionRecord.canary(in: record) { return .canary(identifier: canary) }
            return .message(try SubmissionRecord.decode(record))
        } catch {
            return .setAside(.recordFailure(error.recordRule))
        }
    }

    /// The record's rules, then the group's sets (`GroupRecipients.reasonToSetAside`), in the
    /// order a pull applies them. Only a record that passes both moves the set in use on.
    static func ofPulledRecord(_ record: SecretBytes, stanzas: Int, group: inout GroupRecipients) -> RecordTriage {
        let own = ofRecord(record)
        if case .setAside = own { return own }
        if let reason = group.reasonToSetAside(record: record, stanzas: stanzas) { return .setAside(reason) }
        return own
    }
}

/// Whether what a pull set aside looks like strangers' posts or like the relay itself sealing
/// to other keys. One stranger's envelope among people's messages is noise; a relay that seals
/// every message to a set of its own from some point on (or to keys this reader lacks) makes
/// every envelope after that point set aside or unopenable. So the rule looks at the pattern:
/// it warns when at least `threshold` envelopes in a row, up to the newest pulled, were set
/// aside or could not be opened (counted across pulls), or when at least `threshold` of them
/// are more than half of what this pull brought. Any envelope that passes every check (a
/// person's message, a canary) ends the run. On a store's first pull, envelopes it cannot
/// open count for nothing: a new deputy's first pull holds those sealed before they were added.
struct SetAsidePattern: Equatable {
    /// Three: a stranger's junk posts among real messages never reach it, and a relay sealing
    /// elsewhere is named by the third message it takes, within one pull or across several.
    static let threshold = 3

    enum Kind {
        /// Passed every check: a message, or a canary.
        case passed
        case setAside
        /// Could not be opened with this reader's key, or was altered after sealing.
        case unopened
    }

    /// Set aside or unopened envelopes in a row, up to the newest pulled.
    private(set) var trailingRun: Int
    /// This pull's envelopes that counted, and how many of them were set aside or unopened.
    private(set) var counted = 0
    private(set) var suspect = 0
    /// False on a store's first pull.
    let countsUnopened: Bool

    init(trailingRun: Int, countsUnopened: Bool) {
        self.trailingRun = max(0, trailingRun)
        self.countsUnopened = countsUnopened
    }

    mutating func note(_ kind: Kind) {
        switch kind {
        case .passed:
            counted += 1
            trailingRun = 0
        case .unopened where !countsUnopened:
            return
        case .setAside, .unopened:
            counted += 1
            suspect += 1
            // Saturating: a run this long says the same as one a little shorter.
            trailingRun = min(trailingRun + 1, Int(Int32.max))
        }
    }

    /// At least `threshold` in a row, up to the newest pulled.
    var isLongRun: Bool { trailingRun >= Self.threshold }
    /// At least `threshold` of this pull's envelopes, and more than half of them.
    var isMostOfPull: Bool { suspect >= Self.threshold && suspect > counted - suspect }

    /// Whether the pull should say that the relay itself may be sealing to other keys: said by
    /// every pull that adds to such a pattern, and by none that brings nothing new.
    var warns: Bool { suspect > 0 && (isLongRun || isMostOfPull) }
}
