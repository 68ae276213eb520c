import CSodium

/// Anonymous public-key encryption: libsodium sealed boxes (`crypto_box_seal`).
public enum SealedBox {
    /// Bytes a sealed box adds to its message: an ephemeral public key and a tag.
    public static let overhead = Int(crypto_box_sealbytes())

    /// Seals `message` so that only the holder of the secret key for `publicKey` can open it;
    /// throws, and returns nothing, when libsodium refuses the key.
    public static func seal(_ message: SecretBytes, to publicKey: [UInt8]) throws(SodiumFailure) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(publicKey.count == BoxKeyPair.keyLength, "a public key is 32 bytes")
        var box = [UInt8](repeating: 0, count: message.count + overhead)
        let status = message.withPointer { crypto_box_seal(&box, $0, UInt64(message.count), publicKey) }
        guard status == 0 else { throw .unusablePublicKey }
        return box
    }

    /// Seals with an ephemeral key derived from `ephemeralSeed` instead of a random one.
    ///
    /// The output is a standard sealed box (it opens with `crypto_box_seal_open`), built the way
    /// libsodium builds one: nonce = BLAKE2b-192(epk || pk), then `crypto_box_easy`. It exists so
    /// that test vectors can be reproduced; anything else must use `seal(_:to:)`.
    public static func sealDeterministically(
        _ message: SecretBytes, to publicKey: [UInt8], ephemeralSeed: SecretBytes
    ) throws(SodiumFailure) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(publicKey.count == BoxKeyPair.keyLength, "a public key is 32 bytes")
        let ephemeral = BoxKeyPair.derive(seed: ephemeralSeed)
        let nonce = GenericHash.hash(ephemeral.publicKey + publicKey, outputLength: Int(crypto_box_noncebytes()))
        var box = [UInt8](repeating: 0, count: message.count + Int(crypto_box_macbytes()))
        let status = message.withPointer { plain in
            ephemeral.secretKey.withPointer { secret in
                crypto_box_easy(&box, plain, UInt64(message.count), nonce, publicKey, secret)
            }
        }
        guard status == 0 else { throw .unusablePublicKey }
        return ephemeral.publicKey + box
    }

    /// Opens a sealed box with a key pair; `nil` when it was not sealed to this key or was altered.
    public static func open(_ box: ArraySlice<UInt8>, with keyPair: BoxKeyPair) -> SecretBytes? {
        Sodium.ensureInitialised()
        guard box.count >= overhead else { return nil }
        let input = Array(box)
        var status: Int32 = -1
        let message = SecretBytes(count: box.count - overhead) { (plain: UnsafeMutablePointer<UInt8>) in
            status = keyPair.secretKey.withPointer { secret in
                crypto_box_seal_open(plain, input, UInt64(input.count), keyPair.publicKey, secret)
            }
        }
        return status == 0 ? message : nil
    }
}
