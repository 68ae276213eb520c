import Envelope
import Foundation
import Sodium
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// The parts of the chair's year that can be checked without a relay: periods, reminders, the
/// backup and handover files against damage, the chair's role passing on, and shell words.
@Suite("The chair's year, in parts")
struct ChairYearTests {
    @Test(
        "periods are read as typed, and only sensible ones",
        arguments: [
            ("1y", "1 year"), ("18m", "18 months"), ("6 weeks", "6 weeks"), ("90D", "90 days"), ("1 Year", "1 year"),
        ])
    func periodsAsTyped(typed: String, meant: String) throws {
        #expect(try #require(RetentionPeriod(argument: typed)).description == meant)
    }

    @Test(
        "nonsense, zero, and periods so long that date arithmetic would overflow are refused",
        arguments: ["", "y", "0y", "-1y", "1 fortnight", "101y", "9999999999999999999y", "1.5y", "１y"])
    func refusedPeriods(typed: String) {
        #expect(RetentionPeriod(argument: typed) == nil)
    }

    @Test("a year is a calendar year in the chair's zone, and a message is as old as the end of its hour")
    func yearsAndHours() throws {
        let year = try #require(RetentionPeriod(argument: "1y"))
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let now = try #require(ISO8601DateFormatter().date(from: "2027-03-01T10:30:00Z"))
        #expect(year.hasPassed(receivedHour: "2026-03-01T09", now: now, in: london))
        #expect(!year.hasPassed(receivedHour: "2026-03-01T10", now: now, in: london))
        #expect(!year.hasPassed(receivedHour: "not an hour", now: now, in: london))
    }

