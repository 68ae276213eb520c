import Envelope
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RelayKit
import RelayProtocol
import Sodium
import TestSupport
import Testing

/// Headers for a request signed by `signer`, optionally at another time.
func signedHeaders(
    _ signer: SigningKeyPair, relay: [UInt8], method: String, path: String, query: String = "", body: [UInt8] = [],
    timestamp: Int64 = Int64(Date().timeIntervalSince1970)
) -> HTTPFields {
    var fields = HTTPFields()
    for (name, value) in SignedRequest.headers(
        signer: signer, relay: relay, method: method, path: path, query: query, body: body, timestamp: timestamp)
    {
        if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
    }
    return fields
}

func decodePage(_ response: TestResponse) throws -> EnvelopePageBody {
    try JSONDecoder().decode(EnvelopePageBody.self, from: Data(buffer: response.body))
}

@Suite("The chair API")
struct ChairAPITests {
    /// Submits `count` forms through the intake so the store has real rows.
    static func submit(_ count: Int, client: some TestClientProtocol) async throws {
        for index in 1...count {
            let response = try await postForm(client, ([("message", "message \(index)")]))
            #expect(response.status == .ok)
        }
    }

    @Test("a signed request gets the envelopes after the cursor, chained")
    func signedRequestGetsEnvelopes() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            try await Self.submit(3, client: client)
            let query = "after=1&limit=10"
            let response = try await fixture.fetchEnvelopes(client, query: query)
            #expect(response.status == .ok)
            let page = try decodePage(response)
            #expect(page.envelopes.map(\.sequence) == [2, 3])
            var previous = try #require(page.previousChain.flatMap(Hex.decode))
            for item in page.envelopes {
                let envelope = try #require(Base64.decode(item.envelope))
                let chain = HashChain.link(
                    previous: previous, sequence: item.sequence, receivedHour: item.receivedHour, envelope: envelope)
                #expect(Hex.encode(chain) == item.chain)
                previous = chain
            }
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    /// A request the API must refuse, and why.
    struct Refused: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let makeHeaders: @Sendable (_ chair: SigningKeyPair, _ relay: [UInt8]) -> HTTPFields
        let query: String
    }

    static let refusedRequests: [Refused] = [
        Refused(testDescription: "unsigned", makeHeaders: { _, _ in HTTPFields() }, query: "after=0"),
        Refused(
            testDescription: "signed by a key the relay does not know",
            makeHeaders: { _, relay in
                signedHeaders(
                    SigningKeyPair.generate(), relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0")
            }, query: "after=0"),
        Refused(
            testDescription: "expired",
            makeHeaders: { chair, relay in
                signedHeaders(
                    chair, relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0",
                    timestamp: Int64(Date().timeIntervalSince1970) - 3600)
            }, query: "after=0"),
        Refused(
            testDescription: "from the future",
            makeHeaders: { chair, relay in
                signedHeaders(
                    chair, relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0",
                    timestamp: Int64(Date().timeIntervalSince1970) + 3600)
            }, query: "after=0"),
        Refused(
            testDescription: "signed for another relay (same chair key)",
            makeHeaders: { chair, _ in
                signedHeaders(
                    chair, relay: RandomBytes.make(count: SignedRequest.relayIdentityLength), method: "GET",
                    path: "/api/v1/envelopes", query: "after=0")
            }, query: "after=0"),
        Refused(
            testDescription: "signed a minute before the relay started, inside the clock window",
            makeHeaders: { chair, relay in
                signedHeaders(
                    chair, relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0",
                    timestamp: Int64(Date().timeIntervalSince1970) - 60)
            }, query: "after=0"),
        Refused(
            testDescription: "query changed after signing",
            makeHeaders: { chair, relay in
                signedHeaders(chair, relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0")
            }, query: "after=1"),
        Refused(
            testDescription: "signed for another method",
            makeHeaders: { chair, relay in
                signedHeaders(chair, relay: relay, method: "POST", path: "/api/v1/envelopes", query: "after=0")
            }, query: "after=0"),
        Refused(
            testDescription: "signature of another key with this key's header",
            makeHeaders: { chair, relay in
                var fields = signedHeaders(
                    SigningKeyPair.generate(), relay: relay, method: "GET", path: "/api/v1/envelopes", query: "after=0")
                if let name = HTTPField.Name(SignedRequest.keyHeader) { fields[name] = Base64.encode(chair.publicKey) }
                return fields
            }, query: "after=0"),
    ]

    @Test("a badly signed fetch gets 401 and no envelopes", arguments: refusedRequests)
    func badlySignedFetchIsRefused(request: Refused) async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            try await Self.submit(1, client: client)
            let response = try await client.execute(
                uri: "/api/v1/envelopes?\(request.query)", method: .get,
                headers: request.makeHeaders(fixture.signer, try fixture.relayIdentity()))
            #expect(response.status == .unauthorized)
            #expect(!String(buffer: response.body).contains("envelopes"))
        }
    }

    @Test("a replayed request is refused the second time")
    func replayIsRefused() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let headers = signedHeaders(
                fixture.signer, relay: try fixture.relayIdentity(), method: "GET", path: "/api/v1/envelopes",
                query: "after=0")
            let first = try await client.execute(uri: "/api/v1/envelopes?after=0", method: .get, headers: headers)
            #expect(first.status == .ok)
            let again = try await client.execute(uri: "/api/v1/envelopes?after=0", method: .get, headers: headers)
            #expect(again.status == .unauthorized)
            #expect(String(buffer: again.body).contains("replay"))
        }
    }

    @Test("a request captured before a restart is refused after it, though its nonce cache is empty")
    func replayAcrossRestartIsRefused() async throws {
        let fixture = try RelayFixture()
        let headers = try await fixture.makeApplication().test(.router) { client in
            let headers = signedHeaders(
                fixture.signer, relay: try fixture.relayIdentity(), method: "GET", path: "/api/v1/envelopes",
                query: "after=0")
            let first = try await client.execute(uri: "/api/v1/envelopes?after=0", method: .get, headers: headers)
            #expect(first.status == .ok)
            return headers
        }
        // Timestamps are whole seconds: the restart comes in a later one.
        try await Task.sleep(for: .milliseconds(1_100))
        try await fixture.makeApplication().test(.router) { client in
            let again = try await client.execute(uri: "/api/v1/envelopes?after=0", method: .get, headers: headers)
            #expect(again.status == .unauthorized)
            #expect(String(buffer: again.body).contains("before the relay last started"))
            let identity = try await client.execute(uri: "/api/v1/relay", method: .get)
            #expect(
                try JSONDecoder().decode(RelayIdentityBody.self, from: Data(buffer: identity.body)).relay
                    == Hex.encode(try fixture.relayIdentity()))
        }
    }

    @Test("an acknowledgement deletes what the chair stored; later pulls do not return it")
    func acknowledgementDeletes() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            try await Self.submit(3, client: client)
            let pageResponse = try await fixture.fetchEnvelopes(client, query: "after=0")
            let page = try decodePage(pageResponse)
            let body = Array(try JSONEncoder().encode(AcknowledgementBody(through: 2, chain: page.envelopes[1].chain)))
            let ack = try await client.execute(
                uri: "/api/v1/acknowledge", method: .post,
                headers: signedHeaders(
                    fixture.signer, relay: try fixture.relayIdentity(), method: "POST", path: "/api/v1/acknowledge",
                    body: body),
                body: ByteBuffer(bytes: body))
            #expect(ack.status == .ok)
            #expect(try JSONDecoder().decode(AcknowledgementResultBody.self, from: Data(buffer: ack.body)).deleted == 2)

            let after = try await fixture.fetchEnvelopes(client, query: "after=0")
            let remaining = try decodePage(after)
            #expect(remaining.envelopes.map(\.sequence) == [3])
            #expect(remaining.previousChain == page.envelopes[1].chain)
        }
        #expect(try storedRowCount(fixture) == 1)
    }

    @Test("an acknowledgement with a tampered body, or a chain that differs, deletes nothing")
    func tamperedAcknowledgementDeletesNothing() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            try await Self.submit(2, client: client)
            let page = try decodePage(
                try await fixture.fetchEnvelopes(client, query: "after=0"))
            let signedBody = Array(
                try JSONEncoder().encode(AcknowledgementBody(through: 1, chain: page.envelopes[0].chain)))
            let sentBody = Array(
                try JSONEncoder().encode(AcknowledgementBody(through: 2, chain: page.envelopes[1].chain)))
            let tampered = try await client.execute(
                uri: "/api/v1/acknowledge", method: .post,
                headers: signedHeaders(
                    fixture.signer, relay: try fixture.relayIdentity(), method: "POST", path: "/api/v1/acknowledge",
                    body: signedBody),
                body: ByteBuffer(bytes: sentBody))
            #expect(tampered.status == .unauthorized)

            let wrongChain = Array(
                try JSONEncoder().encode(AcknowledgementBody(through: 2, chain: page.envelopes[0].chain)))
            let mismatch = try await client.execute(
                uri: "/api/v1/acknowledge", method: .post,
                headers: signedHeaders(
                    fixture.signer, relay: try fixture.relayIdentity(), method: "POST", path: "/api/v1/acknowledge",
                    body: wrongChain),
                body: ByteBuffer(bytes: wrongChain))
            #expect(mismatch.status == .conflict)
        }
        #expect(try storedRowCount(fixture) == 2)
    }
}

