import Foundation
import GRDB
import RelayProtocol
import Sodium

/// What the store keeps besides messages, sealed like every row, and how messages are deleted:
/// the chair's settings, and the counts of deleted messages that the statistics still need.
extension ChairStore {
    /// The chair's own choices, kept in the store so that they travel with it in a backup.
    package struct Settings: Codable, Equatable {
        /// How long messages are kept before `chair pull` reminds the chair to purge them.
        package var retention: RetentionPeriod? = Settings.defaultRetention

        /// The privacy page's default promise (`retention_period`: one year).
        static let defaultRetention = RetentionPeriod(count: 1, unit: .year)
    }

    /// What is left of deleted messages: their counts, and a digest of each one's chain value,
    /// so that a relay whose history was put back cannot deliver a deleted message again.
    package struct KeptCounts: Codable, Equatable {
        package var counted: [CountedEntry] = []
        /// Hex of SHA-512("blind-relay/v2/chair-store/deleted" || chain)[0:16].
        package var deletedChains: [String] = []
        /// The same of each one's receipt code, so that `chair find` can tell a caller that
        /// their message arrived and was deleted.
        package var deletedReceipts: [String] = []

        package struct CountedEntry: Codable, Equatable {
            package let message: CountedMessage
            package var count: Int
        }

        /// Every deleted message's counted facts, once per message.
        package var messages: [CountedMessage] {
            counted.flatMap { Array(repeating: $0.message, count: max(0, $0.count)) }
        }

        package mutating func add(_ message: CountedMessage) {
            if let index = counted.firstIndex(where: { $0.message == message }) {
                counted[index].count += 1
            } else {
                counted.append(CountedEntry(message: message, count: 1))
            }
        }

        package static func digest(ofChain chain: [UInt8]) -> String {
            Hex.encode(Array(SHA512.hash(Array("blind-relay/v2/chair-store/deleted".utf8) + chain).prefix(16)))
        }

        package static func digest(ofReceipt code: String) -> String {
            Hex.encode(Array(SHA512.hash(Array("blind-relay/v2/chair-store/deleted-receipt/\(code)".utf8)).prefix(16)))
        }
    }

    static let keptMigration = "v6: settings, and the counts kept of deleted messages"

    static func registerKeptMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(keptMigration) { db in
            try db.execute(
                sql: """
                    CREATE TABLE sealed_kept (
                        name TEXT PRIMARY KEY,
                        sealed BLOB NOT NULL
                    ) STRICT;
                    """)
        }
    }

    private func fetchKept<Value: Decodable>(_ db: Database, _ name: String, as type: Value.Type) throws -> Value? {
        guard
            let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM sealed_kept WHERE name = ?", arguments: [name])
        else { return nil }
        return try cipher.openJSON(sealed, as: Value.self, for: .kept(name: name))
    }

    private func saveKept(_ db: Database, _ name: String, _ value: some Encodable) throws {
        try db.execute(
            sql: """
                INSERT INTO sealed_kept (name, sealed) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed
                """,
            arguments: [name, try cipher.sealJSON(value, for: .kept(name: name))])
    }

    package func fetchSettings() throws -> Settings {
        try database.read { db in try fetchKept(db, "settings", as: Settings.self) } ?? Settings()
    }

    package func saveSettings(_ settings: Settings) throws {
        try database.write { db in try saveKept(db, "settings", settings) }
        try emptyWAL()
    }

    package func fetchKeptCounts() throws -> KeptCounts {
        try database.read { db in try fetchKept(db, "counts", as: KeptCounts.self) } ?? KeptCounts()
    }

    /// Deletes messages by number, in one transaction, keeping only their counts. With
    /// `secure_delete` on, SQLite overwrites the freed space in the file; the WAL, which held the
    /// pages while they changed, is then copied in and emptied, so no copy of a deleted row is
    /// left in either.
    package func deleteMessages(_ numbers: [Int64]) throws -> Int {
        let deleted = try database.write { db -> Int in
            var kept = try fetchKept(db, "counts", as: KeptCounts.self) ?? KeptCounts()
            var deleted = 0
            for number in numbers {
                guard let message = try fetchMessage(db, number: number) else { continue }
                if let counted = CountedMessage(message) { kept.add(counted) }
                kept.deletedChains.append(KeptCounts.digest(ofChain: message.chain))
                kept.deletedReceipts.append(KeptCounts.digest(ofReceipt: ReceiptCode.make(chain: message.chain)))
                try db.execute(sql: "DELETE FROM sealed_message WHERE number = ?", arguments: [number])
                deleted += db.changesCount
            }
            try saveKept(db, "counts", kept)
            return deleted
        }
        try emptyWAL()
        return deleted
    }
}

extension ChairStore {
    /// A consistent copy of the whole store, as one SQLite file's bytes, taken while it is open.
    /// `VACUUM INTO` writes only live pages, so nothing deleted is in the copy. It goes through a
    /// private folder beside the store, removed before this returns.
    package func snapshot(besides storePath: String) throws -> [UInt8] {
        let parent = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
        var template = Array((parent + "/.chair-backup-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkdtemp($0) != nil } ?? false
        }
        guard made else { throw SnapshotFailure(description: "cannot make a private folder in \(parent)") }
        let folderPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let copy = folderPath + "/store.sqlite"
        defer {
            _ = unlink(copy)
            _ = rmdir(folderPath)
        }
        try database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
        guard let data = FileManager.default.contents(atPath: copy) else {
            throw SnapshotFailure(description: "cannot read the copy of the store")
        }
        return Array(data)
    }

    package struct SnapshotFailure: Error, CustomStringConvertible {
        package let description: String
    }
}
