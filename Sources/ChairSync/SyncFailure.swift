import ChairCore
import ChairStorage
import Envelope

/// Why a pull, a canary or an audit of the relay stopped. Typed, so that the command line
/// words each case once, with the hint its command needs.
package enum SyncFailure: Error {
    case storeUnreadable
    case relay(RelayFailure)
    case recipients(GroupRecipients.Failure)
    /// A public page that did not come whole.
    case page(PublicFetch.Failure)
    case notAWebAddress(String)

    // The pull's own.
    case filledFromAnotherRelay(stored: String, given: String)
    /// The relay's current set leaves this reader out; `handedOver` when this store's chair
    /// handed the role to that set's chair; `trustChanges` is what the pull learnt first.
    case notARecipient(current: RecipientSet, handedOver: Bool, trustChanges: [GroupRecipients.TrustChange])
    /// A request run in the background ended without an answer or a failure of its own.
    case answerUnreadable
    case cannotSavePulled(reason: String)
    case cannotSaveCursor(reason: String)
    case cannotSaveTrust(reason: String)
    case cannotUpdateCanaries(reason: String)

    // The canary's own.
    case canaryNotSealed(reason: String)
    case canaryNotRecorded(receipt: String, reason: String)
    case formUnreadable(status: Int)
    case formDoesNotSeal
    case formSealsToUntrustedKeys
    case canaryRefused(reason: String)
}

extension GroupRecipients {
    /// The relay's sets checked against what `store` trusts: where a pull, a canary and an audit
    /// of the relay all start.
    package static func load(from relay: any RelayConnection, store: ChairStore, identity: ChairIdentity)
        async throws(SyncFailure) -> GroupRecipients
    {
        let trust: ChairStore.GroupTrust?
        do {
            trust = try store.fetchGroupTrust()
        } catch {
            throw .storeUnreadable
        }
        let files: [String]
        do {
            files = try await relay.recipientSets()
        } catch {
            throw .relay(error)
        }
        do {
            return try GroupRecipients(relayFiles: files, stored: trust, identity: identity)
        } catch {
            throw .recipients(error)
        }
    }
}
