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

    /// Assembles an identity from its parts.
    public init(encryption: BoxKeyPair, signing: SigningKeyPair, storeKey: SecretBytes) {
        self.encryption = encryption
        self.signing = signing
        self.storeKey = storeKey
    }
}