@Suite("The page JSON written by hand")
struct EnvelopePageJSONTests {
    @Test("JSONDecoder reads it back as the same page, whatever the strings hold")
    func roundTrips() throws {
        let awkward = "q\"uote \\ back\u{0}\u{1F}\n\t é ✓ 🙂 /"
        let pages = [
            EnvelopePageBody(previousChain: nil, envelopes: [], hasMore: false, storeFull: true),
            EnvelopePageBody(
                previousChain: String(repeating: "ab", count: 32),
                envelopes: (1...3).map {
                    StoredEnvelopeBody(
                        sequence: Int64($0) * 1_000_000_007, receivedHour: "2026-11-29T2\($0)",
                        envelope: Base64.encode((0..<(300 * $0)).map { UInt8(truncatingIfNeeded: $0 * 7) }),
                        chain: String(repeating: "0f", count: 32))
                }, hasMore: true, storeFull: false),
            EnvelopePageBody(
                previousChain: awkward,
                envelopes: [
                    StoredEnvelopeBody(sequence: .max, receivedHour: awkward, envelope: awkward, chain: awkward)
                ],
                hasMore: false, storeFull: false),
        ]
        for page in pages {
            #expect(try JSONDecoder().decode(EnvelopePageBody.self, from: Data(page.json)) == page)
        }
    }
}
