import Envelope
import Sodium
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// The check every pulled envelope passes against the group's signed recipients sets: each way
/// an envelope can be readable by someone the chair did not sign for is named, and nothing else.
@Suite("Checking envelopes against the signed recipients sets")
struct GroupRecipientsTests {
    let chair = ChairIdentity.generate()
    let deputy = ChairIdentity.generate()

    func key(_ identity: ChairIdentity, _ name: String) throws -> PublicKeyFile {
        try PublicKeyFile(
            name: name, encryptionKey: identity.encryption.publicKey, signingKey: identity.signing.publicKey)
    }

    func set(serial: Int64, withDeputy: Bool) throws -> RecipientSet {
        var members = [RecipientSet.Member(role: .chair, key: try key(chair, "Chair"))]
        if withDeputy { members.append(.init(role: .deputy, key: try key(deputy, "Deputy"))) }
        return try RecipientSet.sign(serial: serial, members: members, with: chair.signing)
    }

    func record(naming digest: [UInt8]?) throws -> SecretBytes {
        try SubmissionRecord.encode(Submission(message: "hello"), recipientSet: digest)
    }

    @Test("an envelope naming its set, with as many keys as the set has people, passes")
    func matchingSetPasses() throws {
        let current = try set(serial: 2, withDeputy: true)
        var group = try GroupRecipients(relayFiles: [current.render()], stored: nil, identity: chair)
        #expect(group.trustChanges.isEmpty)
        #expect(group.reasonToSetAside(record: try record(naming: current.digest), stanzas: 2) == nil)
        #expect(group.trust.lastSerial == 2)
    }

    @Test("no set named, a set never signed, or a key too many: each is set aside, with its reason")
    func eachWayOutsideTheSetIsSetAside() throws {
        let current = try set(serial: 1, withDeputy: false)
        var group = try GroupRecipients(relayFiles: [current.render()], stored: nil, identity: chair)
        #expect(group.reasonToSetAside(record: try record(naming: nil), stanzas: 1) == .namesNoRecipientSet)
        let unknown = group.reasonToSetAside(record: try record(naming: [UInt8](repeating: 1, count: 32)), stanzas: 1)
        #expect(unknown == .namesUnknownRecipientSet)
        let extraKey = try #require(group.reasonToSetAside(record: try record(naming: current.digest), stanzas: 2))
        #expect(extraKey == .keyCountDiffers(keys: 2, setSerial: 1, people: 1))
        #expect(
            SetAsideText.reason(extraKey)
                == "was sealed to 2 keys, but the recipients set 1 it names holds 1 people: someone outside the set could read it"
        )
        // None of them moved the set in use on.
        #expect(group.trust.lastSerial == 0)
    }

    @Test("an older set after a newer one names who else it lets read; before it, it passes")
    func olderSetAfterNewer() throws {
        let withDeputy = try set(serial: 1, withDeputy: true)
        let chairOnly = try set(serial: 2, withDeputy: false)
        var group = try GroupRecipients(
            relayFiles: [withDeputy.render(), chairOnly.render()], stored: nil, identity: chair)
        // Sealed before the change: fine, in order.
        #expect(group.reasonToSetAside(record: try record(naming: withDeputy.digest), stanzas: 2) == nil)
        #expect(group.reasonToSetAside(record: try record(naming: chairOnly.digest), stanzas: 1) == nil)
        let back = try #require(group.reasonToSetAside(record: try record(naming: withDeputy.digest), stanzas: 2))
        #expect(back == .olderRecipientSet(serial: 1, inUse: 2, alsoReadBy: ["Deputy (deputy)"]))
        #expect(
            SetAsideText.reason(back)
                == "was sealed to recipients set 1 after set 2 was already in use, which also lets Deputy (deputy) read it"
        )
    }

    @Test("a deputy's new store trusts the chair who signed, says so, and then refuses anyone else's set")
    func deputyTrustsOnFirstSight() throws {
        let current = try set(serial: 2, withDeputy: true)
        let group = try GroupRecipients(relayFiles: [current.render()], stored: nil, identity: deputy)
        let statement = try #require(TrustText.statement(group.trustChanges))
        #expect(statement.contains("signed by Chair, fingerprint \(try key(chair, "Chair").fingerprint)"))
        let host = ChairIdentity.generate()
        let hostSet = try RecipientSet.sign(
            serial: 3,
            members: [
                .init(role: .chair, key: try key(host, "Host")), .init(role: .deputy, key: try key(deputy, "Deputy")),
            ],
            with: host.signing)
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(
                relayFiles: [current.render(), hostSet.render()], stored: group.trust, identity: deputy)
        }
        // The same store, the chair's next set: trusted, and nothing to say.
        let next = try set(serial: 3, withDeputy: true)
        let again = try GroupRecipients(
            relayFiles: [current.render(), next.render()], stored: group.trust, identity: deputy)
        #expect(again.trustChanges.isEmpty && again.relayBehind == nil)
    }

    @Test("a relay with no set, or a set changed after signing, stops the pull before anything is fetched")
    func unusableRelaySets() throws {
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(relayFiles: [], stored: nil, identity: chair)
        }
        let changed = try set(serial: 1, withDeputy: false).render().replacingOccurrences(
            of: "serial: 1", with: "serial: 2")
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(relayFiles: [changed], stored: nil, identity: chair)
        }
    }
}
