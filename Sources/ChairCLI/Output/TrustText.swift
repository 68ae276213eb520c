import ChairCore
import Envelope

/// The chair's words for whom a store trusts (`GroupRecipients`): new chairs, handovers, and a
/// relay that seals to an older set. The one place they are written.
enum TrustText {
    /// What a pull says once about changes in trust, or nil when nothing changed.
    static func statement(_ changes: [GroupRecipients.TrustChange]) -> String? {
        changes.isEmpty ? nil : changes.map(words).joined(separator: "; ")
    }

    static func words(_ change: GroupRecipients.TrustChange) -> String {
        switch change {
        case .newStoreTrusts(let chair):
            "this store is new, so it now trusts the recipients sets signed by \(chair.name), "
                + "fingerprint \(chair.fingerprint): check that fingerprint with them"
        case .becameChair(let serial, let from):
            "you are now the group's chair: from recipients set \(serial), signed by you, this store "
                + "trusts the sets you sign, as \(from.map(person) ?? "the previous chair") handed over"
        case .handedOver(let to, let serial):
            "you handed the chair's role to \(person(to)), who signed recipients set \(serial): this store now "
                + "follows the sets they sign"
        case .passed(let from, let to, let serial):
            "the chair's role passed from \(from.map(person) ?? "the previous chair") to \(person(to)), whom they "
                + "had made a deputy, with recipients set \(serial): check with them both that this was a handover"
        }
    }

    /// "the relay seals to recipients set 1, but set 2 was signed since, which also lets …"
    static func relayBehind(_ behind: GroupRecipients.RelayBehind) -> String {
        "the relay seals to recipients set \(behind.sealsTo), but set \(behind.newest) was signed since"
            + alsoReadingClause(behind.alsoReadBy)
    }

    /// ", which also lets NAMES read it", or nothing when there is no one.
    static func alsoReadingClause(_ names: [String]) -> String {
        names.isEmpty ? "" : ", which also lets " + names.joined(separator: " and ") + " read it"
    }

    /// "Name (fingerprint …)".
    private static func person(_ key: PublicKeyFile) -> String {
        "\(key.name) (fingerprint \(key.fingerprint))"
    }
}
