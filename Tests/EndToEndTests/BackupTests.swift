import Foundation
import GRDB
import TestSupport
import Testing

@Suite("relay backup", .serialized)
struct BackupTests {
    @Test("a backup taken while the relay runs is a private, consistent copy; it never replaces a file")
    func backupWhileRunning() async throws {
        let setup = try await LiveSetup()
        for index in 1...3 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "kept \(index)")]).status == 200)
        }
        let environment = ["BLIND_RELAY_DATA_DIR": setup.relay.dataDirectory.path]
        let copy = setup.folder.path("backup.sqlite")
        let result = try await runProduct("relay", ["backup", copy], environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("copied 3 envelopes (up to sequence 3)"))
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
        let (rows, identity) = try await DatabaseQueue(path: copy).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM envelope"),
                try Data.fetchOne(db, sql: "SELECT identifier FROM relay_identity")
            )
        }
        #expect(rows == 3)
        let live = try await DatabaseQueue(path: setup.relayDatabase).read { db in
            try Data.fetchOne(db, sql: "SELECT identifier FROM relay_identity")
        }
        #expect(identity == live)
        // The relay went on serving meanwhile.
        #expect(try await postForm(to: setup.relay.address, fields: [("message", "after")]).status == 200)

        let again = try await runProduct("relay", ["backup", copy], environment: environment)
        #expect(again.status != 0)
        #expect(again.standardError.contains("exists already; choose a new name"))
        let missing = try await runProduct(
            "relay", ["backup", setup.folder.path("other.sqlite")],
            environment: ["BLIND_RELAY_DATA_DIR": setup.folder.path("nowhere")])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("there is no store at"))
    }
}