    @Test("pull's reminder names how many and the oldest, and the purge that would go with it")
    func retentionReminder() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2027-06-01T12:00:00Z"))
        let old = ReportTests.messages(day: "2026-01-10", plain: 2, contact: 1)
        let young = ReportTests.messages(day: "2027-05-30", plain: 1, contact: 0, first: 4)
        let retention = try #require(RetentionPeriod(argument: "1y"))
        let reminder = try #require(PullCommand.retentionReminder(old + young, retention: retention, now: now))
        #expect(reminder.message.hasPrefix("3 messages are older than your retention period of 1 year"))
        #expect(reminder.message.contains("2026-01-10"))
        #expect(reminder.hint?.hasPrefix("'chair purge --older-than 1y'") == true)
        #expect(PullCommand.retentionReminder(young, retention: retention, now: now) == nil)
    }

    @Test("deleted messages still count, each once, under every column")
    func keptCounts() throws {
        var kept = ChairStore.KeptCounts()
        for message in ReportTests.messages(day: "2026-11-02", plain: 3, contact: 3) {
            kept.add(try #require(CountedMessage(message)))
        }
        #expect(kept.counted.count == 2 && kept.messages.count == 6)
        let held = ReportTests.messages(day: "2026-12-01", plain: 1, contact: 0, first: 7)
        let statistics = Statistics(messages: held, kept: kept.messages, threshold: 1)
        #expect(statistics.months.map(\.all) == [6, 1])
        #expect(statistics.contactRequests == 3)
        #expect(statistics.categoryRows.first { $0.name == "race" }?.count == 7)
        let body = try JSONEncoder().encode(kept)
        #expect(!String(decoding: body, as: UTF8.self).contains(ReportTests.canary))
    }

    @Test("number lists run ranges together")
    func numberLists() {
        #expect(NumberList.describe([9, 1, 2, 3, 5, 6, 14]) == "1 to 3, 5, 6, 9, 14")
        #expect(NumberList.describe([]) == "")
        #expect(NumberList.describe([Int64.max, 1]) == "1, \(Int64.max)")
    }

    @Test("a backup opens with the identity's store key only, and any changed byte is refused")
    func backupFile() throws {
        let identity = ChairIdentity.generate()
        let store = Array("SQLite format 3\u{0} and the rows".utf8)
        let backup = BackupFile.make(identityFile: Array("IDENTITY".utf8), store: store, storeKey: identity.storeKey)
        #expect(try BackupFile.identityFile(in: backup) == Array("IDENTITY".utf8))
        #expect(try BackupFile.store(in: backup, storeKey: identity.storeKey).withUnsafeBytes { Array($0) } == store)
        #expect(throws: BackupFile.ReadError.damaged) {
            try BackupFile.store(in: backup, storeKey: ChairIdentity.generate().storeKey)
        }
        for index in [0, 5, 9, 20, backup.count - 1] {
            var changed = backup
            changed[index] ^= 1
            #expect(throws: BackupFile.ReadError.self) {
                _ = try BackupFile.store(in: changed, storeKey: identity.storeKey)
            }
        }
        #expect(throws: BackupFile.ReadError.self) { try BackupFile.identityFile(in: Array(backup.prefix(12))) }
        var huge = backup
        huge.replaceSubrange(5..<9, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: BackupFile.ReadError.self) { try BackupFile.identityFile(in: huge) }
    }

    @Test("a handover file opens only for its recipient, only as signed by the outgoing chair")
    func handoverFile() throws {
        let outgoing = ChairIdentity.generate()
        let incoming = ChairIdentity.generate()
        let stored = StoredMessage(
            relaySequence: 4, receivedHour: "2026-11-30T10", chain: Array(repeating: 7, count: 32),
            content: .record(SecretBytes(copying: Array("record".utf8))),
            events: [WorkflowEvent(date: Date(timeIntervalSince1970: 1_800_000_000), change: .note("Rang"))])
        let file = try HandoverFile.make([stored], signer: outgoing.signing, recipient: incoming.encryption.publicKey)
        let opened = try HandoverFile.open(file, identity: incoming, signerKey: outgoing.signing.publicKey)
        #expect(opened.count == 1 && opened[0].events == stored.events && opened[0].relaySequence == 4)
        #expect(throws: HandoverFile.ReadError.notForYou) {
            try HandoverFile.open(file, identity: outgoing, signerKey: outgoing.signing.publicKey)
        }
        #expect(throws: HandoverFile.ReadError.notSigned) {
            try HandoverFile.open(file, identity: incoming, signerKey: incoming.signing.publicKey)
        }
        // Signed for someone else and sealed on to this recipient: refused.
        let forged = try HandoverFile.make(
            [stored], signer: outgoing.signing, recipient: ChairIdentity.generate().encryption.publicKey)
        #expect(throws: HandoverFile.ReadError.notForYou) {
            try HandoverFile.open(forged, identity: incoming, signerKey: outgoing.signing.publicKey)
        }
    }

    @Test("shell lines are split as a Unix shell splits simple commands")
    func shellWords() throws {
        #expect(
            try ShellWords.split(#"note 4 "Rang at 14:10; said \"later\"""#) == [
                "note", "4", #"Rang at 14:10; said "later""#,
            ])
        #expect(try ShellWords.split("  read   3 ") == ["read", "3"])
        #expect(try ShellWords.split("note 4 'it''s'") == ["note", "4", "its"])
        #expect(try ShellWords.split(#"note 4 don\'t"#) == ["note", "4", "don't"])
        #expect(try ShellWords.split(#"note 4 """#) == ["note", "4", ""])
        #expect(throws: ShellWords.Unclosed.self) { try ShellWords.split("note 4 'open") }
        #expect(throws: ShellWords.Unclosed.self) { try ShellWords.split("note 4 trailing\\") }
    }
}

/// The chair's role passing from one chair to a deputy they named, and to no one else.
@Suite("Handing over the chair's role")
struct HandoverTrustTests {
    let first = ChairIdentity.generate()
    let second = ChairIdentity.generate()
    let third = ChairIdentity.generate()
    let outsider = ChairIdentity.generate()

    func key(_ identity: ChairIdentity, _ name: String) throws -> PublicKeyFile {
        try PublicKeyFile(
            name: name, encryptionKey: identity.encryption.publicKey, signingKey: identity.signing.publicKey)
    }

