import Foundation
import GRDB

/// What a handover takes out of the outgoing chair's store and puts into the incoming one's.
extension ChairStore {
    /// The stored form of the given messages, for a handover file.
    package func fetchStored(numbers: [Int64]) throws -> [StoredMessage] {
        try database.read { db in try numbers.map { try fetchStored(db, number: $0) } }
    }

    /// What adopting a handover did.
    package struct Adoption: Equatable {
        /// Messages this store held (by chain value) that took the outgoing chair's record and history.
        package var merged = 0
        /// Messages this store did not hold, added with new numbers.
        package var added = 0
    }

    /// Takes in handed-over messages, in one transaction. One this store holds already (pulled as
    /// a deputy, perhaps unreadable because it was sealed before this chair was added) takes the
    /// handed-over record, and the history of both, in date order. One it lacks is added.
    package func adopt(_ handedOver: [StoredMessage]) throws -> Adoption {
        let adoption = try database.write { db -> Adoption in
            var adoption = Adoption()
            var held: [[UInt8]: (number: Int64, stored: StoredMessage)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT number, sealed FROM sealed_message") {
                let number: Int64 = row["number"]
                let stored = try open(number: number, sealed: row["sealed"])
                held[stored.chain] = (number, stored)
            }
            var next =
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'sealed_message'") ?? 0
            for incoming in handedOver {
                if let (number, existing) = held[incoming.chain] {
                    var merged = incoming
                    merged.events = (existing.events + incoming.events.filter { !existing.events.contains($0) })
                        .sorted { $0.date < $1.date }
                    try Self.write(
                        db, number: number, sealed: cipher.seal(try merged.encode(), for: .message(number: number)))
                    adoption.merged += 1
                } else {
                    next += 1
                    try db.execute(
                        sql: "INSERT INTO sealed_message (number, sealed) VALUES (?, ?)",
                        arguments: [next, Data(cipher.seal(try incoming.encode(), for: .message(number: next)))])
                    held[incoming.chain] = (next, incoming)
                    adoption.added += 1
                }
            }
            return adoption
        }
        try emptyWAL()
        return adoption
    }
}
