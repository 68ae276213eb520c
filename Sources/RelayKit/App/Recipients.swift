import Envelope
import Foundation

/// The people envelopes are sealed to, read from the keys folder at start-up.
public struct Recipients: Sendable {
    /// Their public key files, in file-name order.
    public let keys: [PublicKeyFile]

    /// The X25519 keys to seal to.
    public var encryptionKeys: [[UInt8]] { keys.map(\.encryptionKey) }
    /// The Ed25519 keys whose signatures the chair API accepts.
    public var signingKeys: [[UInt8]] { keys.map(\.signingKey) }

    /// Reads every `*.pub` file in `directory`; refuses any that is malformed, and an empty set.
    public static func load(from directory: String) throws(RelayConfiguration.Problem) -> Recipients {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pub") }
                .sorted()
        } catch {
            throw .init(
                description:
                    "cannot read the keys folder \(directory); create it and put the chair's key file in it (made with 'chair export')"
            )
        }
        var keys: [PublicKeyFile] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .init(description: "cannot read the key file \(path); check its permissions")
            }
            do {
                keys.append(try PublicKeyFile(parsing: Array(data)))
            } catch {
                throw .init(
                    description:
                        "the key file \(path) cannot be used: \(error); ask the key holder to run 'chair export' again")
            }
        }
        guard !keys.isEmpty else {
            throw .init(
                description:
                    "there is no recipient key (*.pub) in \(directory), so nothing could be sealed; put the chair's key file there (made with 'chair export')"
            )
        }
        guard EnvelopeFormat.recipientRange.contains(keys.count) else {
            throw .init(description: "there are \(keys.count) recipient keys in \(directory); at most 16 are allowed")
        }
        return Recipients(keys: keys)
    }
}
