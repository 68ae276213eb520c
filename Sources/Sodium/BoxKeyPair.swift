import CSodium

/// An X25519 key pair for sealed boxes: the chair's encryption key.
public struct BoxKeyPair: Sendable {
    /// Length of a public key and of a secret key.
    public static let keyLength = Int(crypto_box_publickeybytes())

    /// The 32-byte public key, shared with the relay.
    public let publicKey: [UInt8]
    /// The 32-byte secret key.
    public let secretKey: SecretBytes

    /// Makes a fresh random key pair.
    public static func generate() -> BoxKeyPair {
        Sodium.ensureInitialised()
        var publicKey = [UInt8](repeating: 0, count: keyLength)
        let secretKey = SecretBytes(count: keyLength) { (secret: UnsafeMutablePointer<UInt8>) in
            Sodium.requireSuccess(crypto_box_keypair(&publicKey, secret), "crypto_box_keypair")
        }
        return BoxKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// Derives the key pair for a 32-byte seed (`crypto_box_seed_keypair`).
    public static func derive(seed: SecretBytes) -> BoxKeyPair {
        Sodium.ensureInitialised()
        precondition(seed.count == Int(crypto_box_seedbytes()), "a seed is 32 bytes")
        var publicKey = [UInt8](repeating: 0, count: keyLength)
        let secretKey = SecretBytes(count: keyLength) { (secret: UnsafeMutablePointer<UInt8>) in
            seed.withPointer {
                Sodium.requireSuccess(crypto_box_seed_keypair(&publicKey, secret, $0), "crypto_box_seed_keypair")
            }
        }
        return BoxKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// Rebuilds the key pair of a stored secret key, recomputing its public key.
    public static func restore(secretKey: SecretBytes) -> BoxKeyPair? {
        Sodium.ensureInitialised()
        guard secretKey.count == keyLength else { return nil }
        var publicKey = [UInt8](repeating: 0, count: keyLength)
        let status = secretKey.withPointer { crypto_scalarmult_base(&publicKey, $0) }
        guard status == 0 else { return nil }
        return BoxKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// Whether `publicKey` is one anything can be sealed to: 32 bytes and not a low-order point.
    ///
    /// A low-order point (all zeros is one) gives every sender the same shared secret, so a box
    /// sealed to it opens for anyone. `crypto_scalarmult` refuses those points (it returns -1
    /// for a listed encoding or an all-zero result), whatever the scalar: any clamped scalar
    /// is a multiple of 8, which sends a point of order 1, 2, 4 or 8 to the identity.
    public static func isUsablePublicKey(_ publicKey: [UInt8]) -> Bool {
        Sodium.ensureInitialised()
        guard publicKey.count == keyLength else { return false }
        let scalar = [UInt8](repeating: 0x5A, count: Int(crypto_scalarmult_scalarbytes()))
        var product = [UInt8](repeating: 0, count: Int(crypto_scalarmult_bytes()))
        return crypto_scalarmult(&product, scalar, publicKey) == 0
    }

    private init(publicKey: [UInt8], secretKey: SecretBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}
