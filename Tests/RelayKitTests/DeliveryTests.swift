import Foundation
import RelayProtocol
import Sodium
import TestSupport
import Testing

@testable import RelayKit

/// Every recipient gets every message: a row is deleted only once every current recipient has
/// stored it, and acknowledging is safe to repeat.
@Suite("Delivery to each recipient")
struct DeliveryTests {
    static let envelope = [UInt8](repeating: 7, count: 4_199)
    static let chair = [UInt8](repeating: 1, count: 32)
    static let deputy = [UInt8](repeating: 2, count: 32)

    static func makeStore(_ folder: TemporaryDirectory, recipients: [[UInt8]]) throws -> EnvelopeStore {
        try EnvelopeStore(
            path: folder.path("store.sqlite"), maximumEnvelopes: 100, maximumBytes: 1 << 24, recipients: recipients)
    }

    @Test("the deputy's acknowledgement deletes nothing the chair has not stored, in either order")
    func eachRecipientHoldsItsRows() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.makeStore(folder, recipients: [Self.chair, Self.deputy])
        let rows = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 3))
        #expect(try await store.acknowledge(through: 3, chain: rows[2].chain, by: Self.deputy).deleted == 0)
        // The chair still gets all three, after the deputy, with the chain before them.
        let page = try await store.fetchEnvelopes(after: 0, limit: 10)
        #expect(page.envelopes.map(\.sequence) == [1, 2, 3])
        #expect(try await store.acknowledge(through: 2, chain: rows[1].chain, by: Self.chair).deleted == 2)
        #expect(try await store.acknowledge(through: 3, chain: rows[2].chain, by: Self.chair).deleted == 1)
        #expect(try await store.fetchEnvelopes(after: 3, limit: 10).previousChain == rows[2].chain)
    }

    @Test("acknowledging again is harmless and says where the recipient stands; a different history is refused")
    func acknowledgingIsIdempotent() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.makeStore(folder, recipients: [Self.chair])
        let rows = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 2))
        #expect(
            try await store.acknowledge(through: 2, chain: rows[1].chain, by: Self.chair)
                == .init(deleted: 2, acknowledgedThrough: 2))
        // The answer was lost: the same acknowledgement again, and an older one.
        #expect(
            try await store.acknowledge(through: 2, chain: rows[1].chain, by: Self.chair)
                == .init(deleted: 0, acknowledgedThrough: 2))
        #expect(
            try await store.acknowledge(through: 1, chain: rows[0].chain, by: Self.chair)
                == .init(deleted: 0, acknowledgedThrough: 2))
        await #expect(throws: EnvelopeStore.AcknowledgementError.chainMismatch) {
            try await store.acknowledge(through: 2, chain: rows[0].chain, by: Self.chair)
        }
        // Nothing beyond what exists, and nothing with another row's chain.
        await #expect(throws: EnvelopeStore.AcknowledgementError.unknownSequence) {
            try await store.acknowledge(through: 9, chain: rows[1].chain, by: Self.chair)
        }
        let third = try await store.appendEnvelope(Self.envelope)
        await #expect(throws: EnvelopeStore.AcknowledgementError.chainMismatch) {
            try await store.acknowledge(through: 3, chain: rows[1].chain, by: Self.chair)
        }
        #expect(try await store.acknowledge(through: 3, chain: third.chain, by: Self.chair).deleted == 1)
    }

    @Test("removing a recipient releases the rows it held back; a new one starts at the floor")
    func removingARecipientReleases() async throws {
        let folder = try TemporaryDirectory()
        var rows: [EnvelopeStore.StoredEnvelope] = []
        do {
            let store = try Self.makeStore(folder, recipients: [Self.chair, Self.deputy])
            rows = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 4))
            #expect(try await store.acknowledge(through: 4, chain: rows[3].chain, by: Self.chair).deleted == 0)
            #expect(try await store.releaseDeliveredRows() == 0)
        }
        // The relay restarts with the deputy's key gone.
        let store = try Self.makeStore(folder, recipients: [Self.chair])
        #expect(try await store.releaseDeliveredRows() == 4)
        #expect(try await store.fetchEnvelopes(after: 0, limit: 10).envelopes.isEmpty)
        // A recipient added now stands at the floor: it is told the chain there and gets what follows.
        let added = [UInt8](repeating: 3, count: 32)
        let later = try Self.makeStore(folder, recipients: [Self.chair, added])
        let fifth = try await later.appendEnvelope(Self.envelope)
        let page = try await later.fetchEnvelopes(after: 4, limit: 10)
        #expect(page.previousChain == rows[3].chain)
        #expect(page.envelopes.map(\.sequence) == [5])
        #expect(try await later.acknowledge(through: 5, chain: fifth.chain, by: Self.chair).deleted == 0)
        #expect(try await later.acknowledge(through: 5, chain: fifth.chain, by: added).deleted == 1)
    }

    @Test("a recipient removed and added again starts at the floor, not at its old cursor")
    func reAddedRecipientStartsAtTheFloor() async throws {
        let folder = try TemporaryDirectory()
        var rows: [EnvelopeStore.StoredEnvelope] = []
        do {
            let store = try Self.makeStore(folder, recipients: [Self.chair, Self.deputy])
            rows = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 3))
            _ = try await store.acknowledge(through: 1, chain: rows[0].chain, by: Self.deputy)
            _ = try await store.acknowledge(through: 3, chain: rows[2].chain, by: Self.chair)
        }
        do {
            // The deputy is removed: everything the chair stored goes.
            let store = try Self.makeStore(folder, recipients: [Self.chair])
            #expect(try await store.releaseDeliveredRows() == 2)
            let fourth = try await store.appendEnvelope(Self.envelope)
            _ = try await store.acknowledge(through: 4, chain: fourth.chain, by: Self.chair)
        }
        // Added again: its old cursor (1) is below the floor (4), so it stands at the floor. Its
        // store, last filled up to 3, acknowledges that again: fine, not "no envelope 3".
        let store = try Self.makeStore(folder, recipients: [Self.chair, Self.deputy])
        #expect(
            try await store.acknowledge(through: 3, chain: rows[2].chain, by: Self.deputy)
                == .init(deleted: 0, acknowledgedThrough: 4))
        let fifth = try await store.appendEnvelope(Self.envelope)
        #expect(try await store.acknowledge(through: 5, chain: fifth.chain, by: Self.chair).deleted == 0)
        #expect(
            try await store.acknowledge(through: 5, chain: fifth.chain, by: Self.deputy)
                == .init(deleted: 1, acknowledgedThrough: 5))
    }

    @Test("a store opened without its recipients (the host's tools) deletes nothing")
    func noRecipientsDeletesNothing() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.makeStore(folder, recipients: [])
        let row = try await store.appendEnvelope(Self.envelope)
        #expect(try await store.acknowledge(through: 1, chain: row.chain, by: Self.chair).deleted == 0)
        #expect(try await store.fetchEnvelopes(after: 0, limit: 10).envelopes.count == 1)
    }
}
