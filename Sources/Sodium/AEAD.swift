import CSodium

/// XChaCha20-Poly1305-IETF authenticated encryption with additional data.
public enum AEAD {
    /// Length of a key.
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_keybytes())
    /// Length of a nonce; long enough to be chosen at random.
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_npubbytes())
    /// Length of the tag appended to the ciphertext.
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_abytes())

    /// Encrypts `plaintext` and authenticates it together with `additionalData`.
    public static func seal(
        _ plaintext: SecretBytes, additionalData: [UInt8], nonce: [UInt8], key: SecretBytes
    ) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(key.count == keyLength && nonce.count == nonceLength, "bad AEAD key or nonce length")
        var output = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        plaintext.withPointer { plain in
            key.withPointer { keyBytes in
                Sodium.requireSuccess(
                    crypto_aead_xchacha20poly1305_ietf_encrypt(
                        &output, nil, plain, UInt64(plaintext.count), additionalData,
                        UInt64(additionalData.count), nil, nonce, keyBytes),
                    "crypto_aead_xchacha20poly1305_ietf_encrypt")
            }
        }
        return output
    }

    /// Verifies and decrypts; `nil` when the key, nonce, data or ciphertext do not match.
    public static func open(
        _ ciphertext: ArraySlice<UInt8>, additionalData: [UInt8], nonce: [UInt8], key: SecretBytes
    ) -> SecretBytes? {
        Sodium.ensureInitialised()
        precondition(key.count == keyLength && nonce.count == nonceLength, "bad AEAD key or nonce length")
        guard ciphertext.count >= tagLength else { return nil }
        let input = Array(ciphertext)
        var status: Int32 = -1
        let plaintext = SecretBytes(count: input.count - tagLength) { (plain: UnsafeMutablePointer<UInt8>) in
            status = key.withPointer { keyBytes in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    plain, nil, nil, input, UInt64(input.count), additionalData,
                    UInt64(additionalData.count), nonce, keyBytes)
            }
        }
        return status == 0 ? plaintext : nil
    }
}
