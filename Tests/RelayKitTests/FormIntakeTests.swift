import Envelope
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import RelayKit
import RelayProtocol
import Sodium
import TestSupport
import Testing

/// Counts the envelopes in the relay's SQLite file, read directly.
func storedRowCount(_ fixture: RelayFixture) throws -> Int {
    guard FileManager.default.fileExists(atPath: fixture.databasePath) else { return 0 }
    return try DatabaseQueue(path: fixture.databasePath).read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM envelope") ?? 0
    }
}

@Suite("The public form and intake")
struct FormIntakeTests {
    @Test("the form says who reads it, that it is not for emergencies, and what the police cannot see")
    func formExplainsItself() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("call 999"))
            #expect(page.contains("cannot deal with single cases"))
            #expect(
                page.contains("<p id=\"protection\">The police run this website, but they cannot read your message."))
            #expect(page.contains("name=\"message\""))
            #expect(page.contains("name=\"wants_contact\""))
            // Never kept: its token is single-use, and a page holding someone's text never is.
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test("a valid post is sealed, stored, and only then acknowledged with a receipt")
    func validPostIsStored() async throws {
        let fixture = try RelayFixture()
        let message = "Line one\r\nLine two: ‘quoted’ 🏳️‍🌈 مرحبا שלום"
        try await fixture.makeApplication().test(.router) { client in
            let response = try await postForm(
                client, ([("message", message), ("category", "religion-or-belief"), ("form_language", "en")]))
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            let code = try #require(page.firstMatch(of: /[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}/))
            #expect(!page.contains("Line one"))
            let page1 = try await fixture.openStore().fetchEnvelopes(after: 0, limit: 10)
            let stored = try #require(page1.envelopes.first)
            #expect(String(code.output) == ReceiptCode.make(chain: stored.chain))
            let opened = try Envelope.open(stored.envelope, with: fixture.recipient)
            #expect(opened.message == "Line one\nLine two: ‘quoted’ 🏳️‍🌈 مرحبا שלום")
            #expect(opened.categories == [.religionOrBelief])
            #expect(opened.kind == .message)
        }
    }

    @Test("a contact request carries its details, sealed")
    func contactRequestIsSealed() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let response = try await postForm(
                client,
                ([
                    ("message", "Please call me"), ("wants_contact", "yes"), ("contact_method", "phone"),
                    ("contact_details", "07700 900123"), ("contact_voicemail", "no"),
                    ("contact_avoid", "Do not mention the police"),
                ]))
            #expect(response.status == .ok)
            let stored = try #require(try await fixture.openStore().fetchEnvelopes(after: 0, limit: 1).envelopes.first)
            let opened = try Envelope.open(stored.envelope, with: fixture.recipient)
            #expect(
                opened.contact
                    == ContactRequest(
                        method: .phone, details: "07700 900123", mayLeaveMessage: false,
                        avoid: "Do not mention the police"))
        }
    }

    /// A bad post: what is sent, the status expected, and text the page must show.
    struct BadPost: Sendable, CustomTestStringConvertible {
        let name: String
        let contentType: String
        let body: String
        let status: HTTPResponse.Status
        let pageMustContain: [String]
        var testDescription: String { name }
    }

    static let badPosts: [BadPost] = [
        BadPost(
            name: "empty message", contentType: "application/x-www-form-urlencoded", body: "message=&where=Leeds",
            status: .badRequest, pageMustContain: ["Enter your message", "value=\"Leeds\""]),
        BadPost(
            name: "spaces only", contentType: "application/x-www-form-urlencoded", body: "message=+++%0D%0A",
            status: .badRequest, pageMustContain: ["Enter your message"]),
        BadPost(
            name: "over-long message", contentType: "application/x-www-form-urlencoded",
            body: "message=" + String(repeating: "abcde", count: 3001),
            status: .badRequest, pageMustContain: ["15,000 characters or fewer", "abcdeabcdeabcde"]),
        BadPost(
            name: "over-long place", contentType: "application/x-www-form-urlencoded",
            body: "message=hello&where=" + String(repeating: "x", count: 1001),
            status: .badRequest,
            pageMustContain: ["Where it happened must be 1,000 characters or fewer", ">hello</textarea>"]),
        BadPost(
            name: "invalid UTF-8", contentType: "application/x-www-form-urlencoded", body: "message=caf%E9+au+lait",
            status: .badRequest, pageMustContain: ["could not be read", "caf\u{FFFD} au lait"]),
        BadPost(
            name: "broken percent-encoding", contentType: "application/x-www-form-urlencoded",
            body: "message=100%+sure%Z",
            status: .badRequest, pageMustContain: ["could not be read", "100% sure%Z"]),
        BadPost(
            name: "a field twice", contentType: "application/x-www-form-urlencoded", body: "message=one&message=two",
            status: .badRequest, pageMustContain: ["field twice", ">one</textarea>"]),
        BadPost(
            name: "contact ticked without details", contentType: "application/x-www-form-urlencoded",
            body: "message=call+me&wants_contact=yes&contact_method=email",
            status: .badRequest, pageMustContain: ["Enter your email address", ">call me</textarea>"]),
        BadPost(
            name: "contact details without the tick", contentType: "application/x-www-form-urlencoded",
            body: "message=hi&contact_details=me%40example.org",
            status: .badRequest,
            pageMustContain: ["You did not choose ‘Yes’, but you gave contact details", "me@example.org"]),
        BadPost(
            name: "unknown category", contentType: "application/x-www-form-urlencoded",
            body: "message=hi&category=weather",
            status: .badRequest, pageMustContain: ["Choose the kinds of incident"]),
        BadPost(
            name: "an answer to 'leave a message?' the form never offered",
            contentType: "application/x-www-form-urlencoded",
            body:
                "message=hi&wants_contact=yes&contact_method=phone&contact_details=07700+900123&contact_voicemail=maybe",
            status: .badRequest, pageMustContain: ["Choose whether a message may be left", "07700 900123"]),
        BadPost(
            name: "wrong content type", contentType: "text/plain", body: "message=hello",
            status: .unsupportedMediaType, pageMustContain: ["only accepts the contact form"]),
        BadPost(
            name: "JSON", contentType: "application/json", body: "{\"message\":\"hello\"}",
            status: .unsupportedMediaType, pageMustContain: ["only accepts the contact form"]),
        BadPost(
            name: "oversized body", contentType: "application/x-www-form-urlencoded",
            body: "message=" + String(repeating: "a", count: 200 * 1024),
            status: .contentTooLarge, pageMustContain: ["too long to send"]),
    ]

    @Test("each bad post gets a clear 4xx page, keeps the person's text, and stores nothing", arguments: badPosts)
    func badPostIsRefused(post: BadPost) async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = post.contentType
            let response = try await client.execute(
                uri: "/submit", method: .post, headers: headers, body: ByteBuffer(string: post.body))
            #expect(response.status == post.status)
            #expect(response.headers[.cacheControl] == "no-store")
            let page = String(buffer: response.body)
            #expect(page.contains("<h1>") || page.contains("There is a problem"))
            for text in post.pageMustContain {
                #expect(page.contains(text), "page lacks \(text)")
            }
        }
        #expect(try storedRowCount(fixture) == 0)
    }

    @Test("a body declared larger than the limit is refused before it is read")
    func oversizedBodyIsRefusedEarly() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            // Only the head is sent; a relay that waited for 100 MB would never answer.
            let answer = try await postDeclaringHugeBody(port: port, timeout: 5)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(60))")
        }
        #expect(try storedRowCount(fixture) == 0)
    }

    @Test("health check says nothing about activity: empty when all is well, the operator's warning otherwise")
    func healthCheckIsEmpty() async throws {
        let proxied = try RelayFixture { $0.clientAddressHeader = "X-Forwarded-For" }
        try await proxied.makeApplication().test(.router) { client in
            _ = try await postForm(client, [("message", "activity")])
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
        }
        // On loopback and trusting no header: every person behind a proxy would share one budget.
        let unproxied = try RelayFixture()
        try await unproxied.makeApplication().test(.router) { client in
            _ = try await postForm(client, [("message", "activity")])
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.hasPrefix("warning: client_address_header is empty"))
            #expect(text.split(separator: "\n").count == 1)
        }
    }

    @Test("when the store is full the form says so, keeps the text, and stores nothing more")
    func fullStoreSaysSo() async throws {
        let fixture = try RelayFixture { $0.maximumStoredEnvelopes = 1 }
        try await fixture.makeApplication().test(.router) { client in
            let first = try await postForm(client, ([("message", "first")]))
            #expect(first.status == .ok)
            let second = try await postForm(client, ([("message", "second")]))
            #expect(second.status == .serviceUnavailable)
            let page = String(buffer: second.body)
            #expect(page.contains("full"))
            #expect(page.contains(">second</textarea>"))
        }
        #expect(try storedRowCount(fixture) == 1)
    }

    @Test("the relay refuses to start without a signed recipients set, saying what to do")
    func refusesToStartWithoutRecipient() async throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("keys"), withIntermediateDirectories: true)
        var configuration = RelayConfiguration()
        configuration.keysDirectory = folder.path("keys")
        configuration.dataDirectory = folder.path("data")
        await #expect {
            _ = try await buildApplication(configuration: configuration, logger: .init(label: "test"))
        } throws: { error in
            (error as? RelayConfiguration.Problem)?.description.contains("chair recipients create") == true
        }
    }
}

/// Sends a request head declaring a 100 MB body but no body bytes, and returns what curl saw.
/// (Sending even a few body bytes makes the early close a reset on some runs, and the reset can
/// swallow the response: that would test the kernel, not the relay.)
func postDeclaringHugeBody(port: Int, timeout: Int) async throws -> String {
    let result = try await runProcess(
        "/usr/bin/curl",
        [
            "-sS", "-i", "--max-time", String(timeout), "-H", "Content-Length: 100000000",
            "-H", "Content-Type: application/x-www-form-urlencoded", "-H", "Expect:", "--data-binary", "",
            "http://127.0.0.1:\(port)/submit",
        ])
    return result.output.isEmpty ? "curl exit \(result.status): \(result.standardError)" : result.output
}
