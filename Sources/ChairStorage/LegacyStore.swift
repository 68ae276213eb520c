import Foundation
import GRDB
import Sodium

/// The chair store's first layout (migrations v1 and v2: messages with their numbers, hours,
/// chains and kinds in clear columns, events in a table of their own, the relay's address in
/// clear), kept so that a store made by an earlier `chair` is moved, once, into sealed rows.
package enum LegacyStore {
    /// The migrations as they were first written; a new store runs them too, then v3 empties them.
    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: messages and relay cursor") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message (
                        number INTEGER PRIMARY KEY AUTOINCREMENT,
                        relay_sequence INTEGER NOT NULL UNIQUE,
                        received_hour TEXT NOT NULL,
                        chain BLOB NOT NULL CHECK (length(chain) = 32),
                        content_kind TEXT NOT NULL CHECK (content_kind IN ('record', 'envelope')),
                        sealed BLOB NOT NULL
                    ) STRICT;
                    CREATE TABLE relay_cursor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        relay TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence >= 0),
                        chain BLOB NOT NULL CHECK (length(chain) = 32)
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v2: workflow events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_number INTEGER NOT NULL REFERENCES message (number),
                        sealed BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX event_by_message ON event (message_number);
                    """)
        }
    }

    /// Why a row of the old layout could not be moved.
    package struct Unreadable: Error, CustomStringConvertible {
        package let description: String
    }

    /// Moves every old row into `sealed_message` and `sealed_cursor`, keeping the chair's
    /// numbers, then drops the old tables (their pages are overwritten: secure_delete is on).
    static func moveRows(_ db: Database, into cipher: StoreCipher) throws {
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT number, relay_sequence, received_hour, chain, content_kind, sealed FROM message ORDER BY number"
        )
        for row in rows {
            let number: Int64 = row["number"]
            let sequence: Int64 = row["relay_sequence"]
            let kind: String = row["content_kind"]
            guard
                let plaintext = openOld(
                    row["sealed"], additionalData: "blind-relay/v1/chair-store/\(kind)/\(sequence)", key: cipher.key)
            else {
                throw Unreadable(
                    description:
                        "message \(number) of the old store cannot be decrypted: open it with the identity that filled it"
                )
            }
            let content: ChairStore.Incoming.Content
            if kind == "record" {
                content = .record(plaintext)
            } else {
                let bytes = plaintext.withUnsafeBytes { Array($0) }
                let zero = bytes.firstIndex(of: 0) ?? bytes.count
                content = .unreadable(
                    envelope: Array(bytes[min(zero + 1, bytes.count)...]),
                    problem: String(decoding: bytes[..<zero], as: UTF8.self))
            }
            let events = try Data.fetchAll(
                db, sql: "SELECT sealed FROM event WHERE message_number = ? ORDER BY id", arguments: [number]
            ).map { sealed -> WorkflowEvent in
                guard
                    let event = openOld(
                        sealed, additionalData: "blind-relay/v1/chair-store/event/\(number)", key: cipher.key),
                    let decoded = try? event.withUnsafeBytes({
                        try JSONDecoder().decode(WorkflowEvent.self, from: Data($0))
                    })
                else {
                    throw Unreadable(
                        description:
                            "a note or status of message \(number) cannot be decrypted: open the store with the identity that filled it"
                    )
                }
                return decoded
            }
            let stored = StoredMessage(
                relaySequence: sequence, receivedHour: row["received_hour"], chain: Array(row["chain"] as Data),
                content: content, events: events)
            try db.execute(
                sql: "INSERT INTO sealed_message (number, sealed) VALUES (?, ?)",
                arguments: [number, Data(cipher.seal(try stored.encode(), for: .message(number: number)))])
        }
        if let cursor = try Row.fetchOne(db, sql: "SELECT relay, sequence, chain FROM relay_cursor WHERE id = 1") {
            let sealed = try cipher.sealJSON(
                ChairStore.CursorBody(
                    relay: cursor["relay"], sequence: cursor["sequence"],
                    chain: Hex.encode(Array(cursor["chain"] as Data))),
                for: .cursor)
            try db.execute(sql: "INSERT INTO sealed_cursor (id, sealed) VALUES (1, ?)", arguments: [sealed])
        }
        // Numbering carries on after the highest number ever given, as AUTOINCREMENT did.
        if let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'message'") {
            if try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'sealed_message'") != nil {
                try db.execute(
                    sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'sealed_message'",
                    arguments: [highest])
            } else {
                try db.execute(
                    sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('sealed_message', ?)", arguments: [highest])
            }
        }
        try db.execute(sql: "DROP TABLE event; DROP TABLE message; DROP TABLE relay_cursor")
    }

    private static func openOld(_ sealed: Data, additionalData: String, key: SecretBytes) -> SecretBytes? {
        let bytes = Array(sealed)
        guard bytes.count > AEAD.nonceLength else { return nil }
        return AEAD.open(
            bytes[AEAD.nonceLength...], additionalData: Array(additionalData.utf8),
            nonce: Array(bytes.prefix(AEAD.nonceLength)), key: key)
    }
}
