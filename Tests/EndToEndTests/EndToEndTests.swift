import Envelope
import Foundation
import GRDB
import RelayProtocol
import TestSupport
import Testing

/// A chair with a real identity (made by `chair init`) and a live relay sealing to it.
final class LiveSetup: @unchecked Sendable {
    static let passphrase = "quarry nimbus tulip ferret gazebo"
    let folder: TemporaryDirectory
    let relay: RelayProcess

    init(relayEnvironment: [String: String] = [:]) async throws {
        folder = try TemporaryDirectory(prefix: "end-to-end")
        let keys = folder.url.appendingPathComponent("relay/keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let initialised = try await runProduct(
            "chair", ["init", "--identity", folder.path("chair/identity")],
            environment: ["BLIND_RELAY_PASSPHRASE": Self.passphrase])
        guard initialised.status == 0 else { throw SetupError(description: initialised.standardError) }
        let created = try await runProduct(
            "chair",
            [
                "recipients", "create", "--identity", folder.path("chair/identity"), "--set",
                keys.appendingPathComponent("recipients.set").path,
            ], environment: ["BLIND_RELAY_PASSPHRASE": Self.passphrase])
        guard created.status == 0 else { throw SetupError(description: created.standardError) }
        relay = try await RelayProcess(
            folder: folder.url.appendingPathComponent("relay"), environment: relayEnvironment)
    }

    /// Runs `chair` as the chair would, with this identity and passphrase.
    func chair(_ arguments: [String]) async throws -> ProcessResult {
        try await runProduct(
            "chair", arguments + ["--identity", folder.path("chair/identity")],
            environment: ["BLIND_RELAY_PASSPHRASE": Self.passphrase])
    }

    func pull() async throws -> ProcessResult { try await chair(["pull", "--relay", relay.address]) }

    var relayDatabase: String { relay.dataDirectory.appendingPathComponent("envelopes.sqlite").path }

    struct SetupError: Error, CustomStringConvertible { let description: String }
}

@Suite("End to end: a person writes, the chair reads", .serialized)
struct EndToEndTests {
    @Test("what is typed into the form is exactly what the chair reads, contact details included")
    func chairReadsExactlyWhatWasTyped() async throws {
        let setup = try await LiveSetup()
        let message =
            "Someone spat at me on the 38 bus 🚌.\nדבר אחד — مرحبا — Diolch yn fawr.\n\tIndented line, trailing spaces   "
        let first = try await postForm(
            to: setup.relay.address,
            fields: [("message", message), ("category", "race"), ("where", "Heol y Frenhines")])
        #expect(first.status == 200, "\(first.page)")
        let second = try await postForm(
            to: setup.relay.address,
            fields: [
                ("message", "Please ring me, I do not want the police to know."), ("wants_contact", "yes"),
                ("contact_name", "Siân"), ("contact_method", "phone"), ("contact_details", "07700 900123"),
                ("contact_times", "weekdays 10–12"), ("contact_voicemail", "no"),
                ("contact_avoid", "Do not mention the police if someone else answers"),
            ])
        #expect(second.status == 200)

        let pulled = try await setup.pull()
        #expect(pulled.status == 0, "\(pulled.standardError)")
        #expect(pulled.standardError.contains("pulled 2 new messages, 1 asking to be contacted"))

        let list = try await setup.chair(["list"])
        #expect(list.status == 0)
        let lines = list.output.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("message") && lines[1].contains("race") && lines[1].contains("Someone spat at me"))
        #expect(lines[2].contains("contact request"))

