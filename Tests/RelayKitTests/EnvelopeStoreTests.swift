import Foundation
import GRDB
import RelayKit
import RelayProtocol
import TestSupport
import Testing

@Suite("The relay's store")
struct EnvelopeStoreTests {
    static let envelope = [UInt8](repeating: 0x42, count: 4199)

    @Test("commits are durable: WAL with synchronous=FULL on the writer")
    func storeIsDurable() async throws {
        let folder = try TemporaryDirectory()
        let store = try EnvelopeStore(path: folder.path("store.sqlite"), maximumEnvelopes: 10, maximumBytes: 1 << 20)
        let settings = try await store.fetchDurabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)
    }

    @Test("each row is chained to the one before, across acknowledgements")
    func rowsAreChained() async throws {
        let folder = try TemporaryDirectory()
        let chair = [UInt8](repeating: 1, count: 32)
        let store = try EnvelopeStore(
            path: folder.path("store.sqlite"), maximumEnvelopes: 10, maximumBytes: 1 << 20, recipients: [chair])
        let first = try await store.appendEnvelope(Self.envelope)
        let second = try await store.appendEnvelope(Self.envelope)
        #expect(
            first.chain
                == HashChain.link(
                    previous: HashChain.genesis, sequence: 1, receivedHour: first.receivedHour, envelope: Self.envelope)
        )
        #expect(
            second.chain
                == HashChain.link(
                    previous: first.chain, sequence: 2, receivedHour: second.receivedHour, envelope: Self.envelope))
        #expect(try await store.acknowledge(through: 2, chain: second.chain, by: chair).deleted == 2)
        let third = try await store.appendEnvelope(Self.envelope)
        #expect(third.sequence == 3)
        #expect(
            third.chain
                == HashChain.link(
                    previous: second.chain, sequence: 3, receivedHour: third.receivedHour, envelope: Self.envelope))
        #expect(try await store.fetchEnvelopes(after: 2, limit: 5).previousChain == second.chain)
    }

    @Test("the stored hour is coarse: no minutes or seconds")
    func hourIsCoarse() async throws {
        let folder = try TemporaryDirectory()
        let store = try EnvelopeStore(path: folder.path("store.sqlite"), maximumEnvelopes: 10, maximumBytes: 1 << 20)
        let stored = try await store.appendEnvelope(
            Self.envelope, receivedAt: Date(timeIntervalSince1970: 1_764_444_123))
        #expect(stored.receivedHour == "2025-11-29T19")
    }

    @Test("the schema refuses what is not an envelope")
    func schemaRefusesJunk() async throws {
        let folder = try TemporaryDirectory()
        _ = try EnvelopeStore(path: folder.path("store.sqlite"), maximumEnvelopes: 10, maximumBytes: 1 << 20)
        let queue = try DatabaseQueue(path: folder.path("store.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO envelope (received_hour, envelope, chain) VALUES ('2026-01-01T00', x'00', zeroblob(32))"
                )
            }
        }
    }
}
