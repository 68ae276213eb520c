import Envelope
import Foundation
import GRDB
import NIOPosix
import RelayProtocol
import Sodium

/// The relay's durable store: ciphertext only, each row chained to the one before.
///
/// A row holds a sequence number, the hour it arrived, the envelope and its chain value:
/// nothing about who sent it. Commits are durable (WAL, `synchronous=FULL`) before they return.
public final class EnvelopeStore: Sendable {
    /// A row as stored.
    public struct StoredEnvelope: Sendable, Equatable {
        public let sequence: Int64
        public let receivedHour: String
        public let envelope: [UInt8]
        public let chain: [UInt8]
    }

    /// A page of rows after a cursor.
    public struct Page: Sendable {
        public let previousChain: [UInt8]?
        public let envelopes: [StoredEnvelope]
        public let hasMore: Bool
        /// The store's lost ranges that end at or after the cursor.
        public let lost: [LostRange]
        /// The highest sequence the store has issued.
        public let head: Int64
    }

    /// Sequence numbers a restored store no longer holds and never issues again.
    public struct LostRange: Sendable, Equatable {
        public let first: Int64
        public let last: Int64
    }

    /// Why an append was refused.
    public enum AppendError: Error, Equatable {
        /// The store holds as many envelopes or bytes as it may.
        case full
    }

    /// Why an acknowledgement was refused.
    public enum AcknowledgementError: Error, Equatable {
        /// No stored row has that sequence number.
        case unknownSequence
        /// The row's chain value differs from the chair's: their histories differ.
        case chainMismatch
    }

    let writer: DatabasePool
    let quota: (envelopes: Int, bytes: Int)
    /// The signing keys of the current recipients: a row is deleted once all of them stored it.
    let recipients: [[UInt8]]
    /// Room kept for the deletion that frees a full disk; nil for stores opened by tools.
    let reserve: DiskReserve?
    /// 16 random bytes made when the store was created: which relay this is, for the chair's
    /// signatures, and to tell a recreated store from the one it replaced.
    public let relayIdentity: [UInt8]
    /// The numbers this start found missing: the store was put back from an earlier copy.
    public let restoreFound: LostRange?
    /// The highest sequence ever issued, kept outside the database; nil for stores opened by tools.
    let highWater: HighWaterMark?

