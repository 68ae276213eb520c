import Foundation
import GRDB
import TestSupport
import Testing

@Suite("A full store", .serialized)
struct QuotaTests {
    @Test(
        "at its quota the form says the service is full and keeps the text; the chair's pull reports it and frees space"
    )
    func fullStoreRecovers() async throws {
        let setup = try await LiveSetup(relayEnvironment: ["BLIND_RELAY_MAX_STORED_ENVELOPES": "3"])
        for index in 1...3 {
            #expect(try await postForm(to: setup.relay.address, fields: [("message", "note \(index)")]).status == 200)
        }
        let refused = try await postForm(to: setup.relay.address, fields: [("message", "the fourth, kept on the page")])
        #expect(refused.status == 503)
        #expect(refused.page.contains("This service is full just now"))
        // Another way to get help, the catalogue's default until the host sets other_ways.
        #expect(refused.page.contains("Victim Support"))
        #expect(refused.page.contains(">the fourth, kept on the page</textarea>"))

        let pulled = try await setup.pull()
        #expect(pulled.status == 0)
        #expect(pulled.standardError.contains("the relay's store is full"))
        #expect(pulled.standardError.contains("pulled 3 new messages"))

        #expect(try await postForm(to: setup.relay.address, fields: [("message", "the fourth, again")]).status == 200)
        let integrity = try await DatabaseQueue(path: setup.relayDatabase).read {
            try String.fetchOne($0, sql: "PRAGMA integrity_check")
        }
        #expect(integrity == "ok")
        #expect(try await setup.pull().standardError.contains("pulled 1 new message"))
        #expect(try await setup.chair(["list"]).output.contains("the fourth, again"))
    }
}
