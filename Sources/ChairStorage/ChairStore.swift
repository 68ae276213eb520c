import Envelope
import Foundation
import GRDB
import RelayProtocol
import Sodium

/// The chair's own store of pulled messages: a SQLite file in which every row is one sealed,
/// padded blob under the store key from the identity file (`StoreCipher`, `StoredMessage`).
/// Only the chair's message numbers are in clear; whoever takes the file learns how many
/// messages there are and their size classes, and nothing about kinds, hours, statuses, notes
/// or the relay.
package final class ChairStore {
    /// One pulled envelope, opened or not.
    package struct Message {
        /// The chair's own number for it.
        package let number: Int64
        package let relaySequence: Int64
        package let receivedHour: String
        package let chain: [UInt8]
        /// The submission, or nil when the envelope could not be opened (see `problem`).
        package let submission: Submission?
        /// Why the envelope could not be opened.
        package let problem: String?
        /// Why it was set aside, and what could be read of it, which nothing vouches for;
        /// nil for a message or an unreadable envelope. A set-aside envelope has no `submission`,
        /// so no count, contact list or handover ever takes it for a person's message.
        package var setAside: SetAside? = nil
        /// The chair's history of statuses and notes, oldest first.
        package var events: [WorkflowEvent] = []

        /// The latest status the chair set; new until one is set.
        package var status: MessageStatus {
            events.reversed().lazy.compactMap { event -> MessageStatus? in
                if case .status(let status) = event.change { return status }
                return nil
            }.first ?? .new
        }

        /// Not yet read in full with `chair read`.
        package var isUnread: Bool { !events.contains { $0.change == .read } }

        /// When the chair first marked it contacted, if ever.
        var contactedDate: Date? {
            events.first { $0.change == .status(.contacted) }?.date
        }
    }

    /// A pulled envelope set aside (`SetAsideReason`): kept, sealed like every row, never shown
    /// as a message.
    package struct SetAside {
        package let reason: SetAsideReason
        /// What the record holds, when it decodes at all: unverified.
        package let unverified: Submission?
    }

    /// Where the last pull stopped on a relay.
    package struct Cursor: Equatable {
        package let relay: String
        package let sequence: Int64
        package let chain: [UInt8]
        /// The relay store's identity; nil for a cursor saved before it was kept.
        package var relayIdentity: [UInt8]? = nil
        /// Lost ranges the relay has named and this store has reported.
        package var reportedLost: [LostRangeBody] = []
        /// Envelopes in a row, up to this one, that were set aside or could not be opened
        /// (`SetAsidePattern`).
        package var setAsideRun: Int = 0

        package init(
            relay: String, sequence: Int64, chain: [UInt8], relayIdentity: [UInt8]? = nil,
            reportedLost: [LostRangeBody] = [], setAsideRun: Int = 0
        ) {
            self.relay = relay
            self.sequence = sequence
            self.chain = chain
            self.relayIdentity = relayIdentity
            self.reportedLost = reportedLost
            self.setAsideRun = setAsideRun
        }
    }

    /// A verified envelope ready to store: the record if it opened, else the envelope itself.
    package struct Incoming {
        package let relaySequence: Int64
        package let receivedHour: String
        package let chain: [UInt8]
        package let content: Content

        package init(relaySequence: Int64, receivedHour: String, chain: [UInt8], content: Content) {
            self.relaySequence = relaySequence
            self.receivedHour = receivedHour
            self.chain = chain
            self.content = content
        }

        package enum Content {
            case record(SecretBytes)
            case unreadable(envelope: [UInt8], problem: String)
            /// Opened, but set aside (`RecordTriage`): the record as it opened, and why.
            case setAside(record: SecretBytes, reason: SetAsideReason)
        }
    }

    package let database: DatabaseQueue
    let cipher: StoreCipher

    /// Opens (or creates, mode 0600) the store at `path`, with the identity's store key.
    package init(path: String, storeKey: SecretBytes) throws {
        var configuration = Configuration()
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        try Self.createPrivately(path)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        cipher = StoreCipher(key: storeKey)
        try makeMigrator().migrate(database)
        // What the migration to sealed rows dropped is overwritten in the file (secure_delete);
        // this clears it out of the WAL too.
        try emptyWAL()
    }

    /// Why the store's file could not be made private.
    package struct NotPrivate: Error, CustomStringConvertible {
        package let description: String
    }

    /// Creates the store's file, empty and mode 0600, before SQLite opens it: SQLite gives its WAL
    /// and shared-memory files the database file's mode, so all three are private whatever the
    /// process umask. An existing file must be private already.
    static func createPrivately(_ path: String) throws {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            // open() applies the umask; the mode is set again to be sure of it.
            let modeSet = fchmod(descriptor, 0o600) == 0
            guard close(descriptor) == 0, modeSet else {
                throw NotPrivate(description: "cannot make \(path) readable by you alone")
            }
            return
        }
        guard errno == EEXIST else { throw NotPrivate(description: "cannot create \(path)") }
        var status = stat()
        guard stat(path, &status) == 0 else { throw NotPrivate(description: "cannot read the mode of \(path)") }
        if status.st_mode & 0o077 != 0, chmod(path, 0o600) != 0 {
            throw NotPrivate(description: "\(path) is readable by others and its mode cannot be changed")
        }
    }

    private func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        LegacyStore.registerMigrations(&migrator)
        let cipher = cipher
        migrator.registerMigration("v3: every row one sealed, padded blob") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sealed_message (
                        number INTEGER PRIMARY KEY AUTOINCREMENT,
                        sealed BLOB NOT NULL
                    ) STRICT;
                    CREATE TABLE sealed_cursor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        sealed BLOB NOT NULL
                    ) STRICT;
                    """)
            try LegacyStore.moveRows(db, into: cipher)
        }
        migrator.registerMigration("v4: the recipients sets this store trusts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sealed_group_trust (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        sealed BLOB NOT NULL
                    ) STRICT;
                    """)
        }
        Self.registerCanaryMigration(&migrator)
        Self.registerKeptMigration(&migrator)
        return migrator
    }

    /// Adds a dated status change or note to message `number`: the row is opened, the event
    /// added, and the row sealed again, padded, so its length changes only by whole classes.
    package func appendEvent(_ event: WorkflowEvent, to number: Int64) throws {
        try database.write { db in
            var stored = try fetchStored(db, number: number)
            stored.events.append(event)
            try Self.write(db, number: number, sealed: cipher.seal(try stored.encode(), for: .message(number: number)))
        }
        try emptyWAL()
    }

    /// Copies the WAL into the file and empties it after every change, so that the WAL's size
    /// and its old copies of rewritten rows do not show how often the chair acted on anything.
    func emptyWAL() throws {
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Which chair's recipients sets this store trusts, the sets it has seen, and the serial of
    /// the set the last stored envelope was sealed to (`GroupRecipients`).
    package struct GroupTrust: Codable {
        package let signer: String
        package let sets: [String]
        package let lastSerial: Int64
        /// The signing key (hex) of the deputy this store's chair handed the role to; absent in
        /// a store that never handed over.
        package var handedOverTo: String? = nil

        package init(signer: String, sets: [String], lastSerial: Int64, handedOverTo: String? = nil) {
            self.signer = signer
            self.sets = sets
            self.lastSerial = lastSerial
            self.handedOverTo = handedOverTo
        }
    }

    package func fetchGroupTrust() throws -> GroupTrust? {
        try database.read { db in
            guard let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM sealed_group_trust WHERE id = 1") else {
                return nil
            }
            return try cipher.openJSON(sealed, as: GroupTrust.self, for: .groupTrust)
        }
    }

    package func saveGroupTrust(_ trust: GroupTrust) throws {
        let sealed = try cipher.sealJSON(trust, for: .groupTrust)
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sealed_group_trust (id, sealed) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed
                    """,
                arguments: [sealed])
        }
        try emptyWAL()
    }

    /// Where the last pull stopped, if any pull has happened.
    package func fetchCursor() throws -> Cursor? {
        try database.read { db in try fetchCursor(db) }
    }

    private func fetchCursor(_ db: Database) throws -> Cursor? {
        guard let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM sealed_cursor WHERE id = 1") else {
            return nil
        }
        let cursor = try cipher.openJSON(sealed, as: CursorBody.self, for: .cursor)
        guard let chain = Hex.decode(cursor.chain) else { throw DamagedRow(number: nil) }
        return Cursor(
            relay: cursor.relay, sequence: cursor.sequence, chain: chain,
            relayIdentity: cursor.relayIdentity.flatMap(Hex.decode), reportedLost: cursor.reportedLost ?? [],
            setAsideRun: cursor.setAsideRun ?? 0)
    }

    /// The cursor as sealed: JSON, then padded like every row.
    package struct CursorBody: Codable {
        package let relay: String
        package let sequence: Int64
        package let chain: String
        package var relayIdentity: String? = nil
        package var reportedLost: [LostRangeBody]? = nil
        package var setAsideRun: Int? = nil
    }

    /// Stores a batch of verified envelopes and moves the cursor, in one durable transaction.
    /// An envelope at or before the cursor (a pull run again) is skipped, so nothing is duplicated,
    /// unless `replacingHistory`: the relay's history was rewritten, numbers were issued again, and
    /// the caller has already left out what is held here.
    package func storeBatch(
        _ batch: [Incoming], cursor: Cursor, replacingHistory: Bool = false, arrivedCanaries: [String: Int64] = [:]
    ) throws -> Int {
        try storeBatchNumbering(
            batch, cursor: cursor, replacingHistory: replacingHistory, arrivedCanaries: arrivedCanaries
        ).count
    }

    /// `storeBatch`, returning the chair's number given to each envelope stored, by its relay
    /// sequence: what a pull names set-aside envelopes by.
    package func storeBatchNumbering(
        _ batch: [Incoming], cursor: Cursor, replacingHistory: Bool = false, arrivedCanaries: [String: Int64] = [:]
    ) throws -> [Int64: Int64] {
        let added = try database.write { db in
            // In the same transaction as the cursor: a canary passed is a canary recorded.
            try markArrived(db, arrivedCanaries)
            let previous = replacingHistory ? nil : try fetchCursor(db)
            var added: [Int64: Int64] = [:]
            var number =
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'sealed_message'") ?? 0
            for item in batch {
                // Numbers start again only on a recreated store, which has another identity.
                if let previous, previous.relay == cursor.relay,
                    previous.relayIdentity == nil || previous.relayIdentity == cursor.relayIdentity,
                    item.relaySequence <= previous.sequence
                {
                    continue
                }
                number += 1
                let stored = StoredMessage(
                    relaySequence: item.relaySequence, receivedHour: item.receivedHour, chain: item.chain,
                    content: item.content, events: [])
                try db.cachedStatement(sql: "INSERT INTO sealed_message (number, sealed) VALUES (?, ?)").execute(
                    arguments: [number, Data(cipher.seal(try stored.encode(), for: .message(number: number)))])
                added[item.relaySequence] = number
            }
            let sealedCursor = try cipher.sealJSON(
                CursorBody(
                    relay: cursor.relay, sequence: cursor.sequence, chain: Hex.encode(cursor.chain),
                    relayIdentity: cursor.relayIdentity.map(Hex.encode), reportedLost: cursor.reportedLost,
                    setAsideRun: cursor.setAsideRun),
                for: .cursor)
            try db.execute(
                sql: """
                    INSERT INTO sealed_cursor (id, sealed) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed
                    """,
                arguments: [sealedCursor])
            return added
        }
        try emptyWAL()
        return added
    }

    /// The chain value of every envelope held here: what a pull that fetches a rewritten
    /// history again leaves out.
    package func heldChains() throws -> Set<[UInt8]> {
        Set(try fetchMessages().map(\.chain))
    }

    /// Every message, oldest first, opened with the store key.
    package func fetchMessages() throws -> [Message] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT number, sealed FROM sealed_message ORDER BY number").map { row in
                try message(number: row["number"], stored: try open(number: row["number"], sealed: row["sealed"]))
            }
        }
    }

    /// One message by the chair's number.
    package func fetchMessage(number: Int64) throws -> Message? {
        try database.read { db in try fetchMessage(db, number: number) }
    }

    package func fetchMessage(_ db: Database, number: Int64) throws -> Message? {
        guard
            let sealed = try Data.fetchOne(
                db, sql: "SELECT sealed FROM sealed_message WHERE number = ?", arguments: [number])
        else { return nil }
        return try message(number: number, stored: try open(number: number, sealed: sealed))
    }

    /// Why a stored message could not be decrypted.
    package struct DamagedRow: Error, CustomStringConvertible {
        /// The message's number; nil for the record of the last pull.
        package let number: Int64?
        package var description: String {
            guard let number else {
                return "the store's record of the last pull cannot be decrypted with this identity's store key"
            }
            return "message \(number) cannot be decrypted with this identity's store key"
        }
    }

    package func fetchStored(_ db: Database, number: Int64) throws -> StoredMessage {
        guard
            let sealed = try Data.fetchOne(
                db, sql: "SELECT sealed FROM sealed_message WHERE number = ?", arguments: [number])
        else { throw DamagedRow(number: number) }
        return try open(number: number, sealed: sealed)
    }

    package func open(number: Int64, sealed: Data) throws -> StoredMessage {
        guard let plaintext = cipher.open(Array(sealed), for: .message(number: number)),
            let stored = try? StoredMessage.decode(plaintext)
        else { throw DamagedRow(number: number) }
        return stored
    }

    package static func write(_ db: Database, number: Int64, sealed: [UInt8]) throws {
        try db.execute(
            sql: "UPDATE sealed_message SET sealed = ? WHERE number = ?", arguments: [Data(sealed), number])
    }

    private func message(number: Int64, stored: StoredMessage) throws -> Message {
        var submission: Submission?
        var problem: String?
        var setAside: SetAside?
        switch stored.content {
        case .record(let record):
            do {
                submission = try SubmissionRecord.decode(record)
            } catch {
                problem = error.description
            }
        case .unreadable(_, let reason):
            problem = reason
        case .setAside(let record, let reason):
            setAside = SetAside(reason: reason, unverified: try? SubmissionRecord.decode(record))
        }
        return Message(
            number: number, relaySequence: stored.relaySequence, receivedHour: stored.receivedHour,
            chain: stored.chain, submission: submission, problem: problem, setAside: setAside, events: stored.events)
    }
}
