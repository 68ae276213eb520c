import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RelayKit
import RelayProtocol
import Sodium
import TestSupport
import Testing

/// Lines a log handler wrote, collected for inspection.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: String { lock.withLock { lines.joined() } }
}

@Suite("Defences: logs without request data, rate limits")
struct DefenceTests {
    @Test("driving every route and error path with canaries everywhere leaves none in the log, even at trace level")
    func logHoldsNoRequestData() async throws {
        let lines = LogLines()
        let fixture = try RelayFixture { $0.clientBurst = 3 }
        let logger = Logger(label: "relay") { label in RelayLogHandler(label: label, level: .trace) { lines.append($0) }
        }
        let app = try await buildApplication(configuration: fixture.configuration, logger: logger)
        let canary = "CANARY\(UUID().uuidString.prefix(8))"
        try await app.test(.live) { client in
            var headers = HTTPFields()
            headers[.userAgent] = "UA-\(canary)"
            headers[.referer] = "https://\(canary).example/"
            headers[.cookie] = "c=\(canary)"
            if let forwarded = HTTPField.Name("X-Forwarded-For") { headers[forwarded] = "203.0.113.9, \(canary)" }
            var form = headers
            form[.contentType] = "application/x-www-form-urlencoded"
            let token = try await fetchFormToken(client)
            let bodies = [
                "form_token=\(token)&message=\(canary)", "message=\(canary)&message=twice", "message=%ZZ\(canary)",
                "form_token=\(token)&message=&where=\(canary)", "form_token=\(token)&envelope=\(canary)&pow=1",
                "form_token=\(token)&message=\(canary)&leave_empty=\(canary)",
                "form_token=\(token)&message=" + String(repeating: canary, count: 20_000),
            ]
            for body in bodies {
                _ = try await client.execute(
                    uri: "/submit?q=\(canary)", method: .post, headers: form, body: ByteBuffer(string: body))
            }
            var wrongType = headers
            wrongType[.contentType] = "text/plain"
            _ = try await client.execute(
                uri: "/submit", method: .post, headers: wrongType, body: ByteBuffer(string: canary))
            for uri in [
                "/?lang=\(canary)", "/\(canary)", "/healthz?\(canary)", "/api/v1/envelopes?after=\(canary)",
                "/assets/\(canary).js", "/.well-known/blind-relay/assets.json?\(canary)",
            ] {
                _ = try await client.execute(uri: uri, method: .get, headers: headers)
            }
            var signed = headers
            for (name, value) in SignedRequest.headers(
                signer: fixture.signer, relay: try fixture.relayIdentity(), method: "POST", path: "/api/v1/acknowledge",
                query: "",
                body: Array(canary.utf8),
                timestamp: Int64(Date().timeIntervalSince1970))
            {
                if let fieldName = HTTPField.Name(name) { signed[fieldName] = value }
            }
            _ = try await client.execute(
                uri: "/api/v1/acknowledge", method: .post, headers: signed, body: ByteBuffer(string: canary))
            _ = try await client.execute(uri: "/submit", method: .delete, headers: headers)
            _ = try await client.execute(uri: "/", method: .put, headers: headers, body: ByteBuffer(string: canary))
        }
        let log = lines.all
        #expect(!log.isEmpty, "the handler saw nothing, so this test would prove nothing")
        #expect(!log.contains(canary))
        #expect(!log.contains("203.0.113.9"))
        // The only address allowed is the one the server itself listens on.
        let withoutStartLine = log.split(separator: "\n").filter { !$0.contains("listening on") }.joined(
            separator: "\n")
        #expect(!withoutStartLine.contains("127.0.0.1"))
        #expect(!log.contains("hb.request.id"))
    }

    @Test("a client over its burst is told to wait, others are not, and the intake has its own budget")
    func rateLimits() async throws {
        let fixture = try RelayFixture {
            $0.clientBurst = 2
            $0.clientSubmissionsPerHour = 1
            $0.clientAddressHeader = "X-Forwarded-For"
        }
        try await fixture.makeApplication().test(.router) { client in
            func post(from address: String) async throws -> TestResponse {
                let token = try await fetchFormToken(client)
                var headers = HTTPFields.form
                if let name = HTTPField.Name("X-Forwarded-For") { headers[name] = "10.0.0.1, \(address)" }
                return try await client.execute(
                    uri: "/submit", method: .post, headers: headers,
                    body: formBody([("form_token", token), ("message", "hi")]))
            }
            #expect(try await post(from: "192.0.2.1").status == .ok)
            #expect(try await post(from: "192.0.2.1").status == .ok)
            let limited = try await post(from: "192.0.2.1")
            #expect(limited.status == .tooManyRequests)
            #expect(String(buffer: limited.body).contains("This connection has sent a lot of messages"))
            #expect(String(buffer: limited.body).contains(">hi</textarea>"))
            #expect(try await post(from: "192.0.2.2").status == .ok)
        }
        #expect(try storedRowCount(fixture) == 3)
    }
}

@Suite("The log format")
struct RelayLogHandlerTests {
    @Test("metadata not on the allow-list and text from libraries never reach the output")
    func handlerStripsWhatItDoesNotKnow() {
        let lines = LogLines()
        var logger = Logger(label: "relay") { label in RelayLogHandler(label: label, level: .trace) { lines.append($0) }
        }
        logger[metadataKey: "hb.request.id"] = "REQUEST-ID-CANARY"
        logger.info(
            "a line of ours", metadata: ["client.address": "198.51.100.7", "error.type": "DatabaseError"],
            source: "RelayKit")
        logger.error("Decode Error: body=CANARY-BODY", metadata: ["error": "CANARY-ERROR"], source: "Hummingbird")
        logger.info("Server started and listening on 127.0.0.1:8080", source: "HummingbirdCore")
        let log = lines.all
        #expect(log.contains("a line of ours error.type=DatabaseError"))
        #expect(log.contains("Hummingbird reported an event at error level (details withheld)"))
        #expect(log.contains("listening on 127.0.0.1:8080"))
        for canary in ["REQUEST-ID-CANARY", "198.51.100.7", "CANARY-BODY", "CANARY-ERROR"] {
            #expect(!log.contains(canary))
        }
    }
}
