import Foundation
import GRDB
import RelayProtocol
import TestSupport
import Testing

/// What the host can do to the relay's SQLite file with the chain recomputed, so the history
/// still links: the envelope itself says it was changed.
@Suite("End to end: the host's edits with the chain recomputed", .serialized)
struct HostEditTests {
    @Test("a byte changed in an envelope, its chain value recomputed, is reported as damage with its number")
    func alteredEnvelopeIsDamage() async throws {
        let setup = try await LiveSetup()
        for index in 1...2 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")]).status == 200)
        }
        try await DatabaseQueue(path: setup.relayDatabase).write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM envelope ORDER BY sequence")
            var envelope: [UInt8] = Array(rows[1]["envelope"] as Data)
            envelope[envelope.count - 1] ^= 0x01
            let chain = HashChain.link(
                previous: Array(rows[0]["chain"] as Data), sequence: 2, receivedHour: rows[1]["received_hour"],
                envelope: envelope)
            try db.execute(
                sql: "UPDATE envelope SET envelope = ?, chain = ? WHERE sequence = 2",
                arguments: [Data(envelope), Data(chain)])
        }
        let pulled = try await setup.pull()
        #expect(pulled.status == 0, "\(pulled.standardError)")
        #expect(
            pulled.standardError.contains(
                "the relay's envelope 2 arrived damaged: sealed to you, but what it holds does not open; it was changed after sealing"
            ),
            "\(pulled.standardError)")
        #expect(!pulled.standardError.contains("old key"))
    }

    @Test("a byte changed in an envelope, its chain value left as it was, breaks the history at that envelope")
    func alteredEnvelopeBreaksTheChain() async throws {
        let setup = try await LiveSetup()
        for index in 1...2 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")]).status == 200)
        }
        try await DatabaseQueue(path: setup.relayDatabase).write { db in
            var envelope: [UInt8] = Array(
                try Data.fetchOne(db, sql: "SELECT envelope FROM envelope WHERE sequence = 2") ?? Data())
            envelope[envelope.count - 1] ^= 0x01
            try db.execute(sql: "UPDATE envelope SET envelope = ? WHERE sequence = 2", arguments: [Data(envelope)])
        }
        let pulled = try await setup.pull()
        #expect(pulled.status == 1)
        #expect(
            pulled.standardError.contains(
                "the relay's history is broken: envelope 2 does not match the relay's history: it, or one before it, was altered or swapped"
            ), "\(pulled.standardError)")
        #expect(pulled.standardError.contains("pulled 1 new message"))
    }
}