    /// Opens (or creates) the store at `path`, for the recipients whose signing keys are
    /// `recipients` (none: a store that never deletes, for tests and tools).
    ///
    /// With `keepsReserve`, a file beside it holds room for the deletion that frees a full disk.
    /// With `remembersHighWater`, a file beside it holds the highest sequence ever issued, and a
    /// store found to hold less (put back from an earlier copy) records the numbers it lost and
    /// goes on numbering after them (`restoreFound` says what was found).
    public init(
        path: String, maximumEnvelopes: Int, maximumBytes: Int, recipients: [[UInt8]] = [], keepsReserve: Bool = false,
        remembersHighWater: Bool = false
    ) throws {
        let existed = FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        // Leave SQL arguments out of errors and logs: they are ciphertext, but still ours.
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            // Deleted envelopes are overwritten, not left in free pages of the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // An envelope (a little over 4 KiB, mostly) then fits in its row's page instead of
            // spilling into an overflow page, and commits were faster (1.4-1.6 ms under load
            // against 1.65-1.7 ms with 4 KiB pages). Only a new file takes it.
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL when it enables WAL, after prepareDatabase has run; an
        // acknowledged submission must survive a power cut, so the writer is set to FULL here.
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The WAL is copied back into the file by the commit that fills it, while every
            // waiting submission waits too: 4 MiB at a time (SQLite's default in 4 KiB pages)
            // keeps that pause short. Measured: p99 at 32 connections 18-23 ms → ~15.5 ms.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 256")
        }
        quota = (maximumEnvelopes, maximumBytes)
        self.recipients = recipients
        reserve = keepsReserve ? DiskReserve.beside(storeAt: path) : nil
        try Self.migrator.migrate(writer)
        if remembersHighWater {
            let markPath = HighWaterMark.path(besideStoreAt: path)
            let (found, head) = try writer.write { db in
                try Self.reconcile(db, with: HighWaterMark.read(at: markPath), storeIsNew: !existed)
            }
            restoreFound = found
            relayIdentity = try writer.read { db in try Self.fetchIdentity(db) }
            try HighWaterMark.write(.init(relay: relayIdentity, sequence: head), to: markPath)
            highWater = HighWaterMark(path: markPath, written: head)
        } else {
            restoreFound = nil
            relayIdentity = try writer.read { db in try Self.fetchIdentity(db) }
            highWater = nil
        }
    }

    private static func fetchIdentity(_ db: Database) throws -> [UInt8] {
        guard let identity = try Data.fetchOne(db, sql: "SELECT identifier FROM relay_identity") else {
            throw DatabaseError(message: "the relay_identity row is missing")
        }
        return Array(identity)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: envelopes and store state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE envelope (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        received_hour TEXT NOT NULL CHECK (length(received_hour) = 13),
                        envelope BLOB NOT NULL CHECK (length(envelope) >= 4199),
                        chain BLOB NOT NULL CHECK (length(chain) = 32)
                    ) STRICT;
                    CREATE TABLE store_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        head_sequence INTEGER NOT NULL CHECK (head_sequence >= 0),
                        head_chain BLOB NOT NULL CHECK (length(head_chain) = 32),
                        acknowledged_sequence INTEGER NOT NULL CHECK (acknowledged_sequence >= 0),
                        acknowledged_chain BLOB NOT NULL CHECK (length(acknowledged_chain) = 32),
                        stored_count INTEGER NOT NULL CHECK (stored_count >= 0),
                        stored_bytes INTEGER NOT NULL CHECK (stored_bytes >= 0)
                    ) STRICT;
                    """)
            try db.execute(
                sql: "INSERT INTO store_state VALUES (1, 0, ?, 0, ?, 0, 0)",
                arguments: [Data(HashChain.genesis), Data(HashChain.genesis)])
        }
        migrator.registerMigration("v2: relay identity") { db in
            try db.execute(
                sql: """
                    CREATE TABLE relay_identity (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        identifier BLOB NOT NULL CHECK (length(identifier) = 16)
                    ) STRICT;
                    """)
            try db.execute(
                sql: "INSERT INTO relay_identity VALUES (1, ?)",
                arguments: [Data(RandomBytes.make(count: SignedRequest.relayIdentityLength))])
        }
        migrator.registerMigration("v3: a delivery cursor per recipient") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recipient_cursor (
                        signing_key BLOB PRIMARY KEY CHECK (length(signing_key) = 32),
                        acknowledged_sequence INTEGER NOT NULL CHECK (acknowledged_sequence >= 0),
                        acknowledged_chain BLOB NOT NULL CHECK (length(acknowledged_chain) = 32)
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v4: every recipients set sealed to") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recipient_set (
                        digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
                        signed_file BLOB NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v5: sequence numbers lost to a restore") { db in
            try db.execute(
                sql: """
                    CREATE TABLE lost_range (
                        first_sequence INTEGER PRIMARY KEY CHECK (first_sequence >= 1),
                        last_sequence INTEGER NOT NULL CHECK (last_sequence >= first_sequence),
                        found_hour TEXT NOT NULL CHECK (length(found_hour) = 13)
                    ) STRICT;
                    """)
        }
        return migrator
    }

    /// Keeps `set` among the sets this store's envelopes were sealed to, so that a chair can
    /// check an envelope sealed before the set last changed; it becomes the last, the current one.
    public func recordRecipientSet(_ set: RecipientSet) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO recipient_set (digest, signed_file) VALUES (?, ?)",
                arguments: [Data(set.digest), Data(set.render().utf8)])
        }
    }

    /// Every recipients set this store's envelopes were sealed to, as the files the chair signed.
    public func recipientSetFiles() async throws -> [String] {
        try await writer.read { db in
            try Data.fetchAll(db, sql: "SELECT signed_file FROM recipient_set ORDER BY rowid").map {
                String(decoding: $0, as: UTF8.self)
            }
        }
    }

    /// Durably appends `envelope`, chained to the row before; returns the stored row.
    public func appendEnvelope(_ envelope: [UInt8], receivedAt date: Date = Date()) async throws -> StoredEnvelope {
        let stored = try await appendEnvelopes([envelope], receivedAt: date)
        guard let first = stored.first else { throw AppendError.full }
        return first
    }

    /// Durably appends `envelopes` in one transaction, in order; all or none are stored.
    public func appendEnvelopes(_ envelopes: [[UInt8]], receivedAt date: Date = Date()) async throws -> [StoredEnvelope]
    {
        do {
            return try await appendEnvelopesOnce(envelopes, receivedAt: date)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            // The disk is full: to the person, the same as a full store (503, text kept).
            throw AppendError.full
        }
    }

    private func appendEnvelopesOnce(_ envelopes: [[UInt8]], receivedAt date: Date) async throws -> [StoredEnvelope] {
        let hour = ReceivedHour.format(date)
        let quota = quota
        let highWater = highWater
        let relayIdentity = relayIdentity
        let stored = try await writer.write { db in try Self.insert(envelopes, hour: hour, quota: quota, db) }
        if let last = stored.last, let highWater {
            // A file written and renamed: on NIO's pool for blocking work, so neither an event
            // loop nor the writer waits for it (the mark only moves forward, whatever the order).
            // The envelopes are stored whatever happens here: a mark left behind only names fewer
            // lost numbers after a restore, and the next commit writes it again.
            _ = try? await NIOThreadPool.singleton.runIfActive {
                try highWater.advance(to: last.sequence, relay: relayIdentity)
            }
        }
        return stored
    }

    private static func insert(
        _ envelopes: [[UInt8]], hour: String, quota: (envelopes: Int, bytes: Int), _ db: Database
    ) throws -> [StoredEnvelope] {
        var state = try Self.fetchState(db)
        let bytes = envelopes.reduce(0) { $0 + $1.count }
        guard state.count + envelopes.count <= quota.envelopes, state.bytes + bytes <= quota.bytes else {
            throw AppendError.full
        }
        var stored: [StoredEnvelope] = []
        stored.reserveCapacity(envelopes.count)
        // Compiled once per connection, not once per submission.
        let insert = try db.cachedStatement(
            sql: "INSERT INTO envelope (sequence, received_hour, envelope, chain) VALUES (?, ?, ?, ?)")
        for envelope in envelopes {
            let next = state.headSequence + 1
            let chain = HashChain.link(
                previous: state.headChain, sequence: next, receivedHour: hour, envelope: envelope)
            try insert.execute(arguments: [next, hour, Data(envelope), Data(chain)])
            state = State(
                headSequence: next, headChain: chain, count: state.count + 1, bytes: state.bytes + envelope.count)
            stored.append(StoredEnvelope(sequence: next, receivedHour: hour, envelope: envelope, chain: chain))
        }
        try db.cachedStatement(
            sql: """
                UPDATE store_state SET head_sequence = ?, head_chain = ?, stored_count = ?, stored_bytes = ?
                WHERE id = 1
                """
        ).execute(arguments: [state.headSequence, Data(state.headChain), state.count, state.bytes])
        return stored
    }

    /// Up to `limit` rows after sequence `after`, oldest first.
    public func fetchEnvelopes(after: Int64, limit: Int) async throws -> Page {
        let relay = relayIdentity
        return try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT sequence, received_hour, envelope, chain FROM envelope WHERE sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [after, limit + 1])
            let envelopes = rows.prefix(limit).map { row in
                StoredEnvelope(
                    sequence: row["sequence"], receivedHour: row["received_hour"],
                    envelope: Array(row["envelope"] as Data), chain: Array(row["chain"] as Data))
            }
            return Page(
                // The row before the first returned; `after` itself when none is (no `after + 1`,
                // which a hostile cursor of Int64.max would overflow).
                previousChain: try Self.fetchChain(
                    db, at: envelopes.first.map { $0.sequence - 1 } ?? after, relay: relay),
                envelopes: Array(envelopes), hasMore: rows.count > limit,
                lost: try Self.fetchLostRanges(db, endingAtOrAfter: after),
                head: try Self.fetchState(db).headSequence)
        }
    }

    /// What an acknowledgement did.
    public struct Acknowledgement: Sendable, Equatable {
        /// Rows deleted because every recipient has now stored them.
        public let deleted: Int
        /// The last sequence this recipient has acknowledged, after this one.
        public let acknowledgedThrough: Int64
    }

    /// Records that `recipient` (its signing key) has stored every row up to `through`, whose
    /// chain value it proves with `chain`, and deletes what every current recipient has stored.
    ///
    /// Idempotent: acknowledging again what was already acknowledged (a repeat after a lost
    /// answer) changes nothing and succeeds. A recipient is never taken past what it names, and
    /// nothing is deleted that a current recipient has not stored.
    public func acknowledge(through: Int64, chain: [UInt8], by recipient: [UInt8]) async throws -> Acknowledgement {
        let acknowledged = try await withRoom {
            try await self.moveCursor(through: through, chain: chain, by: recipient)
        }
        return Acknowledgement(deleted: try await deleteDelivered(), acknowledgedThrough: acknowledged)
    }

    /// Runs a write; when the disk is full, gives the reserve back to it and runs it once more.
    private func withRoom<Value>(_ write: () async throws -> Value) async throws -> Value {
        do {
            return try await write()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL && reserve != nil {
            reserve?.release()
            return try await write()
        }
    }

    /// Deletes what every current recipient has stored, then copies the WAL into the file and
    /// truncates it, so that deleted ciphertext does not linger in it and the room is the disk's
    /// again; then takes the reserve back. On a disk too full for the deletion's WAL, it goes
    /// 64 rows at a time, the WAL emptied after each step.
    private func deleteDelivered() async throws -> Int {
        let recipients = recipients
        var total = 0
        do {
            total = try await writer.write { db in try Self.deleteWhatEveryoneStored(db, recipients: recipients) }
            if total > 0 { try await emptyWAL() }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            reserve?.release()
            try await emptyWAL()
            while true {
                let deleted = try await writer.write { db in
                    try Self.deleteWhatEveryoneStored(db, recipients: recipients, atMost: 64)
                }
                guard deleted > 0 else { break }
                total += deleted
                try await emptyWAL()
            }
        }
        if total > 0, let reserve {
            // A stat when the reserve is there; an allocation and an fsync when it is not.
            _ = try? await NIOThreadPool.singleton.runIfActive { reserve.restore() }
        }
        return total
    }

    private func emptyWAL() async throws {
        try await writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Moves `recipient`'s cursor to `through` (if it is beyond it) and returns where it stands.
    private func moveCursor(through: Int64, chain: [UInt8], by recipient: [UInt8]) async throws -> Int64 {
        let relay = relayIdentity
        return try await writer.write { db in
            let floor = try Self.fetchFloor(db)
            let current = try Self.fetchStanding(db, recipient: recipient, floor: floor)
            if let range = try Self.fetchLostRange(db, containing: through) {
                // The row went with the store's later history. Every row still here below the
                // range is older than anything the recipient stored after it, so standing at the
                // range's end deletes nothing the recipient has not fetched.
                guard current.sequence < range.last else { return current.sequence }
                try Self.setCursor(
                    db, recipient: recipient, sequence: range.last,
                    chain: HashChain.restart(relay: relay, first: range.first, last: range.last))
                return range.last
            }
            if through <= current.sequence {
                // Already acknowledged. Where the row is still here its chain must still agree,
                // so that a chair with another history is told, not quietly accepted.
                if through == current.sequence, current.chain != chain { throw AcknowledgementError.chainMismatch }
                if let stored = try Data.fetchOne(
                    db, sql: "SELECT chain FROM envelope WHERE sequence = ?", arguments: [through]),
                    Array(stored) != chain
                {
                    throw AcknowledgementError.chainMismatch
                }
                return current.sequence
            }
            guard
                let stored = try Data.fetchOne(
                    db, sql: "SELECT chain FROM envelope WHERE sequence = ?", arguments: [through])
            else { throw AcknowledgementError.unknownSequence }
            guard Array(stored) == chain else { throw AcknowledgementError.chainMismatch }
            try Self.setCursor(db, recipient: recipient, sequence: through, chain: Array(stored))
            return through
        }
    }

    private static func setCursor(_ db: Database, recipient: [UInt8], sequence: Int64, chain: [UInt8]) throws {
        try db.execute(
            sql: """
                INSERT INTO recipient_cursor (signing_key, acknowledged_sequence, acknowledged_chain)
                VALUES (?, ?, ?)
                ON CONFLICT (signing_key) DO UPDATE SET
                    acknowledged_sequence = excluded.acknowledged_sequence,
                    acknowledged_chain = excluded.acknowledged_chain
                """,
            arguments: [Data(recipient), sequence, Data(chain)])
    }

    /// Deletes what every recipient of the current set has stored (once, at start, this is what
    /// releases the rows a removed recipient held back).
    @discardableResult
    public func releaseDeliveredRows() async throws -> Int {
        try await deleteDelivered()
    }

    /// The delivery floor: every row up to it is deleted, and every recipient has stored it.
    private struct Position {
        let sequence: Int64
        let chain: [UInt8]
    }

    private static func fetchFloor(_ db: Database) throws -> Position {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT acknowledged_sequence, acknowledged_chain FROM store_state WHERE id = 1")
        else { throw DatabaseError(message: "the store_state row is missing") }
        return Position(sequence: row["acknowledged_sequence"], chain: Array(row["acknowledged_chain"] as Data))
    }

    /// Where `recipient` stands: its cursor, or the floor when it has none or its cursor is
    /// below it (a recipient removed, then added again, starts afresh at the floor).
    private static func fetchStanding(_ db: Database, recipient: [UInt8], floor: Position) throws -> Position {
        guard let cursor = try fetchCursor(db, recipient: recipient), cursor.sequence >= floor.sequence else {
            return floor
        }
        return cursor
    }

    private static func fetchCursor(_ db: Database, recipient: [UInt8]) throws -> Position? {
        try Row.fetchOne(
            db, sql: "SELECT acknowledged_sequence, acknowledged_chain FROM recipient_cursor WHERE signing_key = ?",
            arguments: [Data(recipient)]
        ).map { Position(sequence: $0["acknowledged_sequence"], chain: Array($0["acknowledged_chain"] as Data)) }
    }

    /// Raises the floor to the lowest cursor of the current recipients (one who has not
    /// acknowledged anything stands at the floor), or by `atMost` rows towards it, and deletes
    /// the rows beneath it.
    private static func deleteWhatEveryoneStored(_ db: Database, recipients: [[UInt8]], atMost: Int64? = nil) throws
        -> Int
    {
        let floor = try fetchFloor(db)
        var lowest: Position?
        if recipients.isEmpty {
            // A store opened without its recipients (a test, or the host's own tools) deletes
            // nothing: it cannot know who has yet to store what.
            return 0
        }
        for recipient in recipients {
            let cursor = try fetchStanding(db, recipient: recipient, floor: floor)
            if cursor.sequence < (lowest?.sequence ?? .max) { lowest = cursor }
        }
        guard var lowest, lowest.sequence > floor.sequence else { return 0 }
        if let atMost, lowest.sequence - floor.sequence > atMost {
            let step = floor.sequence + atMost
            if let chain = try Data.fetchOne(
                db, sql: "SELECT chain FROM envelope WHERE sequence = ?", arguments: [step])
            {
                lowest = Position(sequence: step, chain: Array(chain))
            }
        }
        let freed =
            try Int.fetchOne(
                db, sql: "SELECT total(length(envelope)) FROM envelope WHERE sequence <= ?",
                arguments: [lowest.sequence])
            ?? 0
        try db.execute(sql: "DELETE FROM envelope WHERE sequence <= ?", arguments: [lowest.sequence])
        let deleted = db.changesCount
        try db.execute(
            sql: """
                UPDATE store_state SET acknowledged_sequence = ?, acknowledged_chain = ?,
                    stored_count = stored_count - ?, stored_bytes = stored_bytes - ? WHERE id = 1
                """,
            arguments: [lowest.sequence, Data(lowest.chain), deleted, freed])
        return deleted
    }

    /// The journal mode and `synchronous` level of the writer connection (2 is FULL).
    public func fetchDurabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await writer.writeWithoutTransaction { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    /// Whether the store is at its quota.
    public func isFull() async throws -> Bool {
        let quota = quota
        return try await writer.read { db in
            let state = try Self.fetchState(db)
            return state.count >= quota.envelopes || state.bytes >= quota.bytes
        }
    }

    /// How many envelopes a copy of the store holds, and its head: what `relay backup` reports
    /// of the copy it made, read here so that only the store knows its schema.
    static func fetchBackupSummary(_ db: Database) throws -> (envelopes: Int, headSequence: Int64) {
        (
            try Int.fetchOne(db, sql: "SELECT count(*) FROM envelope") ?? 0,
            try Int64.fetchOne(db, sql: "SELECT head_sequence FROM store_state") ?? 0
        )
    }

    private struct State {
        let headSequence: Int64
        let headChain: [UInt8]
        let count: Int
        let bytes: Int
    }

    private static func fetchState(_ db: Database) throws -> State {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT head_sequence, head_chain, stored_count, stored_bytes FROM store_state WHERE id = 1"))
        else {
            throw DatabaseError(message: "the store_state row is missing")
        }
        return State(
            headSequence: row["head_sequence"], headChain: Array(row["head_chain"] as Data),
            count: row["stored_count"], bytes: row["stored_bytes"])
    }

    /// The chain value after row `sequence`: the row's own, the acknowledged one, the restart
    /// value after a lost range ending there, or genesis.
    private static func fetchChain(_ db: Database, at sequence: Int64, relay: [UInt8]) throws -> [UInt8]? {
        if sequence == 0 { return HashChain.genesis }
        if let range = try fetchLostRange(db, containing: sequence), range.last == sequence {
            return HashChain.restart(relay: relay, first: range.first, last: range.last)
        }
        if let chain = try Data.fetchOne(
            db, sql: "SELECT chain FROM envelope WHERE sequence = ?", arguments: [sequence])
        {
            return Array(chain)
        }
        let acknowledged = try Row.fetchOne(
            db, sql: "SELECT acknowledged_sequence, acknowledged_chain FROM store_state WHERE id = 1")
        if let acknowledged, acknowledged["acknowledged_sequence"] as Int64 == sequence {
            return Array(acknowledged["acknowledged_chain"] as Data)
        }
        return nil
    }
}
