import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import RelayKit
import TestSupport
import Testing

@Suite("Host blindness: a contact request looks like any message")
struct IndistinguishabilityTests {
    /// Every column of every stored row, as the host sees it.
    struct StoredRow: Equatable {
        let columns: [String]
        let types: [String]
        let envelopeLength: Int
        let header: [UInt8]
        let hourLength: Int
    }

    static func fetchRows(_ fixture: RelayFixture) throws -> [StoredRow] {
        try DatabaseQueue(path: fixture.databasePath).read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT *, typeof(sequence) AS t1, typeof(received_hour) AS t2, typeof(envelope) AS t3, typeof(chain) AS t4 FROM envelope ORDER BY sequence"
            ).map { row in
                let envelope = Array(row["envelope"] as Data)
                return StoredRow(
                    columns: Array(row.columnNames.prefix(4)), types: [row["t1"], row["t2"], row["t3"], row["t4"]],
                    envelopeLength: envelope.count, header: Array(envelope.prefix(7)),
                    hourLength: (row["received_hour"] as String).count)
            }
        }
    }

    @Test("over many random pairs, a contact request and a plain message of similar length store alike")
    func pairsAreIndistinguishable() async throws {
        let fixture = try RelayFixture()
        let pairs = 60
        try await fixture.makeApplication().test(.router) { client in
            for _ in 0..<pairs {
                let length = Int.random(in: 1...3_000)
                let text = String((0..<length).map { _ in "abcdefghij klmnopqrstuvwxyzäöü€🙂".randomElement() ?? "a" })
                let details = String(repeating: "7", count: Int.random(in: 5...60))
                let plain = try await postForm(client, ([("message", text)]))
                let contact = try await postForm(
                    client,
                    ([
                        ("message", text), ("wants_contact", "yes"), ("contact_method", "phone"),
                        ("contact_details", details),
                        ("contact_name", "A"), ("contact_voicemail", "no"),
                    ]))
                #expect(plain.status == .ok && contact.status == .ok)
            }
        }
        let rows = try Self.fetchRows(fixture)
        #expect(rows.count == 2 * pairs)
        for index in stride(from: 0, to: rows.count, by: 2) {
            #expect(rows[index] == rows[index + 1], "pair \(index / 2) differs in what the host can see")
        }
    }

    @Test("the same comparison does tell apart a short note from a very long message (control)")
    func comparisonCanFail() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            for text in ["short", String(repeating: "long ", count: 1_000)] {
                let response = try await postForm(client, ([("message", text)]))
                #expect(response.status == .ok)
            }
        }
        let rows = try Self.fetchRows(fixture)
        #expect(rows[0] != rows[1])
    }
}
