import Envelope
import Foundation

/// The people envelopes are sealed to: the chair's signed recipients set (`recipients.set` in
/// the keys folder), read at start-up. The relay seals to exactly that set and to no one else.
public struct Recipients: Sendable {
    /// The file in the keys folder that holds the signed set.
    public static let setFileName = "recipients.set"

    /// Who the relay seals to, a line each, as the start-up log and `relay check-config` say it:
    /// what the chair compares with `chair recipients show`.
    var sealingLines: [String] {
        ["sealing to recipients set \(signedSet.serial), signed by its chair"]
            + signedSet.members.map {
                "sealing to \($0.key.name) (\($0.role.rawValue)), fingerprint \($0.key.fingerprint)"
            }
    }

    /// The signed set.
    public let signedSet: RecipientSet

    /// Their public keys, chair first.
    public var keys: [PublicKeyFile] { signedSet.members.map(\.key) }
    /// The X25519 keys to seal to.
    public var encryptionKeys: [[UInt8]] { signedSet.encryptionKeys }
    /// The Ed25519 keys whose signatures the chair API accepts.
    public var signingKeys: [[UInt8]] { signedSet.signingKeys }

    /// Reads and checks the signed set in `directory`. A `*.pub` file there that the set does not
    /// hold stops the start: someone meant a key to be used that the chair never signed for.
    public static func load(from directory: String) throws(RelayConfiguration.Problem) -> Recipients {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw .init(
                description:
                    "cannot read the keys folder \(directory); create it and put the chair's \(setFileName) in it (made with 'chair recipients create')"
            )
        }
        let setPath = (directory as NSString).appendingPathComponent(setFileName)
        guard let data = FileManager.default.contents(atPath: setPath) else {
            throw .init(
                description:
                    "there is no readable \(setFileName) in \(directory), so nothing could be sealed; ask the chair for the file (made with 'chair recipients create') and put it there"
            )
        }
        let set: RecipientSet
        do {
            set = try RecipientSet(parsing: Array(data))
        } catch {
            throw .init(
                description:
                    "\(setPath) cannot be used: \(error); put back the file exactly as the chair gave it, or ask the chair for a new one"
            )
        }
        for name in names where name.hasSuffix(".pub") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .init(description: "cannot read the key file \(path); check its permissions")
            }
            let key: PublicKeyFile
            do {
                key = try PublicKeyFile(parsing: Array(data))
            } catch {
                throw .init(
                    description:
                        "the key file \(path) cannot be used: \(error); ask the key holder to run 'chair export' again")
            }
            guard set.members.contains(where: { $0.key.encryptionKey == key.encryptionKey }) else {
                throw .init(
                    description:
                        "the key file \(path) is not in the chair's signed \(setFileName), and the relay seals only to that set; remove the file, or ask the chair to add it with 'chair recipients add'"
                )
            }
        }
        return Recipients(signedSet: set)
    }
}
