import CSodium

/// Secret-key authenticated encryption: XSalsa20-Poly1305 (`crypto_secretbox_easy`).
public enum SecretBox {
    /// Length of a key.
    public static let keyLength = Int(crypto_secretbox_keybytes())
    /// Length of a nonce.
    public static let nonceLength = Int(crypto_secretbox_noncebytes())
    /// Length of the authentication tag that precedes the ciphertext.
    public static let tagLength = Int(crypto_secretbox_macbytes())

    /// Encrypts and authenticates `plaintext`; the output is the tag followed by the ciphertext.
    public static func seal(_ plaintext: SecretBytes, key: SecretBytes, nonce: SecretBytes) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(key.count == keyLength && nonce.count == nonceLength, "bad secretbox key or nonce length")
        var output = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        plaintext.withPointer { plain in
            key.withPointer { keyBytes in
                nonce.withPointer { nonceBytes in
                    Sodium.requireSuccess(
                        crypto_secretbox_easy(&output, plain, UInt64(plaintext.count), nonceBytes, keyBytes),
                        "crypto_secretbox_easy")
                }
            }
        }
        return output
    }

    /// Verifies and decrypts; `nil` when the tag does not match.
    public static func open(_ box: ArraySlice<UInt8>, key: SecretBytes, nonce: SecretBytes) -> SecretBytes? {
        Sodium.ensureInitialised()
        precondition(key.count == keyLength && nonce.count == nonceLength, "bad secretbox key or nonce length")
        guard box.count >= tagLength else { return nil }
        var status: Int32 = -1
        let plaintext = SecretBytes(count: box.count - tagLength) { (plain: UnsafeMutablePointer<UInt8>) in
            status = box.withUnsafeBufferPointer { input in
                guard let inputStart = input.baseAddress else { return -1 }
                return key.withPointer { keyBytes in
                    nonce.withPointer { nonceBytes in
                        crypto_secretbox_open_easy(plain, inputStart, UInt64(input.count), nonceBytes, keyBytes)
                    }
                }
            }
        }
        return status == 0 ? plaintext : nil
    }
}
