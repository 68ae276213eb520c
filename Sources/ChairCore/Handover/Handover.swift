import ChairStorage
import Envelope
import Foundation
import Sodium

/// Passing the open contact requests to the next chair, and taking them in: what
/// `chair handover export` and `chair handover import` do, with what went wrong typed.
package enum Handover {
    /// The deputy named `name` in `set`, to whom the chair's role may pass.
    package static func successor(named name: String, in set: RecipientSet) -> RecipientSet.Member? {
        set.members.first { $0.key.name == name && $0.role == .deputy }
    }

    /// Why an export wrote nothing, or wrote the file but could not record it.
    package enum ExportFailure: Error {
        case storeUnreadable(reason: String)
        case neverPulled
        case cannotMake(reason: String)
        case file(PrivateFile.Failure)
        /// The file was written, but the store does not know it was handed over.
        case notRecorded(reason: String)
    }

    /// What an export wrote.
    package struct Exported {
        /// The open contact requests in the file.
        package let count: Int
        package let created: PrivateFile.Created
    }

    /// Seals `store`'s open contact requests, with their history, to `successor` in a new file at
    /// `output`, and records in the store that its chair handed over to them.
    package static func export(
        from store: ChairStore, signer: ChairIdentity, to successor: RecipientSet.Member, output: String
    ) throws(ExportFailure) -> Exported {
        let open: [ChairStore.Message]
        let found: ChairStore.GroupTrust?
        do {
            found = try store.fetchGroupTrust()
            open = try store.fetchMessages().filter(\.isOpenContactRequest)
        } catch {
            throw .storeUnreadable(reason: "\(error)")
        }
        guard var trust = found else { throw .neverPulled }
        let file: [UInt8]
        do {
            file = try HandoverFile.make(
                try store.fetchStored(numbers: open.map(\.number)), signer: signer.signing,
                recipient: successor.key.encryptionKey)
        } catch {
            throw .cannotMake(reason: "\(error)")
        }
        let created: PrivateFile.Created
        do {
            created = try PrivateFile.create(at: output, contents: file)
        } catch {
            throw .file(error)
        }
        trust.handedOverTo = Hex.encode(successor.key.signingKey)
        do {
            try store.saveGroupTrust(trust)
        } catch {
            throw .notRecorded(reason: "\(error)")
        }
        return Exported(count: open.count, created: created)
    }

    /// Why an import changed nothing.
    package enum ImportFailure: Error {
        case file(HandoverFile.ReadError)
        case storeUnreadable(reason: String)
        /// The file holds messages this store has yet to pull: they would arrive twice.
        case notPulledYet(count: Int)
        case cannotSave(reason: String)
    }

    /// What an import took in.
    package struct Imported {
        package let count: Int
        package let adoption: ChairStore.Adoption
    }

    /// Opens a handover file sealed to `identity` and signed by `outgoing`, and adopts its
    /// messages into `store`.
    package static func takeIn(
        _ file: [UInt8], into store: ChairStore, identity: ChairIdentity, outgoing: PublicKeyFile
    ) throws(ImportFailure) -> Imported {
        let handedOver: [StoredMessage]
        do {
            handedOver = try HandoverFile.open(file, identity: identity, signerKey: outgoing.signingKey)
        } catch {
            throw .file(error)
        }
        let cursor: ChairStore.Cursor?
        let held: Set<[UInt8]>
        do {
            cursor = try store.fetchCursor()
            held = try store.heldChains()
        } catch {
            throw .storeUnreadable(reason: "\(error)")
        }
        // One this store has yet to pull would arrive twice: once here, once from the relay.
        let notPulled = handedOver.filter { !held.contains($0.chain) && $0.relaySequence > (cursor?.sequence ?? 0) }
        guard notPulled.isEmpty else { throw .notPulledYet(count: notPulled.count) }
        do {
            return Imported(count: handedOver.count, adoption: try store.adopt(handedOver))
        } catch {
            throw .cannotSave(reason: "\(error)")
        }
    }
}
