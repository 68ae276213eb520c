import CSodium

/// An Ed25519 key pair (`crypto_sign_*`): how the chair proves who it is to the relay.
public struct SigningKeyPair: Sendable {
    /// Length of a public key.
    public static let publicKeyLength = Int(crypto_sign_publickeybytes())
    /// Length of the seed a key pair is derived from.
    public static let seedLength = Int(crypto_sign_seedbytes())
    /// Length of a signature.
    public static let signatureLength = Int(crypto_sign_bytes())

    /// The 32-byte public key.
    public let publicKey: [UInt8]
    /// The 32-byte seed; the whole secret.
    public let seed: SecretBytes
    private let expandedSecretKey: SecretBytes

    /// Makes a fresh random key pair.
    public static func generate() -> SigningKeyPair {
        derive(seed: SecretBytes.random(count: seedLength))
    }

    /// Derives the key pair of a 32-byte seed.
    public static func derive(seed: SecretBytes) -> SigningKeyPair {
        Sodium.ensureInitialised()
        precondition(seed.count == seedLength, "a signing seed is 32 bytes")
        var publicKey = [UInt8](repeating: 0, count: publicKeyLength)
        let expanded = SecretBytes(count: Int(crypto_sign_secretkeybytes())) { (secret: UnsafeMutablePointer<UInt8>) in
            seed.withPointer {
                Sodium.requireSuccess(crypto_sign_seed_keypair(&publicKey, secret, $0), "crypto_sign_seed_keypair")
            }
        }
        return SigningKeyPair(publicKey: publicKey, seed: seed, expandedSecretKey: expanded)
    }

    /// A detached signature of `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Self.signatureLength)
        expandedSecretKey.withPointer { secret in
            Sodium.requireSuccess(
                crypto_sign_detached(&signature, nil, message, UInt64(message.count), secret), "crypto_sign_detached")
        }
        return signature
    }

    /// Whether `signature` is a valid signature of `message` by `publicKey`.
    /// Whether `publicKey` is a canonical Ed25519 point of the main subgroup, not of small
    /// order: a key any signature could be made to verify against is no key.
    public static func isUsablePublicKey(_ publicKey: [UInt8]) -> Bool {
        Sodium.ensureInitialised()
        guard publicKey.count == publicKeyLength else { return false }
        return crypto_core_ed25519_is_valid_point(publicKey) == 1
    }

    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Sodium.ensureInitialised()
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}