    /// A set chaired by `chair`, with `deputies`.
    func set(_ serial: Int64, chair: (ChairIdentity, String), deputies: [(ChairIdentity, String)]) throws
        -> RecipientSet
    {
        let members =
            [RecipientSet.Member(role: .chair, key: try key(chair.0, chair.1))]
            + (try deputies.map { RecipientSet.Member(role: .deputy, key: try key($0.0, $0.1)) })
        return try RecipientSet.sign(serial: serial, members: members, with: chair.0.signing)
    }

    @Test("a deputy's store follows first → second → third, each named a deputy by the one before")
    func chainOfHandovers() throws {
        let reader = ChairIdentity.generate()
        let sets = [
            try set(1, chair: (first, "First"), deputies: [(second, "Second"), (reader, "Reader")]),
            try set(2, chair: (second, "Second"), deputies: [(third, "Third"), (reader, "Reader")]),
            try set(3, chair: (third, "Third"), deputies: [(reader, "Reader")]),
        ]
        let stored = try GroupRecipients(relayFiles: [sets[0].render()], stored: nil, identity: reader).trust
        let group = try GroupRecipients(relayFiles: sets.map { $0.render() }, stored: stored, identity: reader)
        #expect(group.signer == third.signing.publicKey)
        let statement = try #require(TrustText.statement(group.trustChanges))
        #expect(statement.contains("passed from First") && statement.contains("to Third"))
        // Judged once: the next pull says nothing, though the old sets are still on offer.
        let again = try GroupRecipients(relayFiles: sets.map { $0.render() }, stored: group.trust, identity: reader)
        #expect(again.trustChanges.isEmpty)
        // A set by someone the current chair never named: refused.
        let coup = try set(4, chair: (outsider, "Outsider"), deputies: [(reader, "Reader")])
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(
                relayFiles: (sets + [coup]).map { $0.render() }, stored: group.trust, identity: reader)
        }
        // The old chair signing again after handing over: refused too.
        let back = try set(5, chair: (first, "First"), deputies: [(reader, "Reader")])
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(
                relayFiles: (sets + [back]).map { $0.render() }, stored: group.trust, identity: reader)
        }
    }

    @Test("the outgoing chair's own store follows only the deputy it handed over to")
    func outgoingChairNeedsItsOwnConsent() throws {
        let before = try set(1, chair: (first, "First"), deputies: [(second, "Second"), (third, "Third")])
        let after = try set(2, chair: (second, "Second"), deputies: [(first, "First")])
        var trust = try GroupRecipients(relayFiles: [before.render()], stored: nil, identity: first).trust
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(relayFiles: [before.render(), after.render()], stored: trust, identity: first)
        }
        trust.handedOverTo = Hex.encode(third.signing.publicKey)
        #expect(throws: GroupRecipients.Failure.self) {
            try GroupRecipients(relayFiles: [before.render(), after.render()], stored: trust, identity: first)
        }
        trust.handedOverTo = Hex.encode(second.signing.publicKey)
        let group = try GroupRecipients(relayFiles: [before.render(), after.render()], stored: trust, identity: first)
        #expect(TrustText.statement(group.trustChanges)?.hasPrefix("you handed the chair's role to Second") == true)
    }

    @Test("a new chair's fresh store trusts its own sets and judges none of its predecessors'")
    func freshStoreOfTheNewChair() throws {
        let hostSigned = try set(1, chair: (outsider, "Host"), deputies: [(second, "Second")])
        let own = try set(2, chair: (second, "Second"), deputies: [])
        let group = try GroupRecipients(
            relayFiles: [hostSigned.render(), own.render()], stored: nil, identity: second)
        #expect(group.signer == second.signing.publicKey)
        // The predecessor's set is not trusted: an envelope sealed to it is set aside.
        var checking = group
        let record = try SubmissionRecord.encode(Submission(message: "old"), recipientSet: hostSigned.digest)
        #expect(checking.reasonToSetAside(record: record, stanzas: 2) == .namesUnknownRecipientSet)
    }
}
