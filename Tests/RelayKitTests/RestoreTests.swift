import Foundation
import GRDB
import RelayProtocol
import Sodium
import TestSupport
import Testing

@testable import RelayKit

/// The store's memory of the highest number it issued, kept outside the database: a copy put back
/// is found at start, its lost numbers recorded and never issued again, and every recipient's
/// acknowledgement inside them stands at their end.
@Suite("A store put back from an earlier copy")
struct RestoreTests {
    static let envelope = [UInt8](repeating: 7, count: 4_199)
    static let chair = [UInt8](repeating: 1, count: 32)

    static func open(_ folder: TemporaryDirectory, _ name: String = "store.sqlite") throws -> EnvelopeStore {
        try EnvelopeStore(
            path: folder.path(name), maximumEnvelopes: 100, maximumBytes: 1 << 24, recipients: [chair],
            remembersHighWater: true)
    }

    /// Copies the store file as `relay backup` would, closing nothing: the copy is a snapshot.
    static func copy(_ folder: TemporaryDirectory) throws -> String {
        let copy = folder.path("copy.sqlite")
        let source = try DatabaseQueue(path: folder.path("store.sqlite"))
        try source.backup(to: try DatabaseQueue(path: copy))
        return copy
    }

    static func putBack(_ copy: String, in folder: TemporaryDirectory) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: folder.path("store.sqlite" + suffix))
        }
        try FileManager.default.copyItem(atPath: copy, toPath: folder.path("store.sqlite"))
    }

    @Test("numbering goes on after the lost range, whose end links the chain and takes acknowledgements")
    func numberingGoesOn() async throws {
        let folder = try TemporaryDirectory()
        do {
            let store = try Self.open(folder)
            _ = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 2))
            #expect(store.restoreFound == nil)
        }
        let copy = try Self.copy(folder)
        do {
            let store = try Self.open(folder)
            _ = try await store.appendEnvelopes(Array(repeating: Self.envelope, count: 3))
        }
        try Self.putBack(copy, in: folder)
        let store = try Self.open(folder)
        #expect(store.restoreFound == .init(first: 3, last: 5))
        let next = try await store.appendEnvelope(Self.envelope)
        #expect(next.sequence == 6)
        let restart = HashChain.restart(relay: store.relayIdentity, first: 3, last: 5)
        #expect(
            next.chain
                == HashChain.link(
                    previous: restart, sequence: 6, receivedHour: next.receivedHour, envelope: Self.envelope))
        let page = try await store.fetchEnvelopes(after: 4, limit: 10)
        #expect(page.lost == [.init(first: 3, last: 5)])
        #expect(page.previousChain == restart)
        #expect(try await store.fetchEnvelopes(after: 6, limit: 10).lost.isEmpty)
        // A chair that had pulled 4 before the restore: it stands at 5, and rows 1 and 2 go.
        let answer = try await store.acknowledge(through: 4, chain: [UInt8](repeating: 9, count: 32), by: Self.chair)
        #expect(answer.acknowledgedThrough == 5 && answer.deleted == 2)
        // Said again (a lost answer): the same.
        #expect(try await store.acknowledge(through: 5, chain: restart, by: Self.chair).acknowledgedThrough == 5)
    }

    @Test("another relay's store beside this one's mark is refused, saying what to do; an unreadable mark is rewritten")
    func foreignStoreAndBadMark() async throws {
        let folder = try TemporaryDirectory()
        let other = try TemporaryDirectory()
        do {
            let store = try Self.open(folder)
            _ = try await store.appendEnvelopes([Self.envelope])
            _ = try await Self.open(other).appendEnvelopes([Self.envelope])
        }
        try Self.putBack(other.path("store.sqlite"), in: folder)
        #expect {
            _ = try Self.open(folder)
        } throws: { error in
            (error as? EnvelopeStore.ForeignStore)?.description.contains(
                "another relay's store was put in this data folder")
                == true
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: folder.path("high-water")))
        let store = try Self.open(folder)
        #expect(store.restoreFound == nil)
        let mark = try String(contentsOfFile: folder.path("high-water"), encoding: .utf8)
        #expect(mark == "blind-relay-high-water-v1\nrelay: \(Hex.encode(store.relayIdentity))\nsequence: 1\n")
    }
}
