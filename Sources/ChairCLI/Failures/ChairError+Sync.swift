import ChairCore
import ChairSync
import Envelope
import Sodium

/// Which command met a failure of the sync layer: some hints differ by what was being done.
enum SyncCommand {
    case pull, canary, audit
}

extension ChairError {
    /// A pull, canary or audit that stopped, in the chair's words.
    init(_ failure: SyncFailure, during command: SyncCommand) {
        switch failure {
        case .storeUnreadable:
            self.init("cannot read your message store", hint: "check the file named by --store")
        case .relay(let failure): self.init(failure)
        case .recipients(let failure): self.init(failure)
        case .page(let failure): self = Self.explain(failure, during: command)
        case .notAWebAddress(let address):
            self.init(
                "'\(address)' is not a web address",
                hint: command == .audit
                    ? "give it as https://host"
                    : "give the relay's address, e.g. --relay https://contact.example.police.uk")
        case .filledFromAnotherRelay(let stored, let given):
            self.init(
                "this message store was filled from \(stored), not \(given)",
                hint: "use the same --relay address as before, or a new --store for another relay")
        case .notARecipient(let current, let handedOver, let trustChanges):
            self = Self.notARecipient(
                current, handedOver: handedOver, statement: TrustText.statement(trustChanges))
        case .answerUnreadable:
            self.init("the relay's answer could not be read", hint: "run 'chair pull' again")
        case .cannotSavePulled(let reason):
            self.init(
                "could not save the pulled messages: \(reason)",
                hint:
                    "these were not acknowledged, so the relay still holds them; free some disk space and run 'chair pull' again"
            )
        case .cannotSaveCursor(let reason):
            self.init(
                "could not save where this pull stopped: \(reason)",
                hint: "free some disk space and run 'chair pull' again; nothing was lost")
        case .cannotSaveTrust(let reason):
            self.init(
                "could not save which recipients sets this store trusts: \(reason)",
                hint: "free some disk space and run 'chair pull' again; what was pulled is stored")
        case .cannotUpdateCanaries(let reason):
            self.init("cannot update your canaries: \(reason)", hint: "free some disk space and pull again")
        case .canaryNotSealed(let reason):
            self.init("could not seal the canary: \(reason)", hint: "run 'chair canary send' again")
        case .canaryNotRecorded(let receipt, let reason):
            self.init(
                "the relay took the canary (receipt \(receipt)), but it could not be recorded here: \(reason)",
                hint: "free some disk space; the next pull will set it aside as another reader's canary")
        case .formUnreadable(let status):
            self.init(
                "the relay's form page could not be read (status \(status))",
                hint: "check that --relay is the Blind Relay's address; no canary was sent")
        case .formDoesNotSeal:
            self.init(
                "the relay's form page does not seal in the browser, so a canary would be read by the relay",
                hint: "ask the host to install node-tweetnacl (browser sealing); no canary was sent")
        case .formSealsToUntrustedKeys:
            self.init(
                "the relay's form page seals to keys that are not a recipients set the group's chair signed",
                hint:
                    "no canary was sent; tell the group and the relay's host: people's messages are sealed to those keys too"
            )
        case .canaryRefused(let reason):
            self.init("the relay did not take the canary (\(reason))", hint: "no canary was recorded; try again later")
        }
    }

    /// The relay's sets that cannot be trusted, in the chair's words.
    init(_ failure: GroupRecipients.Failure) {
        switch failure {
        case .untrustedSet(let number, let count, let reason):
            self.init(
                "the relay offers a recipients set (\(number) of \(count)) that cannot be trusted: \(reason)",
                hint: "nothing was fetched or changed; tell the relay's host, and do not pull until it is explained")
        case .noSignedSet:
            self.init(
                "the relay offers no signed recipients set, so who could read its messages cannot be checked",
                hint:
                    "the relay may be older than this chair; ask its host to upgrade it and install the chair's recipients.set"
            )
        case .signedByAnother(let set, let trusted, let byOwnChair):
            self.init(
                "the relay seals to recipients set \(set.serial) signed by \(set.chair.key.name) (fingerprint "
                    + "\(set.chair.key.fingerprint)), not by \(trusted.map { "\($0.name) (fingerprint \($0.fingerprint))" } ?? "the chair this store trusts"): "
                    + "someone other than the group's chair chose who can read new messages",
                hint: byOwnChair
                    ? "nothing was fetched or changed; you did not hand the chair's role to them ('chair handover export'): tell the group and the relay's host before anything else"
                    : "nothing was fetched or changed; tell the group and the relay's host before anything else")
        }
    }

    /// Why a reader the relay's current set leaves out has nothing to pull: a chair who handed
    /// over, or a reader removed.
    static func notARecipient(_ current: RecipientSet, handedOver: Bool, statement: String?) -> ChairError {
        let chair = current.chair.key
        if handedOver {
            return ChairError(
                "you handed the chair's role to \(chair.name), whose recipients set \(current.serial) the relay now "
                    + "uses: nothing new is sealed to you, and the relay no longer serves you",
                hint:
                    "once \(chair.name) has confirmed they have everything, delete your copies with 'chair purge --all'"
            )
        }
        return ChairError(
            (statement.map { $0 + "; " } ?? "")
                + "the relay's recipients set \(current.serial), signed by \(chair.name), does not name you: "
                + "nothing new is sealed to you",
            hint: "if you did not expect this, ask \(chair.name) by phone, and tell the group")
    }

    /// A public page that did not come whole, with the hint of the command that wanted it.
    static func explain(_ failure: PublicFetch.Failure, during command: SyncCommand) -> ChairError {
        let hint =
            command == .canary
            ? "check the address and your connection; no canary was sent"
            : "check the address and your connection, and try again"
        switch failure.transfer {
        case .unreachable(let reason):
            return ChairError("cannot reach the relay at \(failure.relay): \(reason)", hint: hint)
        case .tooLarge(let limit):
            return ChairError(
                "the relay's answer at \(failure.path) was larger than any page it serves (over \(limit / 1_048_576) MiB), "
                    + "so it was not read",
                hint: "check the address; if it is right, tell the relay's host")
        case .deadlinePassed(let seconds):
            return ChairError(
                "the relay did not finish sending \(failure.path) within \(seconds) seconds", hint: hint)
        }
    }
}
