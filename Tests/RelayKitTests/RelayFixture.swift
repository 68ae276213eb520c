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
    var configuration: RelayConfiguration

    init(configure: (inout RelayConfiguration) -> Void = { _ in }) throws {
        folder = try TemporaryDirectory(prefix: "relay")
        recipient = BoxKeyPair.generate()
        signer = SigningKeyPair.generate()
        let keys = folder.url.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let file = try PublicKeyFile(name: "Chair", encryptionKey: recipient.publicKey, signingKey: signer.publicKey)
        try Data(file.render().utf8).write(to: keys.appendingPathComponent("chair.pub"))
        configuration = RelayConfiguration()
        configuration.port = 0
        configuration.keysDirectory = keys.path
        configuration.dataDirectory = folder.path("data")
        configure(&configuration)
    }

    var databasePath: String { folder.path("data") + "/envelopes.sqlite" }

    func makeApplication() async throws -> some ApplicationProtocol {
        var logger = Logger(label: "relay-test")
        logger.logLevel = .warning
        return try await buildApplication(configuration: configuration, logger: logger)
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
