import Envelope
import Foundation
import Hummingbird
import HummingbirdTesting
import RelayProtocol
import Sodium
import TestSupport
import Testing

@testable import RelayKit

/// Whether `solution` is a proof of work for `token` and `envelope` at `bits`, checked the way
/// the browser checks it.
func meetsProofOfWork(token: String, envelope: [UInt8], solution: String, bits: Int) -> Bool {
    let digest = SHA512.hash(Array("\(token):\(Hex.encode(SHA512.hash(envelope))):\(solution)".utf8))
    var zeroBits = 0
    for byte in digest {
        zeroBits += byte.leadingZeroBitCount
        if byte != 0 { break }
    }
    return zeroBits >= bits
}

/// A proof of work for `token` and `envelope` at `bits`, found the way the browser finds it.
func solveProofOfWork(token: String, envelope: [UInt8], bits: Int) -> String {
    var counter = 0
    while !meetsProofOfWork(token: token, envelope: envelope, solution: String(counter), bits: bits) { counter += 1 }
    return String(counter)
}

@Suite("Public pages: languages, headers, assets, anti-spam, browser-sealed posts")
struct PublicPagesTests {
    @Test(
        "every response carries the protective headers, and none sets a cookie",
        arguments: ["/", "/?lang=cy", "/healthz", "/nope"])
    func protectiveHeaders(path: String) async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("script-src 'self'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(
                response.headers.contains { $0.name.canonicalName == "referrer-policy" && $0.value == "no-referrer" })
            #expect(
                response.headers.contains { $0.name.canonicalName == "x-content-type-options" && $0.value == "nosniff" }
            )
            #expect(response.headers.contains { $0.name.canonicalName == "x-frame-options" && $0.value == "DENY" })
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test("the page is in the language asked for, with lang set, and a 404 is a page of ours")
    func languages() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let welsh = String(buffer: try await client.execute(uri: "/?lang=cy", method: .get).body)
            #expect(welsh.contains("<html lang=\"cy\">"))
            #expect(welsh.contains("Anfon eich neges"))
            #expect(welsh.contains("hreflang=\"en\""))
            let english = String(buffer: try await client.execute(uri: "/?lang=xx", method: .get).body)
            #expect(english.contains("<html lang=\"en\">"))
            let missing = try await client.execute(uri: "/nope?lang=cy", method: .get)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("Heb ddod o hyd i&#39;r dudalen"))
        }
    }

    @Test("both catalogues have exactly the same keys, so no page is half translated")
    func cataloguesMatch() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RelayKit/Resources/Catalogues")
        func keys(_ name: String) throws -> Set<String> {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name)))
            return Set(((object as? [String: Any])?["text"] as? [String: String] ?? [:]).keys)
        }
        let english = try keys("en.json")
        #expect(english.count > 80)
        #expect(try keys("cy.json") == english)
    }

    @Test("a choice field without refusal words of its own is refused by name in every language")
    func genericChoiceRefusal() throws {
        let catalogues = try Catalogues.load()
        #expect(catalogues.all.count >= 2)
        for catalogue in catalogues.all {
            let refusal = SubmissionForm.FieldError(field: .category, key: "error.choice", fieldNameValue: .category)
                .message(catalogue)
            #expect(refusal != "error.choice" && !refusal.contains("{"), "\(catalogue.code): \(refusal)")
            #expect(refusal.contains(catalogue.text("name.category")), "\(catalogue.code): \(refusal)")
        }
        #expect(SubmissionForm.choiceErrorKeys[.category] == "error.category", "category keeps its own words")
    }

    @Test("scripts and the stylesheet carry integrity hashes that match what is served and the manifest")
    func subresourceIntegrity() async throws {
        let fixture = try RelayFixture { $0.tweetNaClFile = "/usr/share/nodejs/tweetnacl/nacl-fast.min.js" }
        try await fixture.makeApplication().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            let manifestResponse = try await client.execute(uri: "/.well-known/blind-relay/assets.json", method: .get)
            let manifest = try JSONDecoder().decode(
                [String: [String: String]].self, from: Data(buffer: manifestResponse.body))
            let assets = try #require(manifest["assets"])
            #expect(assets.keys.contains("/assets/seal.js") && assets.keys.contains("/assets/nacl-fast.min.js"))
            let tags = page.matches(of: /(?:src|href)="(\/assets\/[^"]+)" integrity="(sha512-[^"]+)"/)
            #expect(tags.count == 6)
            for tag in tags {
                let served = try await client.execute(uri: String(tag.1), method: .get)
                #expect("sha512-" + Base64.encode(SHA512.hash(Array(buffer: served.body))) == String(tag.2))
                #expect(assets[String(tag.1)] == String(tag.2))
                #expect(served.headers[.cacheControl] == "public, max-age=86400")
            }
        }
    }

    @Test(
        "without TweetNaCl the form still works, and offers no sealing script (only Exit this page's and the reveal's)")
    func withoutTweetNaCl() async throws {
        let fixture = try RelayFixture { $0.tweetNaClFile = "/nonexistent/nacl.js" }
        try await fixture.makeApplication().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(
                page.matches(of: /<script src="([^"]+)"/).map { String($0.1) } == [
                    "/assets/exit.js", "/assets/reveal.js",
                ])
            #expect(try await postForm(client, [("message", "still works")]).status == .ok)
        }
    }

    @Test("a filled honeypot or a form sent too soon gets a clear page that keeps the text")
    func antiSpamKeepsText() async throws {
        let fixture = try RelayFixture { $0.minimumSecondsOnPage = 60 }
        try await fixture.makeApplication().test(.router) { client in
            let quick = try await postForm(client, [("message", "my words")])
            #expect(quick.status == .badRequest)
            #expect(String(buffer: quick.body).contains("very soon after the page opened"))
            #expect(String(buffer: quick.body).contains(">my words</textarea>"))
            let trap = try await postForm(client, [("message", "my words"), ("leave_empty", "http://spam")])
            #expect(String(buffer: trap.body).contains("looked automated"))
            #expect(String(buffer: trap.body).contains(">my words</textarea>"))
            let noToken = try await client.execute(
                uri: "/submit", method: .post, headers: .form, body: formBody([("message", "old page")]))
            #expect(String(buffer: noToken.body).contains("needs to be sent again"))
            #expect(String(buffer: noToken.body).contains(">old page</textarea>"))
        }
        #expect(try storedRowCount(fixture) == 0)
    }

    @Test(
        "a browser-sealed envelope is stored as it came, once; a bad one, or a proof of work for another envelope, is refused"
    )
    func browserSealedPosts() async throws {
        let fixture = try RelayFixture { $0.proofOfWorkBits = 6 }
        try await fixture.makeApplication().test(.router) { client in
            let envelope = try Envelope.seal(
                Submission(message: "sealed in the browser"), to: [fixture.recipient.publicKey])
            let token = try await fetchFormToken(client)
            let proof = solveProofOfWork(token: token, envelope: envelope, bits: 6)
            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                try await client.execute(uri: "/submit", method: .post, headers: .form, body: formBody(fields))
            }
            let refusedWork = try await post([
                ("envelope", Base64.encode(envelope)), ("form_token", token), ("pow", "1x"),
            ])
            #expect(refusedWork.status == .badRequest)
            var truncated = envelope
            truncated.removeLast()
            let refusedShape = try await post([
                ("envelope", Base64.encode(truncated)), ("form_token", token), ("pow", proof),
            ])
            #expect(refusedShape.status == .badRequest)
            #expect(String(buffer: refusedShape.body).contains("could not be accepted"))
            let twoRecipients = try Envelope.seal(
                Submission(message: "x"), to: [fixture.recipient.publicKey, BoxKeyPair.generate().publicKey])
            let refusedCount = try await post([
                ("envelope", Base64.encode(twoRecipients)), ("form_token", token), ("pow", proof),
            ])
            #expect(refusedCount.status == .badRequest)
            // A proof found for one envelope does not carry another (at 6 bits, 1 in 64 would pass by
            // chance, so the other envelope is one it is checked not to meet).
            var other = try Envelope.seal(Submission(message: "another"), to: [fixture.recipient.publicKey])
            while meetsProofOfWork(token: token, envelope: other, solution: proof, bits: 6) {
                other = try Envelope.seal(Submission(message: "another"), to: [fixture.recipient.publicKey])
            }
            let refusedOther = try await post([
                ("envelope", Base64.encode(other)), ("form_token", token), ("pow", proof),
            ])
            #expect(refusedOther.status == .badRequest)

            let accepted = try await post([
                ("envelope", Base64.encode(envelope)), ("form_token", token), ("pow", proof), ("form_language", "cy"),
            ])
            #expect(accepted.status == .ok)
            #expect(String(buffer: accepted.body).contains("ar eich ffôn neu gyfrifiadur eich hun"))
            // The same post again (a reload of the receipt) stores nothing and says why.
            let again = try await post([
                ("envelope", Base64.encode(envelope)), ("form_token", token), ("pow", proof),
            ])
            #expect(again.status == .conflict)
            #expect(String(buffer: again.body).contains("already sent"))
        }
        let stored = try #require(try await fixture.openStore().fetchEnvelopes(after: 0, limit: 5).envelopes.first)
        #expect(try Envelope.open(stored.envelope, with: fixture.recipient).message == "sealed in the browser")
        #expect(try storedRowCount(fixture) == 1)
    }
}
