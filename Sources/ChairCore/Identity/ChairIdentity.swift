import ChairStorage
import Sodium

/// The chair's keys: one to open envelopes, one to sign requests to the relay, one for the
/// chair's local encrypted store.
public struct ChairIdentity: Sendable {
    /// Opens envelopes sealed to the chair.
    public let encryption: BoxKeyPair
    /// Signs the chair's requests to the relay.
    public let signing: SigningKeyPair
    /// Encrypts the chair's local message store at rest.
    public let storeKey: SecretBytes

    /// Makes a new identity from fresh random keys.
    public static func generate() -> ChairIdentity {
        ChairIdentity(
            encryption: .generate(), signing: .generate(), storeKey: .random(count: AEAD.keyLength))
    }

    /// The 96 secret bytes the identity is made from: the encryption secret key, the signing
    /// seed and the store key, in that order (docs/FORMAT.md section 8).
    static let secretLength = 96

    package var secrets: SecretBytes {
        SecretBytes(count: Self.secretLength) { (output: UnsafeMutablePointer<UInt8>) in
            encryption.secretKey.withPointer { output.update(from: $0, count: 32) }
            signing.seed.withPointer { (output + 32).update(from: $0, count: 32) }
            storeKey.withPointer { (output + 64).update(from: $0, count: 32) }
        }
    }

    /// The identity made from its 96 secret bytes; nil when they are not a usable key.
    package init?(secrets: SecretBytes) {
        guard secrets.count == Self.secretLength,
            let encryption = BoxKeyPair.restore(secretKey: secrets.slice(0..<32))
        else { return nil }
        self.init(
            encryption: encryption, signing: SigningKeyPair.derive(seed: secrets.slice(32..<64)),
            storeKey: secrets.slice(64..<96))
    }

    /// Assembles an identity from its parts.
    public init(encryption: BoxKeyPair, signing: SigningKeyPair, storeKey: SecretBytes) {
        self.encryption = encryption
        self.signing = signing
        self.storeKey = storeKey
    }
}
