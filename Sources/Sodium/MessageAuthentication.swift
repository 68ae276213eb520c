import CSodium

/// Secret-key message authentication: HMAC-SHA-512-256 (`crypto_auth`).
public enum MessageAuthentication {
    /// Length of a key.
    public static let keyLength = Int(crypto_auth_keybytes())
    /// Length of a tag.
    public static let tagLength = Int(crypto_auth_bytes())

    /// The tag of `message` under `key`.
    public static func tag(_ message: [UInt8], key: SecretBytes) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(key.count == keyLength, "a crypto_auth key is 32 bytes")
        var tag = [UInt8](repeating: 0, count: tagLength)
        key.withPointer { Sodium.requireSuccess(crypto_auth(&tag, message, UInt64(message.count), $0), "crypto_auth") }
        return tag
    }

    /// Whether `tag` authenticates `message`, compared in constant time.
    public static func verify(_ tag: [UInt8], message: [UInt8], key: SecretBytes) -> Bool {
        Sodium.ensureInitialised()
        guard tag.count == tagLength, key.count == keyLength else { return false }
        return key.withPointer { crypto_auth_verify(tag, message, UInt64(message.count), $0) == 0 }
    }
}
