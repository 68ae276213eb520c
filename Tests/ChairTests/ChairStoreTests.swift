import Envelope
import Foundation
import GRDB
import Sodium
import TestSupport
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// What someone who takes the chair's laptop can learn from the message store without the
/// passphrase: how many messages and their size classes, and nothing more.
@Suite("The chair's store tells a thief nothing")
struct ChairStoreTests {
    static let relay = "https://contact.example-force.police.uk"

    /// The facts a file gives away without its key: sizes, tables, rows and their lengths.
    struct FileFacts: Equatable {
        let fileSize: Int
        let walSize: Int
        let schema: [String]
        let rows: [String: [Int]]
    }

    static func facts(_ path: String) throws -> FileFacts {
        let size = { (file: String) in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
        }
        let queue = try DatabaseQueue(path: path)
        let (schema, rows) = try queue.read { db -> ([String], [String: [Int]]) in
            let schema = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            var rows: [String: [Int]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            where table.hasPrefix("sealed_") {
                rows[table] = try Int.fetchAll(db, sql: "SELECT length(sealed) FROM \(table) ORDER BY rowid")
            }
            return (schema, rows)
        }
        try queue.close()
        return FileFacts(fileSize: size(path), walSize: size(path + "-wal"), schema: schema, rows: rows)
    }

    static func incoming(_ submission: Submission, sequence: Int64) throws -> ChairStore.Incoming {
        ChairStore.Incoming(
            relaySequence: sequence, receivedHour: "2026-11-30T0\(sequence)", chain: RandomBytes.make(count: 32),
            content: .record(try SubmissionRecord.encode(submission)))
    }

    @Test("a store holding a contact request, with notes, looks like one holding a plain message")
    func contactRequestLooksLikeMessage() throws {
        let folder = try TemporaryDirectory()
        let key = SecretBytes.random(count: AEAD.keyLength)
        let text = String(repeating: "Shouted at on the bus home, again. ", count: 30)
        let contact = Submission(
            message: text, contact: ContactRequest(name: "Ann", method: .phone, details: "07700 900123"))
        // The same length of record: the plain message is longer by what the contact fields take.
        let extra =
            try SubmissionRecord.encode(contact).count - SubmissionRecord.encode(Submission(message: text)).count
        let plain = Submission(message: text + String(repeating: "x", count: extra))
        #expect(
            try SubmissionRecord.encode(plain).count == SubmissionRecord.encode(contact).count,
            "the two records must be the same length for the comparison to mean anything")

        var facts: [FileFacts] = []
        for (name, submission) in [("plain", plain), ("contact", contact)] {
            let path = folder.path("\(name).sqlite")
            let store = try ChairStore(path: path, storeKey: key)
            let cursor = ChairStore.Cursor(relay: Self.relay, sequence: 2, chain: RandomBytes.make(count: 32))
            _ = try store.storeBatch(
                [
                    try Self.incoming(submission, sequence: 1),
                    try Self.incoming(Submission(message: "hi"), sequence: 2),
                ],
                cursor: cursor)
            if name == "contact" {
                // The chair acts on the contact request: statuses and a note.
                try store.appendEvent(WorkflowEvent(date: Date(), change: .status(.inProgress)), to: 1)
                try store.appendEvent(WorkflowEvent(date: Date(), change: .note("Rang at 14:10, no answer")), to: 1)
                try store.appendEvent(WorkflowEvent(date: Date(), change: .status(.contacted)), to: 1)
            }
            facts.append(try Self.facts(path))
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            for needle in [
                "contact-example", "2026-11-30T0", "07700", "Rang at", "in progress", "contacted", "Shouted",
            ] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is readable in \(name).sqlite")
            }
            // And the chair still reads everything back.
            let messages = try store.fetchMessages()
            #expect(messages.count == 2)
            #expect(messages[0].submission == submission)
            #expect(try store.fetchCursor() == cursor)
            if name == "contact" {
                #expect(messages[0].status == .contacted)
                #expect(messages[0].events.count == 3)
            }
        }
        #expect(facts[0] == facts[1])
        #expect(facts[0].rows["sealed_message"] == [4_096 + 40, 4_096 + 40])
    }

    @Test("a pull run again stores nothing twice; numbers carry on")
    func rePullIsSkipped() throws {
        let folder = try TemporaryDirectory()
        let store = try ChairStore(path: folder.path("store.sqlite"), storeKey: SecretBytes.random(count: 32))
        let first = try Self.incoming(Submission(message: "one"), sequence: 1)
        let second = try Self.incoming(Submission(message: "two"), sequence: 2)
        let cursor = ChairStore.Cursor(relay: Self.relay, sequence: 2, chain: second.chain)
        #expect(try store.storeBatch([first, second], cursor: cursor) == 2)
        #expect(try store.storeBatch([first, second], cursor: cursor) == 0)
        let third = try Self.incoming(Submission(message: "three"), sequence: 3)
        #expect(
            try store.storeBatch([third], cursor: ChairStore.Cursor(relay: Self.relay, sequence: 3, chain: third.chain))
                == 1)
        #expect(try store.fetchMessages().map(\.number) == [1, 2, 3])
        #expect(try store.fetchMessage(number: 3)?.submission?.message == "three")
    }

    @Test("a store made by an earlier chair is moved into sealed rows, numbers, notes and cursor kept")
    func legacyStoreIsMigrated() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("old.sqlite")
        let key = SecretBytes.random(count: AEAD.keyLength)
        // The old layout, written as the old code wrote it.
        let old = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        LegacyStore.registerMigrations(&migrator)
        try migrator.migrate(old)
        func sealOld(_ plaintext: SecretBytes, _ context: String) -> Data {
            let nonce = RandomBytes.make(count: AEAD.nonceLength)
            return Data(nonce + AEAD.seal(plaintext, additionalData: Array(context.utf8), nonce: nonce, key: key))
        }
        let chain = RandomBytes.make(count: 32)
        try old.write { db in
            for (number, sequence, message) in [(Int64(4), Int64(7), "before"), (Int64(5), Int64(8), "after")] {
                let record = try SubmissionRecord.encode(Submission(message: message))
                try db.execute(
                    sql: "INSERT INTO message VALUES (?, ?, '2026-11-29T21', ?, 'record', ?)",
                    arguments: [
                        number, sequence, Data(chain), sealOld(record, "blind-relay/v1/chair-store/record/\(sequence)"),
                    ])
            }
            let event = SecretBytes(
                copying: try JSONEncoder().encode(WorkflowEvent(date: Date(), change: .note("kept"))))
            try db.execute(
                sql: "INSERT INTO event (message_number, sealed) VALUES (5, ?)",
                arguments: [sealOld(event, "blind-relay/v1/chair-store/event/5")])
            try db.execute(
                sql: "INSERT INTO relay_cursor VALUES (1, ?, 8, ?)", arguments: [Self.relay, Data(chain)])
        }
        try old.close()

        let store = try ChairStore(path: path, storeKey: key)
        let messages = try store.fetchMessages()
        #expect(messages.map(\.number) == [4, 5])
        #expect(messages.map { $0.submission?.message } == ["before", "after"])
        #expect(messages[1].events.map(\.change) == [.note("kept")])
        #expect(try store.fetchCursor() == ChairStore.Cursor(relay: Self.relay, sequence: 8, chain: chain))
        // Numbering carries on after the old highest number.
        let next = try Self.incoming(Submission(message: "new"), sequence: 9)
        _ = try store.storeBatch([next], cursor: ChairStore.Cursor(relay: Self.relay, sequence: 9, chain: next.chain))
        #expect(try store.fetchMessages().map(\.number) == [4, 5, 6])
        let facts = try Self.facts(path)
        #expect(facts.schema.allSatisfy { !$0.contains("CREATE TABLE message") && !$0.contains("relay_cursor") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.range(of: Data(Self.relay.utf8)) == nil)
        #expect(bytes.range(of: Data("2026-11-29T21".utf8)) == nil)
    }

    @Test(
        "the store, its WAL and its shared memory are private whatever the umask; a loose existing file is made private"
    )
    func filesArePrivate() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("messages.sqlite")
        let mode = { (file: String) -> Int in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int) ?? -1
        }
        // With no umask at all, SQLite alone would make all three readable by everyone.
        let previous = umask(0)
        defer { umask(previous) }
        let store = try ChairStore(path: path, storeKey: SecretBytes.random(count: 32))
        _ = try store.fetchCursor()
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(file) == 0o600, "\(file)")
        }
        let loose = folder.path("loose.sqlite")
        #expect(FileManager.default.createFile(atPath: loose, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try ChairStore(path: loose, storeKey: SecretBytes.random(count: 32))
        #expect(mode(loose) == 0o600)
    }
}
