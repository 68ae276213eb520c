import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sodium
import Testing

@testable import RelayKit

/// One outsider must not be able to lock real people out, or fill the store with one token.
@Suite("No lock-out: budgets charged late, single-use tokens, one key per client")
struct LockoutTests {
    @Test("junk without a valid token costs the intake budget nothing")
    func junkIsNotCharged() async throws {
        let fixture = try RelayFixture {
            $0.intakeBurst = 2
            $0.intakeSubmissionsPerMinute = 1
        }
        try await fixture.makeApplication().test(.router) { client in
            for index in 0..<200 {
                let junk: [(String, String)] =
                    switch index % 4 {
                    case 0: [("message", "junk \(index)")]
                    case 1: [("form_token", "1700000000.\(String(repeating: "0", count: 32)).00"), ("message", "x")]
                    case 2: [("envelope", "QlJMWQ=="), ("form_token", "nonsense"), ("pow", "1")]
                    default: [("form_token", "\(Int64.max).aa.bb"), ("message", "x")]
                    }
                let response = try await client.execute(
                    uri: "/submit", method: .post, headers: .form, body: formBody(junk))
                #expect(response.status == .badRequest)
            }
            // The two messages the intake allows at once still go to real people.
            #expect(try await postForm(client, [("message", "a real person")]).status == .ok)
            #expect(try await postForm(client, [("message", "another real person")]).status == .ok)
            #expect(try await postForm(client, [("message", "one too many")]).status == .serviceUnavailable)
        }
        #expect(try storedRowCount(fixture) == 2)
    }

    @Test("a token stores one message: a second post of the same form stores nothing and says so")
    func tokensAreSingleUse() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let token = try await fetchFormToken(client)
            let fields = [("form_token", token), ("message", "sent once")]
            let first = try await client.execute(uri: "/submit", method: .post, headers: .form, body: formBody(fields))
            #expect(first.status == .ok)
            for _ in 0..<20 {
                let again = try await client.execute(
                    uri: "/submit", method: .post, headers: .form, body: formBody(fields))
                #expect(again.status == .conflict)
                let page = String(buffer: again.body)
                #expect(page.contains("This message was already sent"))
                #expect(!page.contains("sent once"), "the text is not shown again on a shared device")
            }
            // Two tokens served in the same second are different tokens.
            let (one, two) = (try await fetchFormToken(client), try await fetchFormToken(client))
            #expect(one != two)
        }
        #expect(try storedRowCount(fixture) == 1)
    }

    @Test("a token whose message could not be stored can be used again")
    func failedStoreReleasesTheToken() async throws {
        let fixture = try RelayFixture { $0.maximumStoredEnvelopes = 1 }
        try await fixture.makeApplication().test(.router) { client in
            #expect(try await postForm(client, [("message", "fills the store")]).status == .ok)
            let token = try await fetchFormToken(client)
            let fields = [("form_token", token), ("message", "waits for room")]
            for _ in 0..<2 {
                let full = try await client.execute(
                    uri: "/submit", method: .post, headers: .form, body: formBody(fields))
                #expect(full.status == .serviceUnavailable)
                #expect(String(buffer: full.body).contains(">waits for room</textarea>"))
            }
        }
    }

    @Test("claiming is atomic: of many concurrent claims of one token exactly one wins")
    func claimsRace() async throws {
        let tokens = FormTokens(key: SecretBytes.random(count: 32), minimumSeconds: 0, proofOfWorkBits: 1)
        let token = tokens.issue()
        let wins = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { tokens.claim(token) } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(tokens.check(token) == .alreadyUsed)
        tokens.release(token)
        #expect(tokens.check(token) == nil)
    }

    @Test("used tokens are forgotten once they would have expired anyway")
    func usedTokensAreForgotten() {
        let clock = TestClock()
        let tokens = FormTokens(key: SecretBytes.random(count: 32), minimumSeconds: 0, proofOfWorkBits: 1) {
            Int64(clock.now)
        }
        for _ in 0..<100 { #expect(tokens.claim(tokens.issue())) }
        #expect(tokens.rememberedCount == 100)
        clock.advance(26 * 3600)
        #expect(tokens.claim(tokens.issue()))
        #expect(tokens.rememberedCount == 1)
    }

    @Test("the token key is made once in the data folder (0600), so a restart keeps open forms valid")
    func tokenKeySurvivesRestart() async throws {
        let fixture = try RelayFixture()
        let token = try await fixture.makeApplication().test(.router) { client in try await fetchFormToken(client) }
        let keyPath = fixture.folder.path("data") + "/" + FormTokens.keyFileName
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        try await fixture.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/submit", method: .post, headers: .form,
                body: formBody([("form_token", token), ("message", "typed before the restart")]))
            #expect(response.status == .ok)
        }
        // A key others can read is refused, with the fix in the message.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        #expect {
            _ = try FormTokens.loadOrCreateKey(dataDirectory: fixture.folder.path("data"))
        } throws: { error in
            (error as? RelayConfiguration.Problem)?.description.contains("chmod 600") == true
        }
    }

    @Test("a client is the last address across every forwarded line; an IPv6 client is its /64")
    func clientKeys() {
        #expect(ClientAddress.networkKey("192.0.2.1") == "v4:c0000201")
        #expect(ClientAddress.networkKey("::ffff:192.0.2.1") == "v4:c0000201")
        #expect(ClientAddress.networkKey("192.0.2.1:4711") == "v4:c0000201")
        #expect(ClientAddress.networkKey("2001:db8:1:2::1") == ClientAddress.networkKey("2001:db8:1:2:ffff::9"))
        #expect(ClientAddress.networkKey("[2001:db8:1:2::1]") == "v6:20010db800010002")
        #expect(ClientAddress.networkKey("2001:db8:1:3::1") != ClientAddress.networkKey("2001:db8:1:2::1"))
        #expect(ClientAddress.networkKey("fe80::1%eth0") == "v6:fe80000000000000")
        #expect(ClientAddress.networkKey(nil) == nil)
        #expect(ClientAddress.networkKey("") == nil)
        #expect(ClientAddress.networkKey("not an address") == "text:not an address")
    }

    @Test("behind a proxy that appends a line, the client's own first line is not believed")
    func forwardedLines() async throws {
        let fixture = try RelayFixture {
            $0.clientBurst = 1
            $0.clientSubmissionsPerHour = 1
            $0.clientAddressHeader = "X-Forwarded-For"
        }
        let name = try #require(HTTPField.Name("X-Forwarded-For"))
        try await fixture.makeApplication().test(.router) { client in
            func post(claiming claimed: String) async throws -> HTTPResponse.Status {
                let token = try await fetchFormToken(client)
                var headers = HTTPFields.form
                // The client's own line first, then the line the proxy appended.
                headers.append(HTTPField(name: name, value: claimed))
                headers.append(HTTPField(name: name, value: "198.51.100.20"))
                return try await client.execute(
                    uri: "/submit", method: .post, headers: headers,
                    body: formBody([("form_token", token), ("message", "hi")])
                ).status
            }
            let first = try await post(claiming: "203.0.113.1")
            #expect(first == .ok)
            // A new made-up address each time does not buy a new budget.
            let second = try await post(claiming: "203.0.113.2")
            #expect(second == .tooManyRequests)
            let third = try await post(claiming: "203.0.113.3, 203.0.113.4")
            #expect(third == .tooManyRequests)
        }
        #expect(try storedRowCount(fixture) == 1)
    }
}