        let read = try await setup.chair(["read", "1"])
        #expect(read.status == 0)
        #expect(read.output.contains(message))
        #expect(read.output.contains("Heol y Frenhines"))
        let receipt = try #require(first.page.firstMatch(of: /[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}/))
        #expect(read.output.contains("Receipt code:     \(receipt.output)"))
        // A person who calls reads the code out; the chair finds their message by it.
        let typed = receipt.output.lowercased().replacingOccurrences(of: "-", with: " ")
        let found = try await setup.chair(["find", String(typed)])
        #expect(found.status == 0, "\(found.standardError)")
        #expect(found.output.hasPrefix("Receipt code \(receipt.output) is message 1: message, received "))
        let missing = try await setup.chair(["find", "2222-3333-4444"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no message here has the receipt code 2222-3333-4444"))
        #expect(missing.standardError.contains("hint: run 'chair pull' and try again"))
        let wrong = try await setup.chair(["find", "hello"])
        #expect(wrong.status != 0)
        #expect(wrong.standardError.contains("is not a receipt code"))

        let contact = try await setup.chair(["read", "2"])
        #expect(contact.output.contains("Siân"))
        #expect(contact.output.contains("phone call"))
        #expect(contact.output.contains("07700 900123"))
        #expect(contact.output.contains("weekdays 10–12"))
        #expect(contact.output.contains("no, do not leave a message"))
        #expect(contact.output.contains("Do not mention the police if someone else answers"))
    }

    @Test("a pull run again loses and duplicates nothing, and the relay deletes only what was acknowledged")
    func pullIsIdempotent() async throws {
        let setup = try await LiveSetup()
        for index in 1...3 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")]).status == 200)
        }
        #expect(try await setup.pull().status == 0)
        #expect(
            try await DatabaseQueue(path: setup.relayDatabase).read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM envelope")
            } == 0)
        #expect(try await postForm(to: setup.relay.address, fields: [("message", "note 4")]).status == 200)
        let again = try await setup.pull()
        #expect(again.standardError.contains("pulled 1 new message"))
        let nothing = try await setup.pull()
        #expect(nothing.standardError.contains("pulled 0 new messages"))
        let list = try await setup.chair(["list"])
        #expect(list.output.split(separator: "\n").count == 5)
        for index in 1...4 { #expect(list.output.contains("note \(index)")) }
    }

    @Test("the relay's address is remembered from the first pull; a final / or capitals change nothing; a 404 says why")
    func relayAddressRemembered() async throws {
        let setup = try await LiveSetup()
        let first = try await setup.chair(["pull"])
        #expect(first.status != 0 && first.standardError.contains("does not know the relay's address"))
        #expect(first.standardError.contains("chair pull --relay"))
        #expect(try await postForm(to: setup.relay.address, fields: [("message", "remembered")]).status == 200)
        let slashed = try await setup.chair(["pull", "--relay", setup.relay.address + "/"])
        #expect(slashed.status == 0 && slashed.standardError.contains("pulled 1 new message"))
        #expect(try await postForm(to: setup.relay.address, fields: [("message", "again")]).status == 200)
        let remembered = try await setup.chair(["pull"])
        #expect(remembered.status == 0 && remembered.standardError.contains("pulled 1 new message"))
        let capitals = setup.relay.address.replacingOccurrences(of: "http://", with: "HTTP://")
        #expect(try await setup.chair(["pull", "--relay", capitals]).status == 0)
        let wrong = try await setup.chair([
            "pull", "--relay", setup.relay.address + "/contact", "--store", setup.folder.path("other.sqlite"),
        ])
        #expect(wrong.status != 0 && wrong.standardError.contains("the address is probably wrong"))
        #expect(!wrong.standardError.contains("try again later"))
    }

    @Test("a new store (a new laptop) starts where the relay's history does, with a plain statement, no alarm")
    func newStoreStartsCleanly() async throws {
        let setup = try await LiveSetup()
        for index in 1...2 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "old \(index)")]).status == 200)
        }
        #expect(try await setup.pull().status == 0)
        #expect(try await postForm(to: setup.relay.address, fields: [("message", "new")]).status == 200)
        let fresh = try await setup.chair([
            "pull", "--relay", setup.relay.address, "--store", setup.folder.path("new.sqlite"),
        ])
        #expect(fresh.status == 0, "\(fresh.standardError)")
        #expect(fresh.standardError.contains("this store is new, so it starts at the relay's envelope 3"))
        #expect(fresh.standardError.contains("pulled 1 new message"))
        #expect(!fresh.standardError.contains("missing"))
        let again = try await setup.chair([
            "pull", "--relay", setup.relay.address, "--store", setup.folder.path("new.sqlite"),
        ])
        #expect(again.standardError.contains("pulled 0 new messages"))
        #expect(!again.standardError.contains("this store is new"))
    }

    /// Pages are fetched ahead and acknowledged in the background: across several of them,
    /// every envelope is stored once, and a break on a later page keeps all before it.
    @Test("a pull across several pages stores each envelope once, and stops at a break on a later page")
    func pullAcrossPages() async throws {
        let setup = try await LiveSetup()
        let filled = try await runProduct(
            "relay-bench",
            [
                "fill", "--data-dir", setup.relay.dataDirectory.path, "--count", "2500", "--recipients",
                setup.folder.url.appendingPathComponent("relay/keys/recipients.set").path,
            ])
        #expect(filled.status == 0, "\(filled.standardError)")
        // A gap on the third page of 1,000.
        try await DatabaseQueue(path: setup.relayDatabase).write {
            try $0.execute(sql: "DELETE FROM envelope WHERE sequence = 2200")
        }
        let pulled = try await setup.pull()
        #expect(pulled.status == 1)
        #expect(pulled.standardError.contains("pulled 2199 new messages"), "\(pulled.standardError)")
        #expect(pulled.standardError.contains("envelopes 2200 to 2200 are missing"))
        let remaining = try await DatabaseQueue(path: setup.relayDatabase).read {
            try Int64.fetchAll($0, sql: "SELECT sequence FROM envelope ORDER BY sequence")
        }
        #expect(remaining == Array(2201...2500), "everything stored was acknowledged, nothing after the break")
        let accepted = try await setup.chair(["pull", "--relay", setup.relay.address, "--accept-break"])
        #expect(accepted.standardError.contains("pulled 300 new messages"), "\(accepted.standardError)")
        let again = try await setup.pull()
        #expect(again.standardError.contains("pulled 0 new messages"))
        #expect(
            try await DatabaseQueue(path: setup.relayDatabase).read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM envelope")
            } == 0)
        let list = try await setup.chair(["list"])
        #expect(list.output.split(separator: "\n").count == 2499 + 1, "a header line and one line per message")
    }

    @Test("a row deleted directly from the relay's SQLite file is flagged, and nothing after it is lost")
    func deletedRowIsFlagged() async throws {
        let setup = try await LiveSetup()
        for index in 1...4 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")]).status == 200)
        }
        try await DatabaseQueue(path: setup.relayDatabase).write {
            try $0.execute(sql: "DELETE FROM envelope WHERE sequence = 2")
        }
        let pulled = try await setup.pull()
        #expect(pulled.status == 1)
        #expect(pulled.standardError.contains("the relay's history is broken: envelopes 2 to 2 are missing"))
        #expect(pulled.standardError.contains("hint: "))
        // Envelope 1 is safe with the chair; 3 and 4 stay on the relay until the chair accepts the break.
        let remaining = try await DatabaseQueue(path: setup.relayDatabase).read {
            try Int64.fetchAll($0, sql: "SELECT sequence FROM envelope ORDER BY sequence")
        }
        #expect(remaining == [3, 4])
        let accepted = try await setup.chair(["pull", "--relay", setup.relay.address, "--accept-break"])
        #expect(accepted.status == 0, "\(accepted.standardError)")
        #expect(accepted.standardError.contains("accepted a break"))
        let list = try await setup.chair(["list"])
        #expect(list.output.contains("note 3") && list.output.contains("note 4"))
    }

    @Test("envelopes swapped directly in the relay's SQLite file are flagged, and keep their own receipt codes")
    func swappedRowsAreFlagged() async throws {
        let setup = try await LiveSetup()
        var receipts: [String] = []
        for index in 1...3 {
            let posted = try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")])
            #expect(posted.status == 200)
            receipts.append(String(try #require(posted.page.firstMatch(of: /[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}/)).0))
        }
        try await DatabaseQueue(path: setup.relayDatabase).write { db in
            try db.execute(
                sql: """
                    UPDATE envelope SET envelope = CASE sequence
                        WHEN 2 THEN (SELECT envelope FROM envelope WHERE sequence = 3)
                        WHEN 3 THEN (SELECT envelope FROM envelope WHERE sequence = 2) END
                    WHERE sequence IN (2, 3)
                    """)
        }
        let pulled = try await setup.pull()
        #expect(pulled.status == 1)
        #expect(pulled.standardError.contains("envelope 2 does not match the relay's history"))
        // Accepted, each break in turn: every message still shows the code its sender was given.
        for _ in 1...2 {
            _ = try await setup.chair(["pull", "--relay", setup.relay.address, "--accept-break"])
        }
        for number in 1...3 {
            let read = try await setup.chair(["read", String(number)])
            let index = try #require((1...3).first { read.output.contains("note \($0)") })
            #expect(read.output.contains("Receipt code:     \(receipts[index - 1])"), "\(read.output)")
        }
    }
}
