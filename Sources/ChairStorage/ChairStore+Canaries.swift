import Foundation
import GRDB
import Sodium

/// The reader's delivery canaries (docs/FORMAT.md section 11), sealed like every other row.
extension ChairStore {
    /// One canary sent through the relay's public form.
    package struct Canary: Codable, Equatable {
        /// Its 16-byte identifier, hex: what field 0x91 of its record holds.
        package let identifier: String
        package let relay: String
        package let sent: Date
        /// The receipt code the relay showed for it.
        package let receipt: String
        /// The relay's sequence number it arrived as, once a pull found it.
        package var arrivedAs: Int64?
        /// When a complete pull that began after it was sent did not find it.
        package var missingSince: Date?

        package init(
            identifier: String, relay: String, sent: Date, receipt: String, arrivedAs: Int64? = nil,
            missingSince: Date? = nil
        ) {
            self.identifier = identifier
            self.relay = relay
            self.sent = sent
            self.receipt = receipt
            self.arrivedAs = arrivedAs
            self.missingSince = missingSince
        }
    }

    static let canaryMigration = "v5: delivery canaries"

    static func registerCanaryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(canaryMigration) { db in
            try db.execute(
                sql: """
                    CREATE TABLE sealed_canary (
                        number INTEGER PRIMARY KEY AUTOINCREMENT,
                        sealed BLOB NOT NULL
                    ) STRICT;
                    """)
        }
    }

    package func addCanary(_ canary: Canary) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO sealed_canary (sealed) VALUES (zeroblob(0))")
            let number = db.lastInsertedRowID
            try writeCanary(db, number: number, canary)
        }
        try emptyWAL()
    }

    /// Every canary, oldest first, by its number.
    package func fetchCanaries() throws -> [(number: Int64, canary: Canary)] {
        try database.read { db in try fetchCanaries(db) }
    }

    package func fetchCanaries(_ db: Database) throws -> [(number: Int64, canary: Canary)] {
        try Row.fetchAll(db, sql: "SELECT number, sealed FROM sealed_canary ORDER BY number").map { row in
            let number: Int64 = row["number"]
            return (number, try cipher.openJSON(row["sealed"], as: Canary.self, for: .canary(number: number)))
        }
    }

    func writeCanary(_ db: Database, number: Int64, _ canary: Canary) throws {
        try db.execute(
            sql: "UPDATE sealed_canary SET sealed = ? WHERE number = ?",
            arguments: [try cipher.sealJSON(canary, for: .canary(number: number)), number])
    }

    /// Marks the canaries whose identifiers are in `arrived` (hex → relay sequence) as arrived.
    func markArrived(_ db: Database, _ arrived: [String: Int64]) throws {
        guard !arrived.isEmpty else { return }
        for (number, var canary) in try fetchCanaries(db) {
            guard let sequence = arrived[canary.identifier], canary.arrivedAs == nil else { continue }
            canary.arrivedAs = sequence
            canary.missingSince = nil
            try writeCanary(db, number: number, canary)
        }
    }

    /// After a complete pull begun at `pullStarted`: every canary sent to `relay` before it that
    /// has not arrived is missing. Returns those newly found missing.
    package func markMissing(relay: String, pullStarted: Date) throws -> [Canary] {
        let found = try database.write { db -> [Canary] in
            var found: [Canary] = []
            for (number, var canary) in try fetchCanaries(db)
            where canary.relay == relay && canary.arrivedAs == nil && canary.missingSince == nil
                && canary.sent < pullStarted
            {
                canary.missingSince = pullStarted
                try writeCanary(db, number: number, canary)
                found.append(canary)
            }
            return found
        }
        if !found.isEmpty { try emptyWAL() }
        return found
    }
}
