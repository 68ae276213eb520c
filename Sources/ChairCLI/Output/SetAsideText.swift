import ChairCore
import ChairStorage
import ChairSync

/// The chair's words for envelopes set aside (`SetAsideReason`) and for the pattern a pull
/// watches (`SetAsidePattern`): the one place they are written.
enum SetAsideText {
    /// Why it was set aside, as the rest of a sentence that begins "it".
    static func reason(_ reason: SetAsideReason) -> String {
        switch reason {
        case .namesNoRecipientSet:
            "does not say which recipients set it was sealed to, so who else could read it is unknown"
        case .namesUnknownRecipientSet:
            "names a recipients set the group's chair never signed, so who else could read it is unknown"
        case .keyCountDiffers(let keys, let serial, let people):
            "was sealed to \(keys) keys, but the recipients set \(serial) it names holds \(people) people: "
                + "someone outside the set could read it"
        case .olderRecipientSet(let serial, let inUse, let alsoReadBy):
            "was sealed to recipients set \(serial) after set \(inUse) was already in use"
                + TrustText.alsoReadingClause(alsoReadBy)
        case .recordFailure(let failure):
            "is not a well-formed submission: \(failure)"
        }
    }

    /// What a pull says of one envelope it set aside.
    static func pulled(_ envelope: PullSession.SetAsideEnvelope) -> String {
        "chair: set aside message \(envelope.number) (receipt \(envelope.receiptCode), the relay's envelope "
            + "\(envelope.relaySequence)): it \(reason(envelope.reason)). Anyone who can use the public form "
            + "could have sent it, so it is kept apart from your messages and did not stop the pull"
    }

    /// Said once after the envelopes a pull set aside.
    static func pulledHint(first: Int64) -> String {
        "hint: 'chair list --set-aside' lists what was set aside; 'chair read \(first)' shows what could be read of it, "
            + "unverified"
    }

    /// The loud warning when what was set aside looks like the relay sealing to other keys.
    static func pattern(_ pattern: SetAsidePattern) -> (message: String, hint: String) {
        var seen: [String] = []
        if pattern.isLongRun {
            seen.append("the last \(pattern.trailingRun) envelopes in a row were set aside or could not be opened")
        }
        if pattern.isMostOfPull {
            seen.append(
                "\(pattern.suspect) of the \(pattern.counted) envelopes this pull brought were set aside or could not be opened"
            )
        }
        return (
            seen.joined(separator: ", and ")
                + ": more than a stranger's posts usually make. The relay itself may be sealing messages to keys "
                + "other than the group's",
            "run 'chair verify-relay' and 'chair canary send' now, pull again and check 'chair canary status'; "
                + "tell the group's other readers and the relay's host what you find"
        )
    }

    /// The heading line `chair read` puts above what could be read of a set-aside envelope.
    static func readHeading(_ setAside: ChairStore.SetAside) -> String {
        "This envelope was set aside: it \(reason(setAside.reason)).\n"
            + "Anyone who can use the public form could have sent it. Nothing below is verified.\n"
    }
}
