import CSodium

/// SHA-512 (`crypto_hash_sha512`), fed in parts so secrets need not be copied together.
public struct SHA512 {
    /// Length of a digest.
    public static let digestLength = Int(crypto_hash_sha512_bytes())

    private var state = crypto_hash_sha512_state()

    /// Starts a new digest.
    public init() {
        Sodium.ensureInitialised()
        Sodium.requireSuccess(crypto_hash_sha512_init(&state), "crypto_hash_sha512_init")
    }

    /// Adds public bytes.
    public mutating func update(_ bytes: [UInt8]) {
        Sodium.requireSuccess(
            crypto_hash_sha512_update(&state, bytes, UInt64(bytes.count)), "crypto_hash_sha512_update")
    }

    /// Adds secret bytes.
    public mutating func update(_ secret: SecretBytes) {
        secret.withPointer {
            Sodium.requireSuccess(
                crypto_hash_sha512_update(&state, $0, UInt64(secret.count)), "crypto_hash_sha512_update")
        }
    }

    /// The digest, held as a secret because it may be key material; the state is wiped.
    public mutating func finalize() -> SecretBytes {
        let digest = SecretBytes(count: Self.digestLength) { (output: UnsafeMutablePointer<UInt8>) in
            Sodium.requireSuccess(crypto_hash_sha512_final(&state, output), "crypto_hash_sha512_final")
        }
        withUnsafeMutableBytes(of: &state) { raw in
            if let base = raw.baseAddress { sodium_memzero(base, raw.count) }
        }
        return digest
    }

    /// The digest of public bytes.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(bytes)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }
}

/// Unkeyed BLAKE2b (`crypto_generichash`).
public enum GenericHash {
    /// The BLAKE2b digest of `bytes`, `outputLength` bytes long (16 to 64).
    public static func hash(_ bytes: [UInt8], outputLength: Int) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition((16...64).contains(outputLength), "BLAKE2b output is 16 to 64 bytes")
        var output = [UInt8](repeating: 0, count: outputLength)
        Sodium.requireSuccess(
            crypto_generichash(&output, outputLength, bytes, UInt64(bytes.count), nil, 0), "crypto_generichash")
        return output
    }

    /// The BLAKE2b digest of `bytes` under a secret key of `keyLength` bytes at `key`.
    public static func keyedHash(
        _ bytes: [UInt8], key: UnsafePointer<UInt8>, keyLength: Int, outputLength: Int
    ) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition((16...64).contains(outputLength) && (16...64).contains(keyLength), "bad BLAKE2b lengths")
        var output = [UInt8](repeating: 0, count: outputLength)
        Sodium.requireSuccess(
            crypto_generichash(&output, outputLength, bytes, UInt64(bytes.count), key, keyLength), "crypto_generichash")
        return output
    }
}

/// SHA-256 (`crypto_hash_sha256`): only for checksums others compute with `sha256sum`.
public enum SHA256 {
    /// The digest of public bytes.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialised()
        var output = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
        Sodium.requireSuccess(crypto_hash_sha256(&output, bytes, UInt64(bytes.count)), "crypto_hash_sha256")
        return output
    }
}
