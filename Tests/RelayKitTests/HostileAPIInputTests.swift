import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RelayKit
import RelayProtocol
import Sodium
import Testing

/// Numbers a stranger can put in a chair API request: each must come back as 400 or 401, and the
/// relay must go on answering. A trap here would end the test process, which is the failure.
@Suite("Hostile numbers in the chair API")
struct HostileAPIInputTests {
    /// Texts no strict decimal parser may accept, and a few it must.
    static let hostileNumbers: [String] = [
        "-9223372036854775808", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "-1", "+1", " 1", "1 ", "01", "00", "0x10", "1e9", "1.0", "", "-0", "１２３", "١٧٠٠٠٠٠٠٠٠", "1\u{0}",
        String(repeating: "9", count: 300), String(repeating: "0", count: 300) + "1", "999999999999999999",
        "1000000000000000000",
    ]

    @Test("a timestamp header of any shape is refused with 401, before any arithmetic")
    func timestampsNeverTrap() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            for text in Self.hostileNumbers + ["0", "1700000000"] {
                var headers = signedHeaders(
                    fixture.signer, relay: try fixture.relayIdentity(), method: "GET", path: "/api/v1/envelopes",
                    query: "after=0")
                headers[try #require(HTTPField.Name(SignedRequest.timestampHeader))] = text
                let response = try await client.execute(
                    uri: "/api/v1/envelopes?after=0", method: .get, headers: headers)
                #expect(response.status == .unauthorized, "timestamp \(text.debugDescription)")
            }
            let fine = try await fixture.fetchEnvelopes(client, query: "after=0")
            #expect(fine.status == .ok)
        }
    }

    @Test("a signed query with any cursor or limit gets 200, 400 or 401, never a crash")
    func signedQueriesNeverTrap() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            try await ChairAPITests.submit(2, client: client)
            var queries = Self.hostileNumbers.flatMap { ["after=\($0)", "limit=\($0)", "after=1&limit=\($0)"] }
            queries += [
                "after=1&after=2", "limit=1&limit=2", "after", "after=", "=1", "&&after=1&&", "cursor=1", "limit=0",
                "limit=1001", "after=%31", "after=1;limit=2",
            ]
            for query in queries {
                let response = try await fixture.fetchEnvelopes(client, query: query)
                // 401 where the test client re-encodes the URI (spaces, non-ASCII), so what arrives is
                // no longer what was signed.
                #expect(
                    [.ok, .badRequest, .unauthorized].contains(response.status), "query \(query.debugDescription)")
            }
            // The largest cursor is answered: nothing after it, and the chain before it unknown.
            let query = "after=\(APINumbers.maximumSequence)"
            let response = try await fixture.fetchEnvelopes(client, query: query)
            #expect(response.status == .ok)
            #expect(try decodePage(response).envelopes.isEmpty)
        }
    }

    @Test("the strict decimal parser agrees with a reference on random texts")
    func parserAgreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["0", "1", "9", "5", "-", "+", " ", "x", "٣", "９", "\u{0}", "00", "99999"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                pieces.randomElement(using: &generator) ?? ""
            }.joined()
            let isCanonical =
                !text.isEmpty && text.utf8.count <= 18 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
                && (text == "0" || !text.hasPrefix("0"))
            let expected = isCanonical ? Int64(text).flatMap { $0 <= 999_999 ? $0 : nil } : nil
            #expect(APINumbers.parseDecimal(text, maximum: 999_999) == expected, "\(text.debugDescription)")
        }
        #expect(APINumbers.distance(.min, .max) == .max)
        #expect(APINumbers.distance(.min, 0) == .max)
        #expect(APINumbers.distance(0, .min) == .max)
        #expect(APINumbers.distance(-5, 7) == 12)
        #expect(APINumbers.distance(APINumbers.maximumTimestamp, 0) == APINumbers.maximumTimestamp)
    }

    @Test("the store answers the largest cursor without overflowing")
    func storeTakesTheLargestCursor() async throws {
        let fixture = try RelayFixture()
        try FileManager.default.createDirectory(atPath: fixture.folder.path("data"), withIntermediateDirectories: true)
        let store = try fixture.openStore()
        _ = try await store.appendEnvelope([UInt8](repeating: 1, count: 4_199))
        let page = try await store.fetchEnvelopes(after: .max, limit: 10)
        #expect(page.envelopes.isEmpty)
        #expect(page.previousChain == nil)
    }
}
