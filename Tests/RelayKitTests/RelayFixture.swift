import Envelope
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RelayKit
import Sodium
import TestSupport

/// A relay built in-process with its own folders and a freshly made recipient.
struct RelayFixture {
    let folder: TemporaryDirectory
    let recipient: BoxKeyPair
    let signer: SigningKeyPair
    /// The signed set in the keys folder: this fixture's chair alone.
    let recipientSet: RecipientSet
    var configuration: RelayConfiguration

    init(configure: (inout RelayConfiguration) -> Void = { _ in }) throws {
        folder = try TemporaryDirectory(prefix: "relay")
        recipient = BoxKeyPair.generate()
        signer = SigningKeyPair.generate()
        let keys = folder.url.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let file = try PublicKeyFile(name: "Chair", encryptionKey: recipient.publicKey, signingKey: signer.publicKey)
        recipientSet = try RecipientSet.sign(serial: 1, members: [.init(role: .chair, key: file)], with: signer)
        try Data(recipientSet.render().utf8).write(to: keys.appendingPathComponent(Recipients.setFileName))
        configuration = RelayConfiguration()
        configuration.port = 0
        configuration.keysDirectory = keys.path
        configuration.dataDirectory = folder.path("data")
        configuration.minimumSecondsOnPage = 0
        configuration.clientBurst = 1_000
        configure(&configuration)
    }

    var databasePath: String { folder.path("data") + "/envelopes.sqlite" }

    func makeApplication() async throws -> some ApplicationProtocol {
        var logger = Logger(label: "relay-test")
        logger.logLevel = .warning
        return try await buildApplication(configuration: configuration, logger: logger)
    }

    /// The identity of this fixture's relay (its store must exist: call once the app is built).
    func relayIdentity() throws -> [UInt8] {
        try openStore().relayIdentity
    }

    /// Opens the store file directly, as the host could.
    func openStore() throws -> EnvelopeStore {
        try EnvelopeStore(path: databasePath, maximumEnvelopes: 1_000, maximumBytes: 1 << 30)
    }
}

extension HTTPFields {
    /// Form-post headers.
    static var form: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-www-form-urlencoded"
        return fields
    }
}

/// A form body, percent-encoded as a browser does.
func formBody(_ fields: [(String, String)]) -> ByteBuffer {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
    let text: String = fields.map { name, value in
        let encoded = (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        return "\(name)=\(encoded)"
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}

/// The anti-spam token of a freshly served form, as a browser would have it.
func fetchFormToken(_ client: some TestClientProtocol) async throws -> String {
    let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
    guard let match = page.firstMatch(of: /name="form_token" value="([0-9]+\.[0-9a-f]+\.[0-9a-f]+)"/) else {
        throw TokenMissing()
    }
    return String(match.1)
}

struct TokenMissing: Error {}

/// Posts `fields` as the served form would, with its token.
func postForm(_ client: some TestClientProtocol, _ fields: [(String, String)], uri: String = "/submit") async throws
    -> TestResponse
{
    let token = try await fetchFormToken(client)
    return try await client.execute(
        uri: uri, method: .post, headers: .form, body: formBody([("form_token", token)] + fields))
}

extension RelayFixture {
    /// `GET /api/v1/envelopes?QUERY`, signed by this fixture's chair for this fixture's relay.
    func fetchEnvelopes(_ client: some TestClientProtocol, query: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/envelopes?\(query)", method: .get,
            headers: signedHeaders(
                signer, relay: try relayIdentity(), method: "GET", path: "/api/v1/envelopes", query: query))
    }
}
