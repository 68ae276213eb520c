import Envelope
import Foundation
import GRDB
import Sodium

/// The chair's own store of pulled messages: a SQLite file whose contents are encrypted at rest
/// under the store key from the identity file. Only numbers, hours and chain values are in clear.
final class ChairStore {
    /// One pulled envelope, opened or not.
    struct Message {
        /// The chair's own number for it.
        let number: Int64
        let relaySequence: Int64
        let receivedHour: String
        let chain: [UInt8]
        /// The submission, or nil when the envelope could not be opened (see `problem`).
        let submission: Submission?
        /// Why the envelope could not be opened.
        let problem: String?
        /// The chair's history of statuses and notes, oldest first.
        var events: [WorkflowEvent] = []

        /// The latest status the chair set; new until one is set.
        var status: MessageStatus {
            events.reversed().lazy.compactMap { event -> MessageStatus? in
                if case .status(let status) = event.change { return status }
                return nil
            }.first ?? .new
        }

        /// When the chair first marked it contacted, if ever.
        var contactedDate: Date? {
            events.first { $0.change == .status(.contacted) }?.date
        }
    }

    /// Where the last pull stopped on a relay.
    struct Cursor: Equatable {
        let relay: String
        let sequence: Int64
        let chain: [UInt8]
    }

    /// A verified envelope ready to store: the record if it opened, else the envelope itself.
    struct Incoming {
        let relaySequence: Int64
        let receivedHour: String
        let chain: [UInt8]
        let content: Content

        enum Content {
            case record(SecretBytes)
            case unreadable(envelope: [UInt8], problem: String)
        }
    }

    private let database: DatabaseQueue
    private let storeKey: SecretBytes

    /// Opens (or creates, mode 0600) the store at `path`, with the identity's store key.
    init(path: String, storeKey: SecretBytes) throws {
        var configuration = Configuration()
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        if !existed { chmod(path, 0o600) }
        self.storeKey = storeKey
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
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
        return migrator
    }

    /// Adds a dated status change or note to message `number`, encrypted like everything else.
    func appendEvent(_ event: WorkflowEvent, to number: Int64) throws {
        let plaintext = SecretBytes(copying: try JSONEncoder().encode(event))
        let nonce = RandomBytes.make(count: AEAD.nonceLength)
        let sealed =
            nonce
            + AEAD.seal(
                plaintext, additionalData: Self.eventAdditionalData(number: number), nonce: nonce, key: storeKey)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO event (message_number, sealed) VALUES (?, ?)", arguments: [number, Data(sealed)])
        }
    }

    private func fetchEvents(_ db: Database, number: Int64) throws -> [WorkflowEvent] {
        let rows = try Data.fetchAll(
            db, sql: "SELECT sealed FROM event WHERE message_number = ? ORDER BY id", arguments: [number])
        return try rows.map { data in
            let sealed = Array(data)
            guard sealed.count > AEAD.nonceLength,
                let plaintext = AEAD.open(
                    sealed[AEAD.nonceLength...], additionalData: Self.eventAdditionalData(number: number),
                    nonce: Array(sealed.prefix(AEAD.nonceLength)), key: storeKey)
            else { throw DamagedRow(number: number) }
            return try plaintext.withUnsafeBytes { try JSONDecoder().decode(WorkflowEvent.self, from: Data($0)) }
        }
    }

    private static func eventAdditionalData(number: Int64) -> [UInt8] {
        Array("blind-relay/v1/chair-store/event/\(number)".utf8)
    }

    /// Where the last pull stopped, if any pull has happened.
    func fetchCursor() throws -> Cursor? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT relay, sequence, chain FROM relay_cursor WHERE id = 1").map {
                Cursor(relay: $0["relay"], sequence: $0["sequence"], chain: Array($0["chain"] as Data))
            }
        }
    }

    /// Stores a batch of verified envelopes and moves the cursor, in one durable transaction.
    /// An envelope already stored (a pull run again) is skipped, so nothing is duplicated.
    func storeBatch(_ batch: [Incoming], cursor: Cursor) throws -> Int {
        try database.write { db in
            var added = 0
            // Compiled once per connection, not once per envelope.
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO message (relay_sequence, received_hour, chain, content_kind, sealed)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (relay_sequence) DO NOTHING
                    """)
            for item in batch {
                let (kind, plaintext): (String, SecretBytes) =
                    switch item.content {
                    case .record(let record): ("record", record)
                    case .unreadable(let envelope, let problem):
                        ("envelope", SecretBytes(copying: Array(problem.utf8) + [0] + envelope))
                    }
                let nonce = RandomBytes.make(count: AEAD.nonceLength)
                let sealed =
                    nonce
                    + AEAD.seal(
                        plaintext, additionalData: Self.additionalData(sequence: item.relaySequence, kind: kind),
                        nonce: nonce, key: storeKey)
                try insert.execute(
                    arguments: [item.relaySequence, item.receivedHour, Data(item.chain), kind, Data(sealed)])
                added += db.changesCount
            }
            try db.execute(
                sql: """
                    INSERT INTO relay_cursor (id, relay, sequence, chain) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET relay = excluded.relay, sequence = excluded.sequence, chain = excluded.chain
                    """,
                arguments: [cursor.relay, cursor.sequence, Data(cursor.chain)])
            return added
        }
    }

    /// Every message, oldest first, opened with the store key.
    func fetchMessages() throws -> [Message] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message ORDER BY number").map { row in
                var message = try open(row)
                message.events = try fetchEvents(db, number: message.number)
                return message
            }
        }
    }

    /// One message by the chair's number.
    func fetchMessage(number: Int64) throws -> Message? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM message WHERE number = ?", arguments: [number])
            else { return nil }
            var message = try open(row)
            message.events = try fetchEvents(db, number: number)
            return message
        }
    }

    /// Why a stored message could not be decrypted.
    struct DamagedRow: Error, CustomStringConvertible {
        let number: Int64
        var description: String { "message \(number) cannot be decrypted with this identity's store key" }
    }

    private func open(_ row: Row) throws -> Message {
        let number: Int64 = row["number"]
        let sequence: Int64 = row["relay_sequence"]
        let kind: String = row["content_kind"]
        let sealed = Array(row["sealed"] as Data)
        guard sealed.count > AEAD.nonceLength,
            let plaintext = AEAD.open(
                sealed[AEAD.nonceLength...], additionalData: Self.additionalData(sequence: sequence, kind: kind),
                nonce: Array(sealed.prefix(AEAD.nonceLength)), key: storeKey)
        else { throw DamagedRow(number: number) }
        var submission: Submission?
        var problem: String?
        if kind == "record" {
            do {
                submission = try SubmissionRecord.decode(plaintext)
            } catch {
                problem = error.description
            }
        } else {
            problem = plaintext.withUnsafeBytes { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return Message(
            number: number, relaySequence: sequence, receivedHour: row["received_hour"],
            chain: Array(row["chain"] as Data),
            submission: submission, problem: problem)
    }

    private static func additionalData(sequence: Int64, kind: String) -> [UInt8] {
        Array("blind-relay/v1/chair-store/\(kind)/\(sequence)".utf8)
    }
}
