import Foundation
import GRDB
import RelayProtocol
import Sodium

/// A store put back from an earlier copy, or recreated beside its high-water mark: the numbers it
/// lost are recorded, numbering goes on after them, and the chain restarts from a value anyone
/// with the relay's identity can compute (docs/RELAY-API.md section 2.1).
extension EnvelopeStore {
    /// The data folder holds another relay's store than its high-water mark names.
    public struct ForeignStore: Error, CustomStringConvertible {
        public let description: String
    }

    /// Compares the store with the high-water mark `mark`; when it holds less, records the lost
    /// range and moves the head past it. A new, empty store beside a mark takes the mark's
    /// identity: it is that relay's store, recreated. Returns the range found, and the head.
    static func reconcile(_ db: Database, with mark: HighWaterMark.Reading?, storeIsNew: Bool) throws -> (
        LostRange?, head: Int64
    ) {
        let head = try Int64.fetchOne(db, sql: "SELECT head_sequence FROM store_state WHERE id = 1") ?? 0
        guard let mark else { return (nil, head) }
        var relay = try Array(Data.fetchOne(db, sql: "SELECT identifier FROM relay_identity") ?? Data())
        if mark.relay != relay {
            guard storeIsNew else {
                throw ForeignStore(
                    description:
                        "the store belongs to relay \(Hex.encode(relay)), but the high-water mark beside it to relay "
                        + "\(Hex.encode(mark.relay)): another relay's store was put in this data folder; put back "
                        + "this relay's own store (or its backup), or move the high-water file away if this store "
                        + "really is meant to replace it")
            }
            try db.execute(sql: "UPDATE relay_identity SET identifier = ? WHERE id = 1", arguments: [Data(mark.relay)])
            relay = mark.relay
        }
        guard head < mark.sequence else { return (nil, head) }
        let range = LostRange(first: head + 1, last: mark.sequence)
        let restart = HashChain.restart(relay: relay, first: range.first, last: range.last)
        try db.execute(
            sql: "INSERT INTO lost_range (first_sequence, last_sequence, found_hour) VALUES (?, ?, ?)",
            arguments: [range.first, range.last, ReceivedHour.format(Date())])
        try db.execute(
            sql: "UPDATE store_state SET head_sequence = ?, head_chain = ? WHERE id = 1",
            arguments: [range.last, Data(restart)])
        if storeIsNew {
            // Nothing below the range exists: a chair's new store starts after it, cleanly.
            try db.execute(
                sql: "UPDATE store_state SET acknowledged_sequence = ?, acknowledged_chain = ? WHERE id = 1",
                arguments: [range.last, Data(restart)])
        }
        return (range, range.last)
    }

    /// The recorded range that holds `sequence`, if any.
    static func fetchLostRange(_ db: Database, containing sequence: Int64) throws -> LostRange? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT first_sequence, last_sequence FROM lost_range
                WHERE first_sequence <= ? AND last_sequence >= ? ORDER BY first_sequence DESC LIMIT 1
                """,
            arguments: [sequence, sequence]
        ).map { LostRange(first: $0["first_sequence"], last: $0["last_sequence"]) }
    }

    /// Every recorded range that ends at or after `sequence`, oldest first.
    static func fetchLostRanges(_ db: Database, endingAtOrAfter sequence: Int64) throws -> [LostRange] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT first_sequence, last_sequence FROM lost_range WHERE last_sequence >= ? ORDER BY first_sequence",
            arguments: [sequence]
        ).map { LostRange(first: $0["first_sequence"], last: $0["last_sequence"]) }
    }
}
